/**
 * Shared helpers for the protocol tests: hex literals and hand-built response frames.
 *
 * @module
 */
import { ByteWriter, fromHex, toHex } from "../../src/protocol/bytes.ts";

/** Bytes from a hex string that may contain spaces, newlines and `|` separators. */
export function hex(s: string): Uint8Array {
  return fromHex(s.replace(/[\s|]/g, ""));
}

/** Hex of bytes, for readable assertion failures. */
export function show(b: Uint8Array): string {
  return toHex(b);
}

/** Builds a response frame: header (version | 0x80) + body written by `body`. */
export function responseFrame(
  version: number,
  stream: number,
  opcode: number,
  body: (w: ByteWriter) => void,
  flags = 0,
): Uint8Array {
  const w = new ByteWriter();
  w.byte(0x80 | version);
  w.byte(flags);
  w.short(stream & 0xffff);
  w.byte(opcode);
  w.int(0);
  body(w);
  w.setIntAt(5, w.length - 9);
  return w.toBytes();
}
