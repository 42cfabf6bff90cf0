/**
 * Frame (v5: "envelope") headers: the 9 bytes in front of every message, the flags, the
 * request-side frame writer with a back-patched length, and the response-side envelope fields
 * (tracing id, warnings, custom payload) that precede a response body.
 *
 * @module
 */
import type { ByteReader, ByteWriter } from "./bytes.ts";
import { ProtocolError } from "./errors.ts";

/** Length of a frame header in bytes (protocol v3 and later). */
export const HEADER_LENGTH = 9;

/** Largest body a frame may have unless configured otherwise: the server's own 256 MiB limit. */
export const DEFAULT_MAX_FRAME_LENGTH: number = 256 * 1024 * 1024;

/** The protocol versions whose message formats this module encodes and decodes. */
export type ProtocolVersion = 4 | 5;

/** Bit set in the version byte of every response frame. */
export const RESPONSE_BIT = 0x80;

/** Header flags (spec section 2.2). */
export const FrameFlag = {
  /** Body is compressed (v4 only; ignored in v5, where segments carry compression). */
  Compression: 0x01,
  /** Request: trace this request. Response: body starts with the tracing id. */
  Tracing: 0x02,
  /** A [bytes map] custom payload precedes the message. */
  CustomPayload: 0x04,
  /** Response: a [string list] of warnings precedes the message. */
  Warning: 0x08,
  /** Request: opt in to a protocol version the server marks as beta. */
  UseBeta: 0x10,
} as const;

/** A decoded frame header. */
export interface FrameHeader {
  /** Protocol version, without the response bit. */
  readonly version: number;
  /** True for a server-to-client frame (the 0x80 bit of the version byte). */
  readonly response: boolean;
  /** Bit set of {@link FrameFlag}. */
  readonly flags: number;
  /** Stream id, signed: server-initiated frames (events) use -1. */
  readonly stream: number;
  /** Message opcode, see `Opcode`. */
  readonly opcode: number;
  /** Body length in bytes. */
  readonly length: number;
}

/** One complete frame. The body is usually a view into a received chunk, not a copy. */
export interface Frame {
  /** The frame header. */
  readonly header: FrameHeader;
  /** The frame body (after the header). */
  readonly body: Uint8Array;
}

/** What {@link readHeader} and the decoders accept. */
export interface HeaderLimits {
  /** Largest body accepted, in bytes (default {@link DEFAULT_MAX_FRAME_LENGTH}). */
  maxFrameLength?: number;
  /**
   * Protocol versions accepted in the version byte (default 3, 4, 5). Older versions are let
   * through so that a server refusing our version can still tell us which one it speaks.
   */
  versions?: readonly number[];
  /** Expect response frames (the default) or request frames (`false`, for tests and proxies). */
  response?: boolean;
}

const DEFAULT_VERSIONS: readonly number[] = [3, 4, 5];

/**
 * Parses and validates a header at `offset` (9 bytes must be available). Throws ProtocolError on
 * a bad version byte, a wrong direction bit, a negative length or one above the limit, so a
 * caller never allocates for a length it has not vetted.
 */
export function readHeader(buf: Uint8Array, offset: number, limits?: HeaderLimits): FrameHeader {
  if (buf.length - offset < HEADER_LENGTH) {
    throw new ProtocolError(`frame header truncated: ${buf.length - offset} of 9 bytes`);
  }
  const vb = buf[offset];
  const version = vb & 0x7f;
  const response = (vb & RESPONSE_BIT) !== 0;
  const versions = limits?.versions ?? DEFAULT_VERSIONS;
  if (!versions.includes(version)) {
    throw new ProtocolError(`unsupported protocol version byte 0x${vb.toString(16)}`);
  }
  if (response !== (limits?.response ?? true)) {
    throw new ProtocolError(
      `expected a ${response ? "request" : "response"} frame, version byte 0x${vb.toString(16)}`,
    );
  }
  const stream = ((buf[offset + 2] << 24) | (buf[offset + 3] << 16)) >> 16;
  const length = (buf[offset + 5] << 24) | (buf[offset + 6] << 16) | (buf[offset + 7] << 8) |
    buf[offset + 8];
  if (length < 0) throw new ProtocolError(`negative frame length ${length}`);
  const max = limits?.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
  if (length > max) {
    throw new ProtocolError(`frame body of ${length} bytes exceeds the ${max}-byte limit`);
  }
  return { version, response, flags: buf[offset + 1], stream, opcode: buf[offset + 4], length };
}

/** Envelope options common to every request. */
export interface RequestFrameOptions {
  /** Protocol version of the connection. */
  readonly version: ProtocolVersion;
  /** Stream id, 0..32767. */
  readonly stream: number;
  /** Ask the server to trace this request (QUERY, PREPARE, EXECUTE, BATCH). */
  readonly tracing?: boolean;
  /** Custom payload for a custom server QueryHandler (QUERY, PREPARE, EXECUTE, BATCH). */
  readonly customPayload?:
    | ReadonlyMap<string, Uint8Array>
    | Readonly<Record<string, Uint8Array>>;
  /** Set the USE_BETA flag (needed for a version the server marks beta, e.g. v5 on 3.x). */
  readonly beta?: boolean;
}

/**
 * Starts a request frame at the end of `w`: writes the header with a placeholder length and the
 * custom payload if any. Returns the frame's start offset for {@link endFrame}.
 */
export function beginFrame(w: ByteWriter, opcode: number, opts: RequestFrameOptions): number {
  const { version, stream } = opts;
  if (version !== 4 && version !== 5) {
    throw new TypeError(`unsupported protocol version ${version}`);
  }
  if (!Number.isInteger(stream) || stream < 0 || stream > 0x7fff) {
    throw new TypeError(`stream id out of range: ${stream}`);
  }
  let flags = 0;
  if (opts.tracing) flags |= FrameFlag.Tracing;
  if (opts.customPayload !== undefined) flags |= FrameFlag.CustomPayload;
  if (opts.beta) flags |= FrameFlag.UseBeta;
  const start = w.length;
  w.ensure(HEADER_LENGTH);
  const b = w.buf;
  b[start] = version;
  b[start + 1] = flags;
  b[start + 2] = stream >> 8;
  b[start + 3] = stream & 0xff;
  b[start + 4] = opcode;
  w.length = start + HEADER_LENGTH;
  if (opts.customPayload !== undefined) w.bytesMap(opts.customPayload);
  return start;
}

/** Finishes the frame begun at `start` by back-patching its body length. */
export function endFrame(w: ByteWriter, start: number): void {
  const length = w.length - start - HEADER_LENGTH;
  if (length > DEFAULT_MAX_FRAME_LENGTH) {
    throw new RangeError(`request body of ${length} bytes exceeds the 256 MiB frame limit`);
  }
  w.setIntAt(start + 5, length);
}

/** The fields a response may carry in front of its message (spec section 4 preamble). */
export interface ResponseEnvelope {
  /** Tracing session id (16 bytes, a copy) when the TRACING flag is set. */
  readonly tracingId?: Uint8Array;
  /** Server warnings when the WARNING flag is set. */
  readonly warnings?: string[];
  /** Custom payload when the CUSTOM_PAYLOAD flag is set. */
  readonly customPayload?: Map<string, Uint8Array | null>;
}

/** The flags that announce envelope fields: none of them set means no envelope. */
export const ENVELOPE_FLAGS: number = FrameFlag.Tracing | FrameFlag.Warning |
  FrameFlag.CustomPayload;

/**
 * Reads the envelope fields in the order Cassandra writes them (tracing id, warnings, custom
 * payload), leaving `r` at the start of the message proper.
 */
export function readEnvelope(r: ByteReader, flags: number): ResponseEnvelope {
  if ((flags & ENVELOPE_FLAGS) === 0) {
    return EMPTY_ENVELOPE;
  }
  const out: {
    tracingId?: Uint8Array;
    warnings?: string[];
    customPayload?: Map<string, Uint8Array | null>;
  } = {};
  if (flags & FrameFlag.Tracing) out.tracingId = r.uuidBytes().slice();
  if (flags & FrameFlag.Warning) out.warnings = r.stringList();
  if (flags & FrameFlag.CustomPayload) out.customPayload = r.bytesMap();
  return out;
}

const EMPTY_ENVELOPE: ResponseEnvelope = Object.freeze({});

/** Parses one complete frame held in `bytes` (e.g. a recorded frame); the body is a view. */
export function parseFrame(bytes: Uint8Array, limits?: HeaderLimits): Frame {
  const header = readHeader(bytes, 0, limits);
  if (bytes.length !== HEADER_LENGTH + header.length) {
    throw new ProtocolError(
      `frame of ${bytes.length} bytes but header says ${HEADER_LENGTH + header.length}`,
    );
  }
  return { header, body: bytes.subarray(HEADER_LENGTH) };
}
