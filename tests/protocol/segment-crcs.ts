/**
 * Rewrites the CRCs of v5 segments after their bytes were mutated, so that mutations reach past
 * the checksums into the payloads: shared by the fast-check fuzzers (tests/protocol/fuzzers.ts)
 * and the Jazzer.js segment target, which pass the CRC functions in (the target takes them from
 * its instrumented driver bundle).
 *
 * @module
 */

/** CRC-24 of a segment header's first `n` bytes from `offset`. */
type Crc24 = (b: Uint8Array, offset: number, n: number) => number;
/** CRC-32 of a segment payload `[start, end)`. */
type Crc32 = (b: Uint8Array, start: number, end: number) => number;

/** Rewrites, in place, the header and payload CRCs of every whole segment of `b`. */
export function rewriteSegmentCrcs(
  b: Uint8Array,
  compressed: boolean,
  crc24: Crc24,
  payloadCrc32: Crc32,
): void {
  const h = compressed ? 8 : 6;
  const n = compressed ? 5 : 3;
  for (let o = 0; o + h <= b.length;) {
    const len = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) & 0x1ffff;
    const crc = crc24(b, o, n);
    b[o + n] = crc & 255;
    b[o + n + 1] = (crc >> 8) & 255;
    b[o + n + 2] = crc >> 16;
    const end = o + h + len;
    if (end + 4 > b.length) break;
    const c = payloadCrc32(b, o + h, end);
    b[end] = c & 255;
    b[end + 1] = (c >>> 8) & 255;
    b[end + 2] = (c >>> 16) & 255;
    b[end + 3] = c >>> 24;
    o = end + 4;
  }
}
