/**
 * Protocol v5 framing: the outer "segments" (the spec calls them frames) that carry envelopes
 * after the handshake. Each segment is a little-endian header protected by a CRC24, a payload
 * of at most 128 KiB - 1, and a CRC32 trailer; with LZ4 negotiated the header also carries the
 * uncompressed length. A payload is either self-contained (one or more whole envelopes) or one
 * slice of a single large envelope.
 *
 * @module
 */
import type { ByteWriter } from "./bytes.ts";
import { type Compressor, decompressChecked } from "./compression.ts";
import { crc24, type Crc32, payloadCrc32 } from "./crc.ts";
import { ProtocolError } from "./errors.ts";
import { markOwned } from "./owned.ts";
import { type Frame, HEADER_LENGTH, type HeaderLimits, readHeader } from "./frame.ts";
import { FrameDecoder } from "./frame-decoder.ts";

/** Largest segment payload: the header's 17-bit length field. */
export const MAX_SEGMENT_PAYLOAD: number = (1 << 17) - 1;
/** Header length of an uncompressed segment (3 bytes + CRC24). */
export const SEGMENT_HEADER_LENGTH = 6;
/** Header length of a compressed segment (5 bytes + CRC24). */
export const COMPRESSED_SEGMENT_HEADER_LENGTH = 8;
/** Length of the CRC32 trailer. */
export const SEGMENT_TRAILER_LENGTH = 4;

const SELF_CONTAINED_BIT = 1 << 17;

function writeLE32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

function readLE32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** Options of {@link encodeSegments}. */
export interface SegmentEncodeOptions {
  /** Use the compressed segment format (LZ4 negotiated in STARTUP). */
  readonly compressor?: Compressor;
  /** Payload size limit, for tests; default and maximum {@link MAX_SEGMENT_PAYLOAD}. */
  readonly maxPayload?: number;
  /** The payload CRC-32 to use, e.g. the runtime's native one; default: the portable one. */
  readonly crc32?: Crc32;
}

/**
 * Appends `frames` (complete encoded envelopes, in order) to `out` as segments: consecutive
 * frames are packed into self-contained segments up to the payload limit; a frame larger than
 * the limit gets its own run of non-self-contained segments.
 */
export function encodeSegments(
  frames: readonly Uint8Array[],
  out: ByteWriter,
  options: SegmentEncodeOptions = {},
): void {
  const max = Math.min(options.maxPayload ?? MAX_SEGMENT_PAYLOAD, MAX_SEGMENT_PAYLOAD);
  if (!(max >= 1)) throw new RangeError(`bad maxPayload ${options.maxPayload}`);
  const c = options.compressor;
  const crc = options.crc32;
  let i = 0;
  while (i < frames.length) {
    const f = frames[i];
    if (f.length > max) {
      for (let o = 0; o < f.length; o += max) {
        writeSegment(out, [f.subarray(o, Math.min(o + max, f.length))], false, c, crc);
      }
      i++;
      continue;
    }
    // Greedily pack whole frames that fit together.
    let size = f.length;
    let j = i + 1;
    while (j < frames.length && size + frames[j].length <= max) size += frames[j++].length;
    writeSegment(out, frames.slice(i, j), true, c, crc);
    i = j;
  }
}

/** Writes one segment whose payload is the concatenation of `parts`. */
function writeSegment(
  out: ByteWriter,
  parts: readonly Uint8Array[],
  selfContained: boolean,
  c: Compressor | undefined,
  crc32: Crc32 | undefined,
): void {
  let rawLength = 0;
  for (const p of parts) rawLength += p.length;
  if (c === undefined) {
    const h = out.length;
    out.ensure(SEGMENT_HEADER_LENGTH + rawLength + SEGMENT_TRAILER_LENGTH);
    const b = out.buf;
    const v = rawLength | (selfContained ? SELF_CONTAINED_BIT : 0);
    b[h] = v & 0xff;
    b[h + 1] = (v >>> 8) & 0xff;
    b[h + 2] = (v >>> 16) & 0xff;
    const crc = crc24(b, h, 3);
    b[h + 3] = crc & 0xff;
    b[h + 4] = (crc >>> 8) & 0xff;
    b[h + 5] = (crc >>> 16) & 0xff;
    let o = h + SEGMENT_HEADER_LENGTH;
    for (const p of parts) {
      b.set(p, o);
      o += p.length;
    }
    writeLE32(b, o, payloadCrc32(b, h + SEGMENT_HEADER_LENGTH, o, crc32));
    out.length = o + SEGMENT_TRAILER_LENGTH;
    return;
  }
  let raw: Uint8Array;
  if (parts.length === 1) raw = parts[0];
  else {
    raw = new Uint8Array(rawLength);
    let o = 0;
    for (const p of parts) {
      raw.set(p, o);
      o += p.length;
    }
  }
  const compressed = c.compress(raw);
  // Incompressible payloads travel as-is, flagged by an uncompressed length of 0; this also
  // keeps the payload length within its 17 bits.
  const useCompressed = compressed.length < rawLength;
  const payload = useCompressed ? compressed : raw;
  const h = out.length;
  out.ensure(COMPRESSED_SEGMENT_HEADER_LENGTH + payload.length + SEGMENT_TRAILER_LENGTH);
  const b = out.buf;
  // 40-bit little-endian header: bits 0-16 payload length, 17-33 uncompressed length, 34 flag.
  const lo = payload.length | ((useCompressed ? rawLength : 0) << 17);
  const hi = ((useCompressed ? rawLength : 0) >>> 15) | (selfContained ? 0x04 : 0);
  writeLE32(b, h, lo);
  b[h + 4] = hi;
  const crc = crc24(b, h, 5);
  b[h + 5] = crc & 0xff;
  b[h + 6] = (crc >>> 8) & 0xff;
  b[h + 7] = (crc >>> 16) & 0xff;
  const p = h + COMPRESSED_SEGMENT_HEADER_LENGTH;
  b.set(payload, p);
  writeLE32(b, p + payload.length, payloadCrc32(payload, 0, payload.length, crc32));
  out.length = p + payload.length + SEGMENT_TRAILER_LENGTH;
}

/** Options of {@link SegmentDecoder}. */
export interface SegmentDecoderOptions extends HeaderLimits {
  /** Expect the compressed segment format. */
  readonly compressor?: Compressor;
  /** The payload CRC-32 to verify with, e.g. the runtime's native one; default: the portable one. */
  readonly crc32?: Crc32;
}

/** A segment header after validation. */
interface SegmentHeader {
  headerLength: number;
  payloadLength: number;
  /** Uncompressed length; 0 when the payload is not compressed. */
  uncompressedLength: number;
  selfContained: boolean;
}

/**
 * Turns received bytes of a v5 connection (after the handshake) into envelopes.
 *
 * Each segment's header CRC24 and payload CRC32 are verified, compressed payloads decompressed,
 * self-contained payloads split into envelopes, and slices of large envelopes reassembled (with
 * the max frame length enforced before allocating). Any violation is a ProtocolError and leaves
 * the decoder failed. Envelopes are views into the received chunk when a self-contained segment
 * lies within one chunk and is not compressed.
 *
 * @example
 * ```ts
 * import { SegmentDecoder } from "./segment.ts";
 * const decoder = new SegmentDecoder();
 * decoder.push(new Uint8Array(0)); // bytes from the socket
 * for (let f = decoder.next(); f !== null; f = decoder.next()) console.log(f.header.stream);
 * ```
 */
export class SegmentDecoder {
  readonly #compressor: Compressor | undefined;
  readonly #crc32: Crc32 | undefined;
  readonly #limits: HeaderLimits;
  #chunks: Uint8Array[] = [];
  #pos = 0;
  #buffered = 0;
  /** Bytes of a segment spanning chunks. */
  #pending: Uint8Array | null = null;
  #pendingFill = 0;
  /** Envelope splitter fed with segment payloads. */
  readonly #frames: FrameDecoder;
  #lastSelfContained = true;
  #failed: ProtocolError | null = null;

  /** Creates a decoder; pass the compressor when LZ4 was negotiated. */
  constructor(options: SegmentDecoderOptions = {}) {
    this.#compressor = options.compressor;
    this.#crc32 = options.crc32;
    this.#limits = options;
    this.#frames = new FrameDecoder(options);
  }

  /** Adds received bytes. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /** Returns the next complete envelope, or null when more bytes are needed. */
  next(): Frame | null {
    if (this.#failed) throw this.#failed;
    try {
      return this.#next();
    } catch (e) {
      // Only protocol violations poison the stream; anything else is a bug and must surface.
      if (e instanceof ProtocolError) this.#failed = e;
      throw e;
    }
  }

  /** Pulls every complete envelope available now. */
  drain(): Frame[] {
    const out: Frame[] = [];
    for (let f = this.next(); f !== null; f = this.next()) out.push(f);
    return out;
  }

  #next(): Frame | null {
    for (;;) {
      const f = this.#frames.next();
      if (f !== null) return f;
      if (this.#lastSelfContained && this.#frames.buffered > 0) {
        throw new ProtocolError("self-contained segment ends inside an envelope");
      }
      const seg = this.#readSegment();
      if (seg === null) return null;
      const { header, payload } = seg;
      if (header.selfContained) {
        if (this.#frames.buffered > 0) {
          throw new ProtocolError("self-contained segment while a large envelope is incomplete");
        }
        if (payload.length < HEADER_LENGTH) {
          throw new ProtocolError(`self-contained segment of ${payload.length} bytes`);
        }
      } else if (this.#frames.buffered === 0) {
        // First slice of a large envelope: it must start with a whole, acceptable header.
        if (payload.length < HEADER_LENGTH) {
          throw new ProtocolError("segment too short to start an envelope");
        }
        readHeader(payload, 0, this.#limits);
      }
      this.#lastSelfContained = header.selfContained;
      this.#frames.push(payload);
    }
  }

  /** Reads, verifies and decompresses the next whole segment, or returns null. */
  #readSegment(): { header: SegmentHeader; payload: Uint8Array } | null {
    const compressed = this.#compressor !== undefined;
    const hlen = compressed ? COMPRESSED_SEGMENT_HEADER_LENGTH : SEGMENT_HEADER_LENGTH;
    const hdrBytes = this.#peek(hlen);
    if (hdrBytes === null) return null;
    const header = parseSegmentHeader(hdrBytes, compressed);
    const total = hlen + header.payloadLength + SEGMENT_TRAILER_LENGTH;
    const seg = this.#take(total);
    if (seg === null) return null;
    const pStart = hlen;
    const pEnd = hlen + header.payloadLength;
    const expected = readLE32(seg, pEnd);
    const actual = payloadCrc32(seg, pStart, pEnd, this.#crc32);
    if (expected !== actual) {
      throw new ProtocolError(
        `segment payload CRC32 mismatch: read ${expected.toString(16)}, computed ${
          actual.toString(16)
        }`,
      );
    }
    let payload = seg.subarray(pStart, pEnd);
    if (header.uncompressedLength > 0) {
      payload = decompressChecked(
        this.#compressor!,
        payload,
        header.uncompressedLength,
        MAX_SEGMENT_PAYLOAD,
      );
    }
    return { header, payload };
  }

  /** Returns the next `n` bytes without consuming them (contiguous), or null if not yet here. */
  #peek(n: number): Uint8Array | null {
    if (this.#pending !== null) {
      // A segment is being assembled; its header is already in the pending buffer.
      return this.#pending.subarray(0, n);
    }
    if (this.#buffered < n) {
      // A few header bytes wait for the rest: keep our own copy, because the transport may
      // reuse the chunk's memory once the current push has been drained.
      if (this.#chunks.length > 0) {
        const rest = new Uint8Array(this.#buffered);
        let fill = 0;
        for (let ci = 0, pos = this.#pos; ci < this.#chunks.length; ci++, pos = 0) {
          rest.set(this.#chunks[ci].subarray(pos), fill);
          fill += this.#chunks[ci].length - pos;
        }
        this.#chunks = fill > 0 ? [rest] : [];
        this.#pos = 0;
      }
      return null;
    }
    const first = this.#chunks[0];
    if (first.length - this.#pos >= n) return first.subarray(this.#pos, this.#pos + n);
    const out = new Uint8Array(n);
    let fill = 0;
    for (let ci = 0, pos = this.#pos; fill < n; ci++, pos = 0) {
      const c = this.#chunks[ci];
      const k = Math.min(n - fill, c.length - pos);
      out.set(c.subarray(pos, pos + k), fill);
      fill += k;
    }
    return out;
  }

  /**
   * Consumes `n` contiguous bytes: a view when they lie in one chunk, otherwise assembled in a
   * buffer sized for the whole segment (at most 128 KiB + 12). Returns null until all are here.
   */
  #take(n: number): Uint8Array | null {
    if (this.#pending === null) {
      const first = this.#chunks[0];
      if (first !== undefined && first.length - this.#pos >= n) {
        const out = first.subarray(this.#pos, this.#pos + n);
        this.#advance(n);
        return out;
      }
      this.#pending = markOwned(new Uint8Array(n));
      this.#pendingFill = 0;
    }
    const pending = this.#pending;
    while (this.#pendingFill < n && this.#chunks.length > 0) {
      const c = this.#chunks[0];
      const k = Math.min(n - this.#pendingFill, c.length - this.#pos);
      pending.set(c.subarray(this.#pos, this.#pos + k), this.#pendingFill);
      this.#pendingFill += k;
      this.#advance(k);
    }
    if (this.#pendingFill < n) return null;
    this.#pending = null;
    return pending;
  }

  #advance(k: number): void {
    this.#pos += k;
    this.#buffered -= k;
    if (this.#pos === this.#chunks[0].length) {
      this.#chunks.shift();
      this.#pos = 0;
    }
  }
}

/** Decodes and verifies a segment header (6 or 8 bytes, per `compressed`). */
function parseSegmentHeader(b: Uint8Array, compressed: boolean): SegmentHeader {
  if (!compressed) {
    const v = b[0] | (b[1] << 8) | (b[2] << 16);
    checkHeaderCrc(b, 3);
    const payloadLength = v & 0x1ffff;
    if (payloadLength === 0) throw new ProtocolError("empty segment");
    return {
      headerLength: SEGMENT_HEADER_LENGTH,
      payloadLength,
      uncompressedLength: 0,
      selfContained: (v & SELF_CONTAINED_BIT) !== 0,
    };
  }
  const lo = readLE32(b, 0);
  const hi = b[4];
  checkHeaderCrc(b, 5);
  const payloadLength = lo & 0x1ffff;
  const uncompressedLength = (lo >>> 17) | ((hi & 0x03) << 15);
  if (payloadLength === 0) throw new ProtocolError("empty segment");
  return {
    headerLength: COMPRESSED_SEGMENT_HEADER_LENGTH,
    payloadLength,
    uncompressedLength,
    selfContained: (hi & 0x04) !== 0,
  };
}

function checkHeaderCrc(b: Uint8Array, n: number): void {
  const expected = b[n] | (b[n + 1] << 8) | (b[n + 2] << 16);
  const actual = crc24(b, 0, n);
  if (expected !== actual) {
    throw new ProtocolError(
      `segment header CRC24 mismatch: read ${expected.toString(16)}, computed ${
        actual.toString(16)
      }`,
    );
  }
}
