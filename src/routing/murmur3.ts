/**
 * The token `Murmur3Partitioner` gives a partition key: the first half of Cassandra's 128-bit
 * x64 MurmurHash3 (seed 0) read as a signed 64-bit integer.
 *
 * Cassandra's variant differs from the reference MurmurHash3 in one place: it reads the tail
 * bytes (the last `length % 16`) as signed Java bytes, so a byte of 0x80 or more sign-extends
 * over every higher bit of its 64-bit lane before the XOR. Keys whose tail has such a byte hash
 * differently from other implementations, which is why this is not a generic MurmurHash3.
 *
 * The 64-bit arithmetic runs on pairs of 32-bit integers: V8, JavaScriptCore and SpiderMonkey
 * keep those in registers, whereas every bigint operation allocates. Only the returned token is
 * a bigint (see `bench/token-map.ts` for the measured difference).
 *
 * @module
 */

/** The token of the empty key, `Long.MIN_VALUE`: Cassandra keeps it for the empty key alone. */
const MIN_TOKEN = -(1n << 63n);
/** What a hash of `Long.MIN_VALUE` becomes, so that no real key shares the empty key's token. */
const MAX_TOKEN = (1n << 63n) - 1n;

// The constants as high and low 32-bit words.
const C1_HI = 0x87c37b91 | 0, C1_LO = 0x114253d5 | 0;
const C2_HI = 0x4cf5ad43 | 0, C2_LO = 0x2745937f | 0;
const F1_HI = 0xff51afd7 | 0, F1_LO = 0xed558ccd | 0;
const F2_HI = 0xc4ceb9fe | 0, F2_LO = 0x1a85ec53 | 0;

// Turns the two result words into one bigint with a single allocation, whatever the platform's
// byte order (a DataView is explicit about it, unlike a BigInt64Array over an Int32Array).
const scratch = new DataView(new ArrayBuffer(8));

/**
 * The low word of the last {@link mul64} result: the helpers return the high word and leave the
 * low one here, since returning a pair would allocate.
 */
let outLo = 0;

/** (ah:al) * (bh:bl) mod 2^64; returns the high word, the low one in {@link outLo}. */
function mul64(ah: number, al: number, bh: number, bl: number): number {
  // The high word of the 32x32 product al*bl comes from 16-bit halves: each partial product
  // fits a double exactly. The cross terms only matter mod 2^32, which Math.imul gives.
  const a0 = al & 0xffff, a1 = al >>> 16;
  const b0 = bl & 0xffff, b1 = bl >>> 16;
  const t = a0 * b0;
  const m = a1 * b0 + a0 * b1 + (t >>> 16);
  const carry = a1 * b1 + ((m / 65536) >>> 0);
  outLo = Math.imul(al, bl);
  return (Math.imul(ah, bl) + Math.imul(al, bh) + carry) | 0;
}

/** (ah:al) + (bh:bl) mod 2^64; returns the high word, the low one in {@link outLo}. */
function add64(ah: number, al: number, bh: number, bl: number): number {
  const s = (al >>> 0) + (bl >>> 0);
  outLo = s | 0;
  return (ah + bh + (s > 0xffffffff ? 1 : 0)) | 0;
}

/** The finalization mix of one 64-bit lane; returns the high word, the low one in {@link outLo}. */
function fmix64(h: number, l: number): number {
  l ^= h >>> 1; // k ^= k >>> 33
  h = mul64(h, l, F1_HI, F1_LO);
  l = outLo;
  l ^= h >>> 1;
  h = mul64(h, l, F2_HI, F2_LO);
  l = outLo ^ (h >>> 1);
  outLo = l;
  return h;
}

/**
 * The Murmur3Partitioner token of a partition key (its routing key, see `routing-key.ts`), as
 * `token(...)` in CQL returns it: a signed 64-bit integer. The empty key has the minimum token.
 */
export function murmur3Token(key: Uint8Array): bigint {
  const len = key.length;
  if (len === 0) return MIN_TOKEN;
  let h1h = 0, h1l = 0, h2h = 0, h2l = 0;
  let k1h: number, k1l: number, k2h: number, k2l: number, x: number;
  const end = len - (len & 15);
  let p = 0;
  for (; p < end; p += 16) {
    k1l = key[p] | (key[p + 1] << 8) | (key[p + 2] << 16) | (key[p + 3] << 24);
    k1h = key[p + 4] | (key[p + 5] << 8) | (key[p + 6] << 16) | (key[p + 7] << 24);
    k2l = key[p + 8] | (key[p + 9] << 8) | (key[p + 10] << 16) | (key[p + 11] << 24);
    k2h = key[p + 12] | (key[p + 13] << 8) | (key[p + 14] << 16) | (key[p + 15] << 24);

    // k1 *= c1; k1 = rotl64(k1, 31); k1 *= c2; h1 ^= k1
    k1h = mul64(k1h, k1l, C1_HI, C1_LO);
    k1l = outLo;
    x = k1h;
    k1h = (k1h << 31) | (k1l >>> 1);
    k1l = (k1l << 31) | (x >>> 1);
    k1h = mul64(k1h, k1l, C2_HI, C2_LO);
    h1h ^= k1h;
    h1l ^= outLo;

    // h1 = rotl64(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729
    x = h1h;
    h1h = (h1h << 27) | (h1l >>> 5);
    h1l = (h1l << 27) | (x >>> 5);
    h1h = add64(h1h, h1l, h2h, h2l);
    h1l = outLo;
    h1h = mul64(h1h, h1l, 0, 5);
    h1h = add64(h1h, outLo, 0, 0x52dce729);
    h1l = outLo;

    // k2 *= c2; k2 = rotl64(k2, 33); k2 *= c1; h2 ^= k2
    k2h = mul64(k2h, k2l, C2_HI, C2_LO);
    k2l = outLo;
    x = k2h; // rotating by 33 swaps the words, then rotates by 1
    k2h = (k2l << 1) | (x >>> 31);
    k2l = (x << 1) | (k2l >>> 31);
    k2h = mul64(k2h, k2l, C1_HI, C1_LO);
    h2h ^= k2h;
    h2l ^= outLo;

    // h2 = rotl64(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5
    x = h2h;
    h2h = (h2h << 31) | (h2l >>> 1);
    h2l = (h2l << 31) | (x >>> 1);
    h2h = add64(h2h, h2l, h1h, h1l);
    h2l = outLo;
    h2h = mul64(h2h, h2l, 0, 5);
    h2h = add64(h2h, outLo, 0, 0x38495ab5);
    h2l = outLo;
  }

  const rem = len - end;
  if (rem > 0) {
    k1h = 0, k1l = 0, k2h = 0, k2l = 0;
    // Tail bytes are signed: `(b << 24) >> 24` sign-extends; the bits of a lane above the word
    // a byte lands in then take its sign (the `>> 31`).
    for (let j = rem - 1; j >= 8; j--) {
      const s = (key[p + j] << 24) >> 24;
      if (j < 12) {
        k2l ^= s << ((j - 8) << 3);
        k2h ^= s >> 31;
      } else {
        k2h ^= s << ((j - 12) << 3);
      }
    }
    for (let j = (rem > 8 ? 8 : rem) - 1; j >= 0; j--) {
      const s = (key[p + j] << 24) >> 24;
      if (j < 4) {
        k1l ^= s << (j << 3);
        k1h ^= s >> 31;
      } else {
        k1h ^= s << ((j - 4) << 3);
      }
    }
    if (rem > 8) {
      k2h = mul64(k2h, k2l, C2_HI, C2_LO);
      k2l = outLo;
      x = k2h;
      k2h = (k2l << 1) | (x >>> 31);
      k2l = (x << 1) | (k2l >>> 31);
      k2h = mul64(k2h, k2l, C1_HI, C1_LO);
      h2h ^= k2h;
      h2l ^= outLo;
    }
    k1h = mul64(k1h, k1l, C1_HI, C1_LO);
    k1l = outLo;
    x = k1h;
    k1h = (k1h << 31) | (k1l >>> 1);
    k1l = (k1l << 31) | (x >>> 1);
    k1h = mul64(k1h, k1l, C2_HI, C2_LO);
    h1h ^= k1h;
    h1l ^= outLo;
  }

  // The length is below 2^31: XORing it touches the low words only.
  h1l ^= len;
  h2l ^= len;
  h1h = add64(h1h, h1l, h2h, h2l);
  h1l = outLo;
  h2h = add64(h2h, h2l, h1h, h1l);
  h2l = outLo;
  h1h = fmix64(h1h, h1l);
  h1l = outLo;
  h2h = fmix64(h2h, h2l);
  h2l = outLo;
  h1h = add64(h1h, h1l, h2h, h2l);
  h1l = outLo;

  if (h1h === (0x80000000 | 0) && h1l === 0) return MAX_TOKEN;
  scratch.setInt32(0, h1h);
  scratch.setInt32(4, h1l);
  return scratch.getBigInt64(0);
}
