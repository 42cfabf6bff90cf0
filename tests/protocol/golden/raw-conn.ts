/**
 * A deliberately bare CQL connection for the golden-frame recorder: our request encoders and
 * frame/segment decoders over `Deno.connect`, with nothing of the driver above them, so that
 * what gets recorded is exactly what the server put on the wire (minus v5 segment framing and
 * compression, which are undone here because `decodeResponseBytes` takes a plain frame).
 *
 * Not used by the golden test itself: that one only reads the recorded fixtures.
 *
 * @module
 */
import { ByteWriter } from "../../../src/protocol/bytes.ts";
import {
  compressFrameV4,
  type Compressor,
  decompressFrameV4,
} from "../../../src/protocol/compression.ts";
import {
  type Frame,
  HEADER_LENGTH,
  type RequestFrameOptions,
} from "../../../src/protocol/frame.ts";
import { FrameDecoder } from "../../../src/protocol/frame-decoder.ts";
import { Opcode } from "../../../src/protocol/opcodes.ts";
import { encodeSegments, SegmentDecoder } from "../../../src/protocol/segment.ts";

/** Which wire format a connection uses. */
export interface WireMode {
  /** Protocol version. */
  readonly version: 4 | 5;
  /** LZ4 negotiated in STARTUP (v4: compressed bodies; v5: compressed segments). */
  readonly compressor?: Compressor;
}

/** A received response: the decoded frame plus its bytes as a plain uncompressed frame. */
export interface Received {
  /** The frame (body decompressed for v4). */
  readonly frame: Frame;
  /** Header + body, compression flag cleared: the input `decodeResponseBytes` takes. */
  readonly bytes: Uint8Array;
  /** Whether the frame travelled compressed (v4 body or v5 segment). */
  readonly compressed: boolean;
}

/** Re-serializes a frame as header + body, with the length matching the (decompressed) body. */
export function frameBytes(f: Frame): Uint8Array {
  const out = new Uint8Array(HEADER_LENGTH + f.body.length);
  const h = f.header;
  out[0] = (h.response ? 0x80 : 0) | h.version;
  out[1] = h.flags;
  out[2] = (h.stream >> 8) & 0xff;
  out[3] = h.stream & 0xff;
  out[4] = h.opcode;
  new DataView(out.buffer).setUint32(5, f.body.length);
  out.set(f.body, HEADER_LENGTH);
  return out;
}

/** One connection; requests are sent one at a time and matched to responses by stream id. */
export class RawConn {
  readonly mode: WireMode;
  readonly #conn: Deno.TcpConn;
  #frames: FrameDecoder | null = new FrameDecoder();
  #segments: SegmentDecoder | null = null;
  /** v5: once true, both directions use segments. */
  #framed = false;
  #stream = 1;
  readonly #inbox: Received[] = [];
  #wake: (() => void) | null = null;
  #closed: Error | null = null;
  /** Raw received bytes, kept while a capture is on (see {@link captureWire}). */
  #wire: Uint8Array[] | null = null;
  readonly #pump: Promise<void>;

  private constructor(conn: Deno.TcpConn, mode: WireMode) {
    this.#conn = conn;
    this.mode = mode;
    this.#pump = this.#readLoop();
  }

  /** Connects (no handshake yet). */
  static async open(host: string, port: number, mode: WireMode): Promise<RawConn> {
    const conn = await Deno.connect({ hostname: host, port });
    conn.setNoDelay(true);
    return new RawConn(conn, mode);
  }

  /** The STARTUP options for this mode. */
  startupOptions(): Record<string, string> {
    const o: Record<string, string> = { CQL_VERSION: "3.0.0" };
    if (this.mode.compressor) o.COMPRESSION = "lz4";
    return o;
  }

  /** Next stream id (1..32767, wrapping). */
  nextStream(): number {
    const s = this.#stream;
    this.#stream = s >= 0x7fff ? 1 : s + 1;
    return s;
  }

  /**
   * Encodes one request with `encode` (given a writer and the frame options) and sends it in
   * the framing the connection is in. Returns the request frame bytes as encoded, before any
   * compression or segmenting, and its stream id.
   */
  async send(
    encode: (w: ByteWriter, frame: RequestFrameOptions) => void,
    extra: Partial<RequestFrameOptions> = {},
  ): Promise<{ stream: number; request: Uint8Array }> {
    const stream = extra.stream ?? this.nextStream();
    const w = new ByteWriter();
    encode(w, { version: this.mode.version, ...extra, stream });
    const request = w.toBytes();
    await this.sendRaw(request);
    return { stream, request };
  }

  /** Sends an already-encoded request frame in the current framing. */
  async sendRaw(request: Uint8Array): Promise<void> {
    const c = this.mode.compressor;
    let wire: Uint8Array;
    if (this.mode.version === 5 && this.#framed) {
      const out = new ByteWriter();
      encodeSegments([request], out, { compressor: c });
      wire = out.toBytes();
    } else if (
      this.mode.version === 4 && c && request[4] !== Opcode.Startup &&
      request[4] !== Opcode.Options
    ) {
      // v4: every frame after STARTUP travels with a compressed body.
      const w = new ByteWriter();
      w.raw(request);
      compressFrameV4(w, 0, c);
      wire = w.toBytes();
    } else {
      wire = request;
    }
    await this.#writeAll(wire);
  }

  async #writeAll(b: Uint8Array): Promise<void> {
    let o = 0;
    while (o < b.length) o += await this.#conn.write(b.subarray(o));
  }

  /** Waits for the response on `stream` (or, with -1, the next event). */
  async receive(stream: number, timeoutMs = 20_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.#inbox.findIndex((r) => r.frame.header.stream === stream);
      if (i >= 0) return this.#inbox.splice(i, 1)[0];
      if (this.#closed) throw this.#closed;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no response on stream ${stream} after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** Sends a request and waits for its response. */
  async request(
    encode: (w: ByteWriter, frame: RequestFrameOptions) => void,
    extra: Partial<RequestFrameOptions> = {},
  ): Promise<Received & { request: Uint8Array }> {
    const { stream, request } = await this.send(encode, extra);
    const r = await this.receive(stream);
    return { ...r, request };
  }

  async #readLoop(): Promise<void> {
    const buf = new Uint8Array(1 << 16);
    try {
      for (;;) {
        const n = await this.#conn.read(buf);
        if (n === null) throw new Error("connection closed by the server");
        // Decoders may keep views into the chunk, so hand them a copy.
        this.#onBytes(buf.slice(0, n));
      }
    } catch (e) {
      this.#closed = e instanceof Error ? e : new Error(String(e));
      this.#wake?.();
    }
  }

  #onBytes(chunk: Uint8Array): void {
    this.#wire?.push(chunk);
    if (this.#segments) this.#segments.push(chunk);
    else this.#frames!.push(chunk);
    for (;;) {
      const f = this.#segments ? this.#segments.next() : this.#frames!.next();
      if (f === null) break;
      this.#deliver(f);
      // v5 switches to segments right after READY or AUTHENTICATE (spec v5 section 2.3.1);
      // whatever followed in the same read belongs to the segment decoder.
      if (
        this.mode.version === 5 && !this.#framed &&
        (f.header.opcode === Opcode.Ready || f.header.opcode === Opcode.Authenticate)
      ) {
        this.#framed = true;
        const rest = this.#frames!.detach();
        this.#frames = null;
        this.#segments = new SegmentDecoder({ compressor: this.mode.compressor });
        for (const c of rest) this.#segments.push(c);
      }
    }
    this.#wake?.();
  }

  #deliver(f: Frame): void {
    let frame = f;
    let compressed = this.mode.version === 5 && this.#framed && !!this.mode.compressor;
    if (this.mode.version === 4 && (f.header.flags & 0x01) !== 0) {
      frame = decompressFrameV4(f, this.mode.compressor!);
      compressed = true;
    }
    // Copy: a frame may be a view into a chunk.
    const bytes = frameBytes(frame);
    this.#inbox.push({
      frame: { header: frame.header, body: bytes.subarray(HEADER_LENGTH) },
      bytes,
      compressed,
    });
  }

  /**
   * Starts keeping the raw bytes received (segments and compressed bodies as they were on the
   * wire), until {@link takeWire}. Requests are sequential, so the bytes received between a
   * request and its response belong to that response.
   */
  captureWire(): void {
    this.#wire = [];
  }

  /** Stops capturing and returns the captured bytes as one array. */
  takeWire(): Uint8Array {
    const parts = this.#wire ?? [];
    this.#wire = null;
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Closes the socket and waits for the read loop to end. */
  async close(): Promise<void> {
    try {
      this.#conn.close();
    } catch {
      // Already closed by the server (e.g. after a protocol error).
    }
    await this.#pump;
  }
}
