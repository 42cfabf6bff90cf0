/**
 * Incremental splitting of a byte stream into frames, for protocol v4 connections and for the
 * unframed handshake phase of v5 (and inside v5 segments).
 *
 * @module
 */
import { ProtocolError } from "./errors.ts";
import { markOwned } from "./owned.ts";
import {
  type Frame,
  type FrameHeader,
  HEADER_LENGTH,
  type HeaderLimits,
  readHeader,
} from "./frame.ts";

const EMPTY = new Uint8Array(0);

/**
 * Splits pushed chunks into complete frames.
 *
 * A frame lying wholly inside one pushed chunk is returned as a view into that chunk (no copy),
 * so consume or copy it before the chunk's owner reuses it. A frame spanning chunks is assembled
 * into one exactly-sized buffer, allocated only after its header passed {@link readHeader}'s
 * checks (version, direction, length limit).
 *
 * @example
 * ```ts
 * import { FrameDecoder } from "./frame-decoder.ts";
 * const decoder = new FrameDecoder();
 * decoder.push(new Uint8Array([0x84, 0, 0, 1, 0x02, 0, 0, 0, 0])); // READY, stream 1
 * for (let f = decoder.next(); f !== null; f = decoder.next()) console.log(f.header.opcode);
 * ```
 */
export class FrameDecoder {
  readonly #limits: HeaderLimits;
  /** Pushed chunks not yet fully consumed; the first is read from {@link #pos}. */
  #chunks: Uint8Array[] = [];
  #pos = 0;
  /** Header bytes of a frame whose header spans chunks. */
  #headerBuf = new Uint8Array(HEADER_LENGTH);
  #headerFill = 0;
  /** Frame under assembly (header + body) once its header is known. */
  #frame: Uint8Array | null = null;
  #frameHeader: FrameHeader | null = null;
  #frameFill = 0;
  #failed: ProtocolError | null = null;

  /** Creates a decoder; `limits` sets the max frame length and accepted versions. */
  constructor(limits: HeaderLimits = {}) {
    this.#limits = limits;
  }

  /** Adds received bytes. Cheap: the chunk is only referenced until its frames are pulled. */
  push(chunk: Uint8Array): void {
    if (chunk.length > 0) this.#chunks.push(chunk);
  }

  /** Number of bytes received but not yet returned as part of a frame. */
  get buffered(): number {
    let n = this.#headerFill + this.#frameFill - this.#pos;
    for (const c of this.#chunks) n += c.length;
    return n;
  }

  /** True while part of a frame has been consumed from the chunks but the frame is incomplete. */
  get midFrame(): boolean {
    return this.#headerFill > 0 || this.#frame !== null;
  }

  /**
   * Returns the next complete frame, or null when more bytes are needed. Throws ProtocolError on
   * a bad header; after that the decoder stays failed (the stream cannot be resynchronised).
   */
  next(): Frame | null {
    if (this.#failed) throw this.#failed;
    try {
      return this.#next();
    } catch (e) {
      if (e instanceof ProtocolError) this.#failed = e;
      throw e;
    }
  }

  /**
   * Hands back the bytes received but not yet consumed, and forgets them. Used when a v5
   * connection switches from unframed envelopes to segments right after READY/AUTHENTICATE:
   * whatever followed that response belongs to the segment decoder. Throws ProtocolError when
   * called in the middle of a frame.
   */
  detach(): Uint8Array[] {
    if (this.midFrame) throw new ProtocolError("switching framing in the middle of a frame");
    const rest = this.#chunks;
    if (rest.length > 0) rest[0] = rest[0].subarray(this.#pos);
    this.#chunks = [];
    this.#pos = 0;
    return rest.filter((c) => c.length > 0);
  }

  /** Pulls every complete frame available now. */
  drain(): Frame[] {
    const out: Frame[] = [];
    for (let f = this.next(); f !== null; f = this.next()) out.push(f);
    return out;
  }

  #next(): Frame | null {
    while (this.#chunks.length > 0) {
      const chunk = this.#chunks[0];
      const avail = chunk.length - this.#pos;
      if (avail === 0) {
        this.#shift();
        continue;
      }
      // Continue a frame that spans chunks.
      if (this.#frame !== null) {
        const frame = this.#frame;
        const n = Math.min(avail, frame.length - this.#frameFill);
        frame.set(chunk.subarray(this.#pos, this.#pos + n), this.#frameFill);
        this.#frameFill += n;
        this.#pos += n;
        if (this.#frameFill < frame.length) continue;
        const header = this.#frameHeader!;
        this.#frame = null;
        this.#frameHeader = null;
        this.#frameFill = 0;
        return { header, body: frame.subarray(HEADER_LENGTH) };
      }
      if (this.#headerFill > 0) {
        const n = Math.min(avail, HEADER_LENGTH - this.#headerFill);
        this.#headerBuf.set(chunk.subarray(this.#pos, this.#pos + n), this.#headerFill);
        this.#headerFill += n;
        this.#pos += n;
        if (this.#headerFill < HEADER_LENGTH) continue;
        this.#headerFill = 0;
        const header = readHeader(this.#headerBuf, 0, this.#limits);
        if (header.length === 0) return { header, body: EMPTY };
        this.#startAssembly(header, this.#headerBuf);
        continue;
      }
      if (avail < HEADER_LENGTH) {
        this.#headerBuf.set(chunk.subarray(this.#pos), 0);
        this.#headerFill = avail;
        this.#pos += avail;
        continue;
      }
      const header = readHeader(chunk, this.#pos, this.#limits);
      const total = HEADER_LENGTH + header.length;
      if (avail >= total) {
        // Fast path: the whole frame is in this chunk; hand out a view.
        const body = chunk.subarray(this.#pos + HEADER_LENGTH, this.#pos + total);
        this.#pos += total;
        return { header, body };
      }
      this.#startAssembly(header, chunk.subarray(this.#pos, this.#pos + HEADER_LENGTH));
      this.#pos += HEADER_LENGTH;
    }
    return null;
  }

  #startAssembly(header: FrameHeader, headerBytes: Uint8Array): void {
    // The length was checked against the limit by readHeader before we get here.
    const frame = markOwned(new Uint8Array(HEADER_LENGTH + header.length));
    frame.set(headerBytes, 0);
    this.#frame = frame;
    this.#frameHeader = header;
    this.#frameFill = HEADER_LENGTH;
  }

  #shift(): void {
    this.#chunks.shift();
    this.#pos = 0;
  }
}
