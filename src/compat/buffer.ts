/**
 * Blobs as cassandra-driver hands them out: a Node `Buffer` where the runtime has one (Node, Bun,
 * Deno), a plain `Uint8Array` elsewhere (Workers). Detected at run time so the entry imports
 * nothing runtime-specific.
 *
 * @module
 */

interface BufferClass {
  from(ab: ArrayBufferLike, byteOffset: number, length: number): Uint8Array;
  alloc(size: number): Uint8Array;
}

const NodeBuffer = (globalThis as { Buffer?: BufferClass }).Buffer;

/** The bytes of `u8` as a Buffer where one exists: a view over the same memory, not a copy. */
export function toBlob(u8: Uint8Array): Uint8Array {
  if (NodeBuffer === undefined) return u8;
  if ((u8 as { constructor?: unknown }).constructor === NodeBuffer) return u8;
  return NodeBuffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

/** A zero-filled blob of `size` bytes. */
export function allocBlob(size: number): Uint8Array {
  return NodeBuffer === undefined ? new Uint8Array(size) : NodeBuffer.alloc(size);
}

/** A blob holding `bytes`. */
export function blobOf(bytes: ArrayLike<number>): Uint8Array {
  const b = allocBlob(bytes.length);
  for (let i = 0; i < bytes.length; i++) b[i] = bytes[i];
  return b;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Lower-case hex of `u8`. */
export function toHex(u8: Uint8Array): string {
  let s = "";
  for (let i = 0; i < u8.length; i++) s += HEX[u8[i]];
  return s;
}

/**
 * Bytes of a hex string, stopping at the first pair that is not hex (as Node's
 * `Buffer.from(s, "hex")` does).
 */
export function fromHex(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i + 1 < s.length; i += 2) {
    const pair = s.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) break;
    out.push(parseInt(pair, 16));
  }
  return blobOf(out);
}

/** True when both byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `n` random bytes from the runtime's CSPRNG. */
export function randomBlob(n: number): Uint8Array {
  const b = allocBlob(n);
  crypto.getRandomValues(b as Uint8Array<ArrayBuffer>);
  return b;
}

/** Big-endian unsigned 32-bit integer at `off`. */
export function readUInt32BE(b: Uint8Array, off: number): number {
  return ((b[off] << 24) >>> 0) + (b[off + 1] << 16) + (b[off + 2] << 8) + b[off + 3];
}

/** Big-endian signed 32-bit integer at `off`. */
export function readInt32BE(b: Uint8Array, off: number): number {
  return readUInt32BE(b, off) | 0;
}

/** Writes `v` as a big-endian 32-bit integer at `off`. */
export function writeUInt32BE(b: Uint8Array, v: number, off: number): void {
  b[off] = (v >>> 24) & 0xff;
  b[off + 1] = (v >>> 16) & 0xff;
  b[off + 2] = (v >>> 8) & 0xff;
  b[off + 3] = v & 0xff;
}
