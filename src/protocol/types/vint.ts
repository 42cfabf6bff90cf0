/**
 * Cassandra's variable-length integers ([unsigned vint] and zig-zag [vint], spec section 3),
 * used by `duration` values and by the element lengths of variable-size vectors.
 *
 * @module
 */
import type { ByteWriter } from "../bytes.ts";
import { ProtocolError } from "../errors.ts";

const U64_MAX = (1n << 64n) - 1n;

/** Number of bytes an unsigned vint of `v` (0 <= v < 2^64) occupies. */
function vintSize(v: bigint): number {
  // Each extra byte adds 7 usable bits: the first byte loses one bit per extra byte to the
  // length prefix but the extra byte brings 8.
  let bits = 0;
  for (let x = v; x > 0n; x >>= 1n) bits++;
  if (bits <= 7) return 1;
  const extra = Math.ceil((bits - 7) / 7);
  return extra >= 8 ? 9 : extra + 1;
}

/** Writes an [unsigned vint]; `v` must be in [0, 2^64). */
export function writeUnsignedVint(w: ByteWriter, v: bigint): void {
  if (v < 0n || v > U64_MAX) throw new RangeError(`unsigned vint out of range: ${v}`);
  const size = vintSize(v);
  w.ensure(size);
  const buf = w.buf;
  let p = w.length + size - 1;
  let x = v;
  for (let i = 1; i < size; i++) {
    buf[p--] = Number(x & 0xffn);
    x >>= 8n;
  }
  const extra = size - 1;
  const prefix = extra === 0 ? 0 : (0xff << (8 - extra)) & 0xff;
  buf[p] = prefix | Number(x);
  w.length += size;
}

/** Small-number fast path of {@link writeUnsignedVint}, for lengths (0 <= v < 2^31). */
export function writeUnsignedVintSmall(w: ByteWriter, v: number): void {
  if (v < 0x80) {
    w.byte(v);
    return;
  }
  writeUnsignedVint(w, BigInt(v));
}

/** Writes a zig-zag [vint]; `v` must be a signed 64-bit value. */
export function writeVint(w: ByteWriter, v: bigint): void {
  writeUnsignedVint(w, v >= 0n ? v << 1n : ((-v) << 1n) - 1n);
}

/** Read cursor for vints: the result of the last read plus the position after it. */
export interface VintCursor {
  /** Current offset into the buffer. */
  pos: number;
}

/**
 * Reads an [unsigned vint] from `buf` at `cur.pos`, not past `end`; advances the cursor.
 * Truncation is a {@link ProtocolError}.
 */
export function readUnsignedVint(buf: Uint8Array, cur: VintCursor, end: number): bigint {
  if (cur.pos >= end) throw new ProtocolError("truncated vint");
  const first = buf[cur.pos];
  // Leading one bits of the first byte count the extra bytes.
  const extra = Math.min(8, Math.clz32(~(first << 24)));
  if (cur.pos + 1 + extra > end) throw new ProtocolError("truncated vint");
  let v = BigInt(first & (0xff >> (extra + 1)));
  for (let i = 1; i <= extra; i++) v = (v << 8n) | BigInt(buf[cur.pos + i]);
  cur.pos += 1 + extra;
  return v;
}

/** Reads a small [unsigned vint] as a number; values above 2^31-1 are a {@link ProtocolError}. */
export function readUnsignedVintSmall(buf: Uint8Array, cur: VintCursor, end: number): number {
  if (cur.pos < end && buf[cur.pos] < 0x80) return buf[cur.pos++];
  const v = readUnsignedVint(buf, cur, end);
  if (v > 0x7fffffffn) throw new ProtocolError(`vint length too large: ${v}`);
  return Number(v);
}

/** Reads a zig-zag [vint] as a signed 64-bit bigint. */
export function readVint(buf: Uint8Array, cur: VintCursor, end: number): bigint {
  const u = readUnsignedVint(buf, cur, end);
  return (u & 1n) === 0n ? u >> 1n : -(u >> 1n) - 1n;
}
