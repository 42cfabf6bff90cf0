/**
 * The compression seam: a {@link Compressor} (implemented outside the pure core, e.g. over a
 * WebAssembly LZ4) and the v4 frame-body format built on it. v5 compresses segments instead, see
 * `segment.ts`.
 *
 * @module
 */
import type { ByteWriter } from "./bytes.ts";
import { ProtocolError } from "./errors.ts";
import { DEFAULT_MAX_FRAME_LENGTH, type Frame, FrameFlag, HEADER_LENGTH } from "./frame.ts";
import { markOwned } from "./owned.ts";

/**
 * A raw LZ4 block codec (no frame format, no size prefix).
 *
 * Implementations may throw anything on malformed input; the protocol code wraps those failures
 * into ProtocolError (see {@link decompressChecked}).
 */
export interface Compressor {
  /** The algorithm name sent in STARTUP's COMPRESSION option. */
  readonly name: "lz4";
  /** Compresses `raw` into one LZ4 block. */
  compress(raw: Uint8Array): Uint8Array;
  /**
   * Decompresses one LZ4 block whose decompressed size is known to be `uncompressedLength`, into
   * new memory that the caller owns (values decoded from it may be views of it).
   */
  decompress(block: Uint8Array, uncompressedLength: number): Uint8Array;
}

/** LZ4 cannot expand data by more than this factor (each literal-run byte covers ≤255 bytes). */
const MAX_LZ4_RATIO = 255;

// A module function, not a closure per block: the walk runs for every compressed frame.
function bad(why: string): never {
  throw new ProtocolError(`corrupt LZ4 block: ${why}`);
}

/**
 * Walks the sequences of an LZ4 block without decompressing it and throws ProtocolError unless
 * it produces exactly `uncompressedLength` bytes with every match copying from bytes already
 * produced. The WebAssembly decoder (lz4-wasm's lz4_flex) does not check the latter: a match
 * reaching before the first output byte copied whatever an earlier call had left in its heap,
 * so a crafted block could return other responses' (or requests') bytes inside a decoded value
 * (found by the Jazzer.js fuzzing: the same block decompressed to different bytes twice).
 */
function checkLz4Block(b: Uint8Array, uncompressedLength: number): void {
  const len = b.length;
  let ip = 0;
  let op = 0;
  for (;;) {
    if (ip >= len) bad("ends before its last literals");
    const token = b[ip++];
    let lit = token >>> 4;
    if (lit === 15) {
      let s = 255;
      while (s === 255) {
        if (ip >= len) bad("truncated literal length");
        s = b[ip++];
        lit += s;
      }
    }
    if (lit > len - ip) bad("literals past the end of the block");
    ip += lit;
    op += lit;
    if (op > uncompressedLength) bad(`more than ${uncompressedLength} bytes`);
    if (ip === len) break; // the last sequence has literals only
    if (len - ip < 2) bad("truncated match offset");
    const offset = b[ip] | (b[ip + 1] << 8);
    ip += 2;
    if (offset === 0 || offset > op) bad(`match offset ${offset} before the start of the output`);
    let match = (token & 15) + 4;
    if ((token & 15) === 15) {
      let s = 255;
      while (s === 255) {
        if (ip >= len) bad("truncated match length");
        s = b[ip++];
        match += s;
      }
    }
    op += match;
    if (op > uncompressedLength) bad(`more than ${uncompressedLength} bytes`);
  }
  if (op !== uncompressedLength) bad(`${op} bytes, expected ${uncompressedLength}`);
}

/**
 * Decompresses a block, guaranteeing the result has exactly `uncompressedLength` bytes and that
 * any failure (bad block, implausible size) is a ProtocolError. The size is checked against
 * `maxLength` and against what LZ4 can produce from the block before anything is allocated.
 */
export function decompressChecked(
  c: Compressor,
  block: Uint8Array,
  uncompressedLength: number,
  maxLength: number = DEFAULT_MAX_FRAME_LENGTH,
): Uint8Array {
  if (uncompressedLength < 0 || uncompressedLength > maxLength) {
    throw new ProtocolError(`bad uncompressed length ${uncompressedLength}`);
  }
  if (uncompressedLength > block.length * MAX_LZ4_RATIO + 16) {
    throw new ProtocolError(
      `LZ4 block of ${block.length} bytes cannot expand to ${uncompressedLength} bytes`,
    );
  }
  if (uncompressedLength === 0) {
    // lz4 encodes empty input as a single zero token; anything else is corrupt.
    if (block.length === 1 && block[0] === 0) return new Uint8Array(0);
  }
  checkLz4Block(block, uncompressedLength);
  let out: Uint8Array;
  try {
    out = c.decompress(block, uncompressedLength);
  } catch (e) {
    throw new ProtocolError(`corrupt LZ4 block: ${e instanceof Error ? e.message : e}`, {
      cause: e,
    });
  }
  if (out.length !== uncompressedLength) {
    throw new ProtocolError(
      `LZ4 block decompressed to ${out.length} bytes, expected ${uncompressedLength}`,
    );
  }
  return markOwned(out);
}

/**
 * Compresses, in place inside `w`, the v4 frame that starts at `start` and runs to `w.length`:
 * sets the COMPRESSION flag and replaces the body with a 4-byte big-endian uncompressed length
 * followed by the LZ4 block (spec v4 section 5). Frames with an empty body are left alone.
 */
export function compressFrameV4(w: ByteWriter, start: number, c: Compressor): void {
  const bodyStart = start + HEADER_LENGTH;
  const bodyLength = w.length - bodyStart;
  if (bodyLength <= 0) return;
  const block = c.compress(w.buf.subarray(bodyStart, w.length));
  w.length = bodyStart;
  w.uint(bodyLength);
  w.raw(block);
  w.buf[start + 1] |= FrameFlag.Compression;
  w.setIntAt(start + 5, w.length - bodyStart);
}

/**
 * Returns the frame with its v4-compressed body decompressed and the COMPRESSION flag cleared;
 * frames without the flag are returned unchanged.
 */
export function decompressFrameV4(
  frame: Frame,
  c: Compressor,
  maxLength: number = DEFAULT_MAX_FRAME_LENGTH,
): Frame {
  const { header, body } = frame;
  if ((header.flags & FrameFlag.Compression) === 0) return frame;
  if (body.length === 0) {
    return { header: { ...header, flags: header.flags & ~FrameFlag.Compression }, body };
  }
  if (body.length < 4) throw new ProtocolError(`compressed body of ${body.length} bytes`);
  const n = ((body[0] << 24) | (body[1] << 16) | (body[2] << 8) | body[3]) >>> 0;
  const out = decompressChecked(c, body.subarray(4), n, maxLength);
  return {
    header: { ...header, flags: header.flags & ~FrameFlag.Compression, length: out.length },
    body: out,
  };
}
