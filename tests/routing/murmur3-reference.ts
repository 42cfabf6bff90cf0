/**
 * A direct bigint transcription of Cassandra's `MurmurHash.hash3_x64_128` (first half), slow and
 * obviously shaped like the Java: the oracle the fast 32-bit-pair version is checked against.
 *
 * @module
 */

const M64 = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;

function rotl(v: bigint, n: bigint): bigint {
  return ((v << n) | (v >> (64n - n))) & M64;
}

function fmix(k: bigint): bigint {
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & M64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & M64;
  k ^= k >> 33n;
  return k;
}

function block(b: Uint8Array, off: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]);
  return v;
}

/** A Java `(long) byte`: sign-extended, as an unsigned 64-bit pattern. */
function signedByte(b: number): bigint {
  return BigInt.asUintN(64, BigInt((b << 24) >> 24));
}

/** The Murmur3Partitioner token, computed with bigints only. */
export function referenceMurmur3Token(key: Uint8Array): bigint {
  const len = key.length;
  if (len === 0) return -(1n << 63n);
  let h1 = 0n, h2 = 0n;
  const nblocks = len >> 4;
  for (let i = 0; i < nblocks; i++) {
    let k1 = block(key, i * 16), k2 = block(key, i * 16 + 8);
    k1 = (k1 * C1) & M64;
    k1 = rotl(k1, 31n);
    k1 = (k1 * C2) & M64;
    h1 ^= k1;
    h1 = rotl(h1, 27n);
    h1 = (h1 + h2) & M64;
    h1 = (h1 * 5n + 0x52dce729n) & M64;
    k2 = (k2 * C2) & M64;
    k2 = rotl(k2, 33n);
    k2 = (k2 * C1) & M64;
    h2 ^= k2;
    h2 = rotl(h2, 31n);
    h2 = (h2 + h1) & M64;
    h2 = (h2 * 5n + 0x38495ab5n) & M64;
  }
  const off = nblocks * 16;
  const rem = len & 15;
  let k1 = 0n, k2 = 0n;
  for (let j = rem - 1; j >= 8; j--) k2 ^= (signedByte(key[off + j]) << BigInt(8 * (j - 8))) & M64;
  if (rem > 8) {
    k2 = (k2 * C2) & M64;
    k2 = rotl(k2, 33n);
    k2 = (k2 * C1) & M64;
    h2 ^= k2;
  }
  for (let j = Math.min(rem, 8) - 1; j >= 0; j--) {
    k1 ^= (signedByte(key[off + j]) << BigInt(8 * j)) & M64;
  }
  if (rem > 0) {
    k1 = (k1 * C1) & M64;
    k1 = rotl(k1, 31n);
    k1 = (k1 * C2) & M64;
    h1 ^= k1;
  }
  h1 ^= BigInt(len);
  h2 ^= BigInt(len);
  h1 = (h1 + h2) & M64;
  h2 = (h2 + h1) & M64;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = (h1 + h2) & M64;
  const t = BigInt.asIntN(64, h1);
  return t === -(1n << 63n) ? (1n << 63n) - 1n : t;
}

/** x such that a * x = 1 mod 2^64, for odd a (Newton's iteration doubles the good bits). */
function inverse(a: bigint): bigint {
  let x = a;
  for (let i = 0; i < 6; i++) x = (x * (2n - a * x)) & M64;
  return x;
}

function rotr(v: bigint, n: bigint): bigint {
  return rotl(v, 64n - n);
}

/** fmix undone: `k ^= k >>> 33` is its own inverse, the multiplications are by odd numbers. */
function unfmix(k: bigint): bigint {
  k ^= k >> 33n;
  k = (k * inverse(0xc4ceb9fe1a85ec53n)) & M64;
  k ^= k >> 33n;
  k = (k * inverse(0xff51afd7ed558ccdn)) & M64;
  k ^= k >> 33n;
  return k;
}

/**
 * A 16-byte key whose 128-bit hash is (`h1`, 0): the hash of one block is a bijection, so it
 * can be run backwards (Cassandra's tests do the same, `MurmurHash.inv_hash3_x64_128`). This is
 * how a key hashing to `Long.MIN_VALUE` is found, to test the token's normalization.
 */
export function keyForHash(h1: bigint): Uint8Array {
  const H1 = BigInt.asUintN(64, h1), H2 = 0n;
  const inv5 = inverse(5n);
  let h2 = (H2 - H1) & M64;
  let a = (H1 - h2) & M64;
  a = unfmix(a);
  h2 = unfmix(h2);
  h2 = (h2 - a) & M64;
  a = (a - h2) & M64;
  a ^= 16n;
  h2 ^= 16n;
  const t = (((h2 - 0x38495ab5n) & M64) * inv5 - a) & M64;
  const k2 = (rotr((rotr(t, 31n) * inverse(C1)) & M64, 33n) * inverse(C2)) & M64;
  const k1Mixed = rotr((((a - 0x52dce729n) & M64) * inv5) & M64, 27n);
  const k1 = (rotr((k1Mixed * inverse(C2)) & M64, 31n) * inverse(C1)) & M64;
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, k1, true);
  dv.setBigUint64(8, k2, true);
  return out;
}
