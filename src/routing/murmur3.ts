/**
 * The token `Murmur3Partitioner` gives a partition key: the first half of Cassandra's 128-bit
 * x64 MurmurHash3 (seed 0) read as a signed 64-bit integer.
 *
 * Cassandra's variant differs from the reference MurmurHash3 in one place: it reads the tail
 * bytes (the last `length % 16`) as signed Java bytes, so a byte of 0x80 or more sign-extends
 * over every higher bit of its 64-bit lane before the XOR. Keys whose tail has such a byte hash
 * differently from other implementations, which is why this is not a generic MurmurHash3.
 *
 * The 64-bit arithmetic runs on pairs of 32-bit integers, which JIT compilers keep unboxed in
 * registers, whereas every bigint operation allocates: this runs 9 to 14 times as fast as the
 * same steps on bigints (`bench/token-map.ts` measures both). Only the returned token is a
 * bigint.
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
// Their low words' 16-bit halves.
const C1_L0 = C1_LO & 0xffff, C1_L1 = C1_LO >>> 16;
const C2_L0 = C2_LO & 0xffff, C2_L1 = C2_LO >>> 16;
const F1_L0 = F1_LO & 0xffff, F1_L1 = F1_LO >>> 16;
const F2_L0 = F2_LO & 0xffff, F2_L1 = F2_LO >>> 16;

// Turns the two result words into one bigint with a single allocation, whatever the platform's
// byte order (a DataView is explicit about it, unlike a BigInt64Array over an Int32Array).
const scratch = new DataView(new ArrayBuffer(8));

/** The high word of (ah:al) + (bh:bl) mod 2^64; the low word is `(al + bl) | 0`. */
function addHi(ah: number, al: number, bh: number, bl: number): number {
  // Carry out of the low words: their wrapped sum is below either of them.
  return (ah + bh + ((((al + bl) | 0) >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
}

/*
 * MUL_NOTE. Each 64-bit multiply by a constant (h:l) *= (C_HI:C_LO) is written out in place,
 * seven lines that always read alike:
 *
 *   low word:  Math.imul(l, C_LO)
 *   high word: Math.imul(h, C_LO) + Math.imul(l, C_HI)   (cross terms, needed mod 2^32 only)
 *              + the high word of the unsigned 32x32 product l * C_LO
 *
 * and that last term comes from the four products of 16-bit halves (a0, a1 of l; C_L0, C_L1 of
 * C_LO), each exact in 32 bits, so everything stays in int32 arithmetic. It is not a function
 * because there are eight multiplies: V8 stopped inlining such a helper after five (its
 * inlining budget), and the calls left, or a double-precision variant's int/float conversions
 * on the critical path, cost a third to a half more time per token.
 */

/**
 * The Murmur3Partitioner token of a partition key (its routing key, see `routing-key.ts`), as
 * `token(...)` in CQL returns it: a signed 64-bit integer. The empty key has the minimum token.
 */
export function murmur3Token(key: Uint8Array): bigint {
  const len = key.length;
  if (len === 0) return MIN_TOKEN;
  let h1h = 0, h1l = 0, h2h = 0, h2l = 0;
  let k1h: number, k1l: number, k2h: number, k2l: number, x: number;
  let a0: number, a1: number, t0: number, t1: number; // multiply temporaries, see MUL_NOTE
  // One loop for the 16-byte blocks and the tail: both mix k1 and k2 the same way.
  for (let p = 0;; p += 16) {
    const block = len - p >= 16;
    if (block) {
      k1l = key[p] | (key[p + 1] << 8) | (key[p + 2] << 16) | (key[p + 3] << 24);
      k1h = key[p + 4] | (key[p + 5] << 8) | (key[p + 6] << 16) | (key[p + 7] << 24);
      k2l = key[p + 8] | (key[p + 9] << 8) | (key[p + 10] << 16) | (key[p + 11] << 24);
      k2h = key[p + 12] | (key[p + 13] << 8) | (key[p + 14] << 16) | (key[p + 15] << 24);
    } else {
      if (p === len) break; // no tail
      k1h = 0, k1l = 0, k2h = 0, k2l = 0;
      // Tail bytes are signed: `(b << 24) >> 24` sign-extends; the bits of a lane above the
      // word a byte lands in then take its sign (the `>> 31`). A lane with no byte stays 0,
      // and mixing 0 gives 0: the tail's k2 needs no test of the length.
      for (let j = len - p - 1; j >= 0; j--) {
        const s = (key[p + j] << 24) >> 24;
        const q = j & 7;
        if (j >= 8) {
          if (q < 4) {
            k2l ^= s << (q << 3);
            k2h ^= s >> 31;
          } else {
            k2h ^= s << ((q - 4) << 3);
          }
        } else if (q < 4) {
          k1l ^= s << (q << 3);
          k1h ^= s >> 31;
        } else {
          k1h ^= s << ((q - 4) << 3);
        }
      }
    }

    // k1 *= c1; k1 = rotl64(k1, 31); k1 *= c2
    a0 = k1l & 0xffff;
    a1 = k1l >>> 16;
    t0 = Math.imul(a0, C1_L1);
    t1 = Math.imul(a1, C1_L0);
    k1h = (Math.imul(k1h, C1_LO) + Math.imul(k1l, C1_HI) + Math.imul(a1, C1_L1) + (t0 >>> 16) +
      (t1 >>> 16) + (((Math.imul(a0, C1_L0) >>> 16) + (t0 & 0xffff) + (t1 & 0xffff)) >>> 16)) | 0;
    k1l = Math.imul(k1l, C1_LO);
    x = k1h;
    k1h = (x << 31) | (k1l >>> 1);
    k1l = (k1l << 31) | (x >>> 1);
    a0 = k1l & 0xffff;
    a1 = k1l >>> 16;
    t0 = Math.imul(a0, C2_L1);
    t1 = Math.imul(a1, C2_L0);
    k1h = (Math.imul(k1h, C2_LO) + Math.imul(k1l, C2_HI) + Math.imul(a1, C2_L1) + (t0 >>> 16) +
      (t1 >>> 16) + (((Math.imul(a0, C2_L0) >>> 16) + (t0 & 0xffff) + (t1 & 0xffff)) >>> 16)) | 0;
    k1l = Math.imul(k1l, C2_LO);

    // k2 *= c2; k2 = rotl64(k2, 33); k2 *= c1
    a0 = k2l & 0xffff;
    a1 = k2l >>> 16;
    t0 = Math.imul(a0, C2_L1);
    t1 = Math.imul(a1, C2_L0);
    k2h = (Math.imul(k2h, C2_LO) + Math.imul(k2l, C2_HI) + Math.imul(a1, C2_L1) + (t0 >>> 16) +
      (t1 >>> 16) + (((Math.imul(a0, C2_L0) >>> 16) + (t0 & 0xffff) + (t1 & 0xffff)) >>> 16)) | 0;
    k2l = Math.imul(k2l, C2_LO);
    x = k2h;
    k2h = (k2l << 1) | (x >>> 31); // rotating by 33: swap the words, then rotate by 1
    k2l = (x << 1) | (k2l >>> 31);
    a0 = k2l & 0xffff;
    a1 = k2l >>> 16;
    t0 = Math.imul(a0, C1_L1);
    t1 = Math.imul(a1, C1_L0);
    k2h = (Math.imul(k2h, C1_LO) + Math.imul(k2l, C1_HI) + Math.imul(a1, C1_L1) + (t0 >>> 16) +
      (t1 >>> 16) + (((Math.imul(a0, C1_L0) >>> 16) + (t0 & 0xffff) + (t1 & 0xffff)) >>> 16)) | 0;
    k2l = Math.imul(k2l, C1_LO);

    h1h ^= k1h;
    h1l ^= k1l;
    if (!block) {
      h2h ^= k2h;
      h2l ^= k2l;
      break;
    }

    // h1 = rotl64(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729 (times 5 as h * 4 + h)
    x = h1h;
    h1h = (h1h << 27) | (h1l >>> 5);
    h1l = (h1l << 27) | (x >>> 5);
    h1h = addHi(h1h, h1l, h2h, h2l);
    h1l = (h1l + h2l) | 0;
    x = (h1h << 2) | (h1l >>> 30);
    h1h = addHi(x, h1l << 2, h1h, h1l);
    h1l = ((h1l << 2) + h1l) | 0;
    h1h = addHi(h1h, h1l, 0, 0x52dce729);
    h1l = (h1l + 0x52dce729) | 0;

    // h2 ^= k2; h2 = rotl64(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5
    h2h ^= k2h;
    h2l ^= k2l;
    x = h2h;
    h2h = (h2h << 31) | (h2l >>> 1);
    h2l = (h2l << 31) | (x >>> 1);
    h2h = addHi(h2h, h2l, h1h, h1l);
    h2l = (h2l + h1l) | 0;
    x = (h2h << 2) | (h2l >>> 30);
    h2h = addHi(x, h2l << 2, h2h, h2l);
    h2l = ((h2l << 2) + h2l) | 0;
    h2h = addHi(h2h, h2l, 0, 0x38495ab5);
    h2l = (h2l + 0x38495ab5) | 0;
  }

  // The length is below 2^31: XORing it touches the low words only.
  h1l ^= len;
  h2l ^= len;
  // h1 += h2; h2 += h1
  h1h = addHi(h1h, h1l, h2h, h2l);
  h1l = (h1l + h2l) | 0;
  h2h = addHi(h2h, h2l, h1h, h1l);
  h2l = (h2l + h1l) | 0;

  // fmix64 of both: k ^= k >>> 33; k *= f1; k ^= k >>> 33; k *= f2; k ^= k >>> 33
  h1l ^= h1h >>> 1;
  a0 = h1l & 0xffff;
  a1 = h1l >>> 16;
  t0 = Math.imul(a0, F1_L1);
  t1 = Math.imul(a1, F1_L0);
  h1h = (Math.imul(h1h, F1_LO) + Math.imul(h1l, F1_HI) + Math.imul(a1, F1_L1) + (t0 >>> 16) +
    (t1 >>> 16) + (((Math.imul(a0, F1_L0) >>> 16) + (t0 & 0xffff) + (t1 & 0xffff)) >>> 16)) | 0;
  h1l = Math.imul(h1l, F1_LO);
  h1l ^= h1h >>> 1;
  a0 = h1l & 0xffff;
  a1 = h1l >>> 16;
  t0 = Math.imul(a0, F2_L1);
  t1 = Math.imul(a1, F2_L0);
  h1h = (Math.imul(h1h, F2_LO) + Math.imul(h1l, F2_HI) + Math.imul(a1, F2_L1) + (t0 >>> 16) +
    (t1 >>> 16) + (((Math.imul(a0, F2_L0) >>> 16) + (t0 & 0xffff) + (t1 & 0xffff)) >>> 16)) | 0;
  h1l = Math.imul(h1l, F2_LO);
  h1l ^= h1h >>> 1;
  h2l ^= h2h >>> 1;
  a0 = h2l & 0xffff;
  a1 = h2l >>> 16;
  t0 = Math.imul(a0, F1_L1);
  t1 = Math.imul(a1, F1_L0);
  h2h = (Math.imul(h2h, F1_LO) + Math.imul(h2l, F1_HI) + Math.imul(a1, F1_L1) + (t0 >>> 16) +
    (t1 >>> 16) + (((Math.imul(a0, F1_L0) >>> 16) + (t0 & 0xffff) + (t1 & 0xffff)) >>> 16)) | 0;
  h2l = Math.imul(h2l, F1_LO);
  h2l ^= h2h >>> 1;
  a0 = h2l & 0xffff;
  a1 = h2l >>> 16;
  t0 = Math.imul(a0, F2_L1);
  t1 = Math.imul(a1, F2_L0);
  h2h = (Math.imul(h2h, F2_LO) + Math.imul(h2l, F2_HI) + Math.imul(a1, F2_L1) + (t0 >>> 16) +
    (t1 >>> 16) + (((Math.imul(a0, F2_L0) >>> 16) + (t0 & 0xffff) + (t1 & 0xffff)) >>> 16)) | 0;
  h2l = Math.imul(h2l, F2_LO);
  h2l ^= h2h >>> 1;

  // h1 += h2: the token is this first half.
  h1h = addHi(h1h, h1l, h2h, h2l);
  h1l = (h1l + h2l) | 0;

  if (h1h === (0x80000000 | 0) && h1l === 0) return MAX_TOKEN;
  scratch.setInt32(0, h1h);
  scratch.setInt32(4, h1l);
  return scratch.getBigInt64(0);
}
