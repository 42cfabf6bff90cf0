/**
 * Arbitrary-precision integers as minimal big-endian two's complement bytes (the `varint`
 * encoding, also the unscaled part of `decimal`).
 *
 * @module
 */
import type { ByteWriter } from "../bytes.ts";

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? "0" : "") + i.toString(16));

/** Hex digits of the minimal two's complement form of `v`, before complementing negatives. */
function magnitudeHex(v: bigint): string {
  // Negative values are encoded as the bitwise complement of (-v - 1), which has the same
  // minimal length rule as a non-negative value: the top bit must stay clear.
  const m = v < 0n ? -v - 1n : v;
  let hex = m.toString(16);
  if (hex.length % 2 === 1) hex = "0" + hex;
  if (hex.charCodeAt(0) >= 0x38 /* '8' */) hex = "00" + hex;
  return hex;
}

/** Writes `v` as minimal two's complement bytes (no length prefix). */
export function writeVarint(w: ByteWriter, v: bigint): void {
  // Values that fit in a double's integer range take a cheaper path than hex formatting.
  if (v >= -0x80000000n && v <= 0x7fffffffn) {
    const n = Number(v);
    const size = n >= -0x80 && n <= 0x7f
      ? 1
      : n >= -0x8000 && n <= 0x7fff
      ? 2
      : n >= -0x800000 && n <= 0x7fffff
      ? 3
      : 4;
    w.ensure(size);
    for (let i = size - 1; i >= 0; i--) w.buf[w.length + size - 1 - i] = (n >> (8 * i)) & 0xff;
    w.length += size;
    return;
  }
  const hex = magnitudeHex(v);
  const size = hex.length / 2;
  w.ensure(size);
  const flip = v < 0n ? 0xff : 0;
  const buf = w.buf;
  const base = w.length;
  for (let i = 0; i < size; i++) buf[base + i] = parseInt(hex.substr(i * 2, 2), 16) ^ flip;
  w.length += size;
}

/** Reads `len` (> 0) bytes of two's complement at `off` as a bigint. */
export function readVarint(buf: Uint8Array, dv: DataView, off: number, len: number): bigint {
  if (len === 8) return dv.getBigInt64(off);
  if (len <= 6) {
    // 48 bits fit exactly in a double.
    let n = buf[off] & 0x7f;
    for (let i = 1; i < len; i++) n = n * 256 + buf[off + i];
    if (buf[off] & 0x80) n -= 2 ** (8 * len - 1);
    return BigInt(n);
  }
  let hex = "0x";
  for (let i = 0; i < len; i++) hex += HEX[buf[off + i]];
  const u = BigInt(hex);
  return buf[off] & 0x80 ? u - (1n << BigInt(8 * len)) : u;
}
