/**
 * MD5 (RFC 1321) in plain TypeScript, for RandomPartitioner tokens: Web Crypto has no MD5, and
 * routing must not wait on an async digest per request.
 *
 * @module
 */

/** floor(|sin(i + 1)| * 2^32), the RFC's table T. */
const T = new Int32Array([
  0xd76aa478,
  0xe8c7b756,
  0x242070db,
  0xc1bdceee,
  0xf57c0faf,
  0x4787c62a,
  0xa8304613,
  0xfd469501,
  0x698098d8,
  0x8b44f7af,
  0xffff5bb1,
  0x895cd7be,
  0x6b901122,
  0xfd987193,
  0xa679438e,
  0x49b40821,
  0xf61e2562,
  0xc040b340,
  0x265e5a51,
  0xe9b6c7aa,
  0xd62f105d,
  0x02441453,
  0xd8a1e681,
  0xe7d3fbc8,
  0x21e1cde6,
  0xc33707d6,
  0xf4d50d87,
  0x455a14ed,
  0xa9e3e905,
  0xfcefa3f8,
  0x676f02d9,
  0x8d2a4c8a,
  0xfffa3942,
  0x8771f681,
  0x6d9d6122,
  0xfde5380c,
  0xa4beea44,
  0x4bdecfa9,
  0xf6bb4b60,
  0xbebfbc70,
  0x289b7ec6,
  0xeaa127fa,
  0xd4ef3085,
  0x04881d05,
  0xd9d4d039,
  0xe6db99e5,
  0x1fa27cf8,
  0xc4ac5665,
  0xf4292244,
  0x432aff97,
  0xab9423a7,
  0xfc93a039,
  0x655b59c3,
  0x8f0ccc92,
  0xffeff47d,
  0x85845dd1,
  0x6fa87e4f,
  0xfe2ce6e0,
  0xa3014314,
  0x4e0811a1,
  0xf7537e82,
  0xbd3af235,
  0x2ad7d2bb,
  0xeb86d391,
]);

/** Per-step left rotations: four per round, repeated four times within it. */
const S = new Uint8Array([7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]);

/** Which message word each of the 64 steps reads. */
const G = new Uint8Array(64);
for (let i = 0; i < 16; i++) {
  G[i] = i;
  G[16 + i] = (5 * i + 1) & 15;
  G[32 + i] = (3 * i + 5) & 15;
  G[48 + i] = (7 * i) & 15;
}

/** The 16 little-endian words of the block being compressed (reused: no allocation per block). */
const X = new Int32Array(16);
/** The padded final one or two blocks. */
const TAIL = new Uint8Array(128);

/** The running state: A, B, C, D. */
const H = new Int32Array(4);

function compress(b: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const p = off + 4 * i;
    X[i] = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
  }
  let a = H[0], bb = H[1], c = H[2], d = H[3];
  for (let i = 0; i < 64; i++) {
    let f: number;
    if (i < 16) f = (bb & c) | (~bb & d);
    else if (i < 32) f = (d & bb) | (~d & c);
    else if (i < 48) f = bb ^ c ^ d;
    else f = c ^ (bb | ~d);
    const s = S[((i >> 4) << 2) | (i & 3)];
    const x = (a + f + T[i] + X[G[i]]) | 0;
    a = d;
    d = c;
    c = bb;
    bb = (bb + ((x << s) | (x >>> (32 - s)))) | 0;
  }
  H[0] = (H[0] + a) | 0;
  H[1] = (H[1] + bb) | 0;
  H[2] = (H[2] + c) | 0;
  H[3] = (H[3] + d) | 0;
}

/** The 16-byte MD5 digest of `data`. */
export function md5(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  md5Into(data, out);
  return out;
}

/**
 * Writes the MD5 digest of `data` into `out[offset, offset + 16)`: for callers that hash per
 * request into memory of their own, since a fresh 16-byte array costs more than hashing a short
 * key.
 */
export function md5Into(data: Uint8Array, out: Uint8Array, offset = 0): void {
  H[0] = 0x67452301;
  H[1] = 0xefcdab89 | 0;
  H[2] = 0x98badcfe | 0;
  H[3] = 0x10325476;
  const len = data.length;
  const full = len - (len & 63);
  for (let off = 0; off < full; off += 64) compress(data, off);
  // Padding: 0x80, zeros, then the bit length as 64-bit little-endian, to a 64-byte boundary.
  const rest = len - full;
  TAIL.fill(0);
  for (let i = 0; i < rest; i++) TAIL[i] = data[full + i];
  TAIL[rest] = 0x80;
  const tailLen = rest < 56 ? 64 : 128;
  const bitsLo = (len * 8) >>> 0;
  const bitsHi = Math.floor(len / 0x20000000);
  const q = tailLen - 8;
  TAIL[q] = bitsLo;
  TAIL[q + 1] = bitsLo >>> 8;
  TAIL[q + 2] = bitsLo >>> 16;
  TAIL[q + 3] = bitsLo >>> 24;
  TAIL[q + 4] = bitsHi;
  TAIL[q + 5] = bitsHi >>> 8;
  TAIL[q + 6] = bitsHi >>> 16;
  TAIL[q + 7] = bitsHi >>> 24;
  compress(TAIL, 0);
  if (tailLen === 128) compress(TAIL, 64);
  for (let i = 0; i < 4; i++) {
    const h = H[i];
    const o = offset + 4 * i;
    out[o] = h;
    out[o + 1] = h >>> 8;
    out[o + 2] = h >>> 16;
    out[o + 3] = h >>> 24;
  }
}
