/**
 * One connection to one node: the handshake (OPTIONS, STARTUP, SASL, v5 framing switch), stream
 * ids and pipelining, coalesced writes, per-request timeouts and aborts, heartbeats, and a clean
 * failure of every pending request when the socket dies.
 *
 * @module
 */
import { ByteWriter, useNativeUtf8 } from "../protocol/bytes.ts";
import { compressFrameV4, type Compressor, decompressFrameV4 } from "../protocol/compression.ts";
import type { Crc32 } from "../protocol/crc.ts";
import { ProtocolError } from "../protocol/errors.ts";
import {
  type Frame,
  FrameFlag,
  type ProtocolVersion,
  type RequestFrameOptions,
} from "../protocol/frame.ts";
import { FrameDecoder } from "../protocol/frame-decoder.ts";
import { Opcode } from "../protocol/opcodes.ts";
import {
  encodeAuthResponse,
  encodeOptions,
  encodeRegister,
  encodeStartup,
} from "../protocol/requests.ts";
import { decodeResponse, type EventMessage, type Response } from "../protocol/responses.ts";
import { encodeSegments, MAX_SEGMENT_PAYLOAD, SegmentDecoder } from "../protocol/segment.ts";
import { AuthenticationError, ServerProtocolError } from "../protocol/server-errors.ts";
import type { Socket, TlsOptions, Transport } from "../transport/types.ts";
import { AbortError, ClosedError, ConnectionError, RequestTimeoutError } from "../errors.ts";
import { anySignal } from "../client/signals.ts";
import type { AuthProvider } from "./auth.ts";
import { StreamIds } from "./stream-ids.ts";
import { unrefTimer } from "./timers.ts";

/** The driver's name and version, sent in STARTUP so operators can see who connects. */
export const DRIVER_NAME = "cql (@cql/driver)";
/** Kept in step with deno.json's version. */
export const DRIVER_VERSION = "0.1.0";

/** Settings of one connection. */
export interface ConnectionOptions {
  host: string;
  port: number;
  transport: Transport;
  tls?: TlsOptions;
  /** Highest protocol version to try; the handshake falls back from 5 to 4. Default 5. */
  protocolVersion?: ProtocolVersion;
  /**
   * Speak exactly `protocolVersion`, never falling back: for the connections a client opens
   * after its first one negotiated, so that a node hanging up (a connection limit, a restart)
   * is a connection error rather than a v4 connection in a v5 pool.
   */
  pinVersion?: boolean;
  /** Compress with this codec when the server offers it. */
  compressor?: Compressor;
  authProvider?: AuthProvider;
  /** Milliseconds for the TCP/TLS connect and the whole handshake. Default 5000. */
  connectTimeout?: number;
  /** Idle milliseconds before an OPTIONS heartbeat; 0 turns heartbeats off. Default 30000. */
  heartbeatInterval?: number;
  /** How long a heartbeat may take before the connection is declared dead. Default 12000. */
  heartbeatTimeout?: number;
  /** Cap on requests in flight; more wait in order. Default 2048. */
  maxRequests?: number;
  /**
   * Requests given up on (timeout, abort) still holding their stream ids for an answer, past
   * which the connection closes gracefully so that its owner replaces it. Default 64.
   */
  maxOrphans?: number;
  /**
   * Cap on the requests waiting, over all connections of the node's pool, for one of them to
   * have fewer than `maxRequests` in flight; past it the pool refuses with a
   * `BusyConnectionError`. Read by the pool (`pool.ts`), not by the connection. Default 8192.
   */
  maxQueuedPerHost?: number;
  /**
   * Fires when a `close()` may wait no longer: a connection closing (or opening) then fails
   * what it still carries with the signal's reason (the client's `ClosedError`).
   */
  closeSignal?: AbortSignal;
  /** Largest frame accepted from the server. Default 256 MiB. */
  maxFrameLength?: number;
  /** Server events (after {@link Connection.register}). */
  onEvent?: (event: EventMessage) => void;
  /** Called once when the connection is gone, with the reason unless it was closed by us. */
  onClose?: (error?: Error) => void;
  signal?: AbortSignal;
}

/** Per-request settings. */
export interface SendOptions {
  /** Milliseconds before the request rejects with {@link RequestTimeoutError}; 0 = none. */
  timeout?: number;
  signal?: AbortSignal;
  tracing?: boolean;
  customPayload?: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;
}

/**
 * Writes one request frame; gets the frame options (version, stream id, flags) to use. The
 * options object is reused for the connection's next request: read it during the call, don't
 * keep it.
 */
export type Encoder = (w: ByteWriter, frame: RequestFrameOptions) => void;
/**
 * Turns a successful response into the caller's result, synchronously: the frame's bytes are
 * only valid during the call (they may be a view of the socket's receive buffer).
 */
export type Decoder<T> = (response: Response) => T;
/**
 * What a failed request turns into instead of a rejection: a retry, a re-prepare. It runs in a
 * microtask after the failure, and the request's promise settles as the returned one does.
 */
export type Recover<T> = (error: Error) => Promise<T>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// The request whose promise is being created: `capture` stores its settle functions, so that no
// request needs an executor closure of its own.
let capturing: Pending | undefined;

function capture(resolve: (v: never) => void, reject: (e: Error) => void): void {
  capturing!.resolve = resolve as (v: unknown) => void;
  capturing!.reject = reject;
  capturing = undefined;
}

function unsettled(): void {}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  decode: Decoder<unknown>;
  /** Date.now() after which the caller gets a timeout; 0 for none. */
  deadline: number;
  timeout: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** The caller was already answered (timeout or abort); the id waits for the late response. */
  done: boolean;
  /** Waiting in the queue for a stream id (a queued request given up on is skipped there). */
  queued: boolean;
  recover: Recover<unknown> | undefined;
}

/**
 * Rejects `p`'s caller, or hands the error to its {@link Recover}. Every failure of a request
 * goes through here, so a caller that recovers needs no `.catch` layer of its own on the common,
 * successful path (two promises fewer per request: 10% of the driver-bound select CPU).
 */
function rejectRequest(p: Pending, error: Error): void {
  if (p.recover === undefined) p.reject(error);
  else p.resolve(Promise.reject(error).catch(p.recover));
}

interface Queued {
  encode: Encoder;
  pending: Pending;
  opts: SendOptions;
}

const enum State {
  Handshake,
  Ready,
  Closing,
  Closed,
}

/** Raised inside the handshake when the server refuses the protocol version we offered. */
class VersionRefused extends Error {}

const NO_OPTIONS: SendOptions = {};

/** Resolution of request timeouts, in milliseconds. */
const TICK_MS = 20;

/**
 * A single connection. Open it with {@link Connection.open}; it is ready when that resolves.
 *
 * @example
 * ```ts ignore
 * const conn = await Connection.open({ host: "127.0.0.1", port: 9042, transport });
 * const res = await conn.send((w, f) => encodeOptions(w, f), (r) => r.message);
 * await conn.close();
 * ```
 */
export class Connection {
  /** "host:port". */
  readonly address: string;
  /** The cap on requests in flight (stream ids); more wait in line. */
  readonly maxRequests: number;
  #opts: ConnectionOptions;
  #socket: Socket | null = null;
  #state = State.Handshake;
  #version: ProtocolVersion;
  /** Set once STARTUP negotiated it. */
  #compressor: Compressor | undefined;
  /** The runtime's native CRC-32 for v5 segments, when the transport offers one. */
  #crc32: Crc32 | undefined;
  #segmented = false;
  #frames: FrameDecoder;
  #segments: SegmentDecoder | null = null;
  #ids: StreamIds;
  #pending: (Pending | undefined)[];
  #queue: Queued[] = [];
  #queueHead = 0;
  /** Entries of the queue whose caller was answered already (timeout, abort). */
  #queueDead = 0;
  #out = new ByteWriter(16 * 1024);
  /** Start offsets of the frames in {@link #out}, for v5 segment packing. */
  #frameStarts: number[] = [];
  #frameOptions: Mutable<RequestFrameOptions>;
  #flushScheduled = false;
  #blocked = false;
  #inFlight = 0;
  /** Given up on (timeout, abort) after being written: their ids wait for the answers. */
  #orphans = 0;
  readonly #maxOrphans: number;
  #idleWaiters: (() => void)[] = [];
  #heartbeat: ReturnType<typeof setTimeout> | undefined;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #lastRead = 0;
  #closeError: Error | undefined;
  #supported: Record<string, string[]> = {};

  private constructor(opts: ConnectionOptions, version: ProtocolVersion) {
    this.#opts = opts;
    this.address = formatAddress(opts.host, opts.port);
    this.#version = version;
    this.#frameOptions = { version, stream: 0, tracing: undefined, customPayload: undefined };
    this.#frames = new FrameDecoder({ maxFrameLength: opts.maxFrameLength });
    this.#ids = new StreamIds(opts.maxRequests ?? 2048);
    this.maxRequests = this.#ids.capacity;
    this.#maxOrphans = opts.maxOrphans ?? 64;
    this.#pending = new Array(this.#ids.capacity);
  }

  /** The negotiated protocol version. */
  get protocolVersion(): ProtocolVersion {
    return this.#version;
  }

  /** True when compression was negotiated. */
  get compressed(): boolean {
    return this.#compressor !== undefined;
  }

  /** The server's SUPPORTED options from the handshake. */
  get supported(): Readonly<Record<string, string[]>> {
    return this.#supported;
  }

  /** Requests sent and not yet answered (including ones whose caller gave up). */
  get inFlight(): number {
    return this.#ids.inUse;
  }

  /** Requests waiting for a free stream id. */
  get queued(): number {
    return this.#queue.length - this.#queueHead - this.#queueDead;
  }

  /** True until the connection closes or fails. */
  get open(): boolean {
    return this.#state === State.Ready;
  }

  /** Why the connection closed, if it failed. */
  get closeError(): Error | undefined {
    return this.#closeError;
  }

  /**
   * Connects and completes the handshake, falling back from v5 to v4 when the server refuses v5.
   * Rejects with a {@link ConnectionError} (cause: the transport's error), an
   * `AuthenticationError`, or an {@link AbortError}.
   */
  static async open(opts: ConnectionOptions): Promise<Connection> {
    const first = opts.protocolVersion ?? 5;
    try {
      return await Connection.#openAt(opts, first);
    } catch (e) {
      if (e instanceof VersionRefused && first > 4 && !opts.pinVersion) {
        return await Connection.#openAt(opts, 4);
      }
      if (e instanceof VersionRefused) {
        throw new ConnectionError(
          `${opts.host}:${opts.port}`,
          `server refused protocol v${first}: ${e.message}`,
        );
      }
      throw e;
    }
  }

  static async #openAt(opts: ConnectionOptions, version: ProtocolVersion): Promise<Connection> {
    const conn = new Connection(opts, version);
    const timeout = opts.connectTimeout ?? 5000;
    // A client closing past its bound does not wait for a handshake either.
    const signal = opts.closeSignal === undefined
      ? opts.signal
      : anySignal(opts.signal, opts.closeSignal);
    try {
      conn.#socket = await opts.transport.connect(
        { host: opts.host, port: opts.port, tls: opts.tls, signal, connectTimeout: timeout },
        { onData: (c) => conn.#onData(c), onClose: (e) => conn.#onSocketClose(e) },
      );
    } catch (e) {
      if (signal?.aborted) throw new AbortError(signal.reason);
      throw new ConnectionError(conn.address, `cannot connect: ${(e as Error).message}`, {
        cause: e,
      });
    }
    try {
      conn.#crc32 = await opts.transport.nativeCrc32?.();
      const utf8 = await opts.transport.nativeUtf8?.();
      if (utf8 !== undefined) useNativeUtf8(utf8);
      await conn.#handshake({ timeout, signal });
    } catch (e) {
      conn.#fail(e as Error);
      if (e instanceof ServerProtocolError) throw new VersionRefused(e.message);
      // A server that cannot parse our version's header may just hang up.
      if (e instanceof ConnectionError && version > 4 && conn.#lastRead === 0) {
        throw new VersionRefused(e.message);
      }
      throw e;
    }
    conn.#state = State.Ready;
    conn.#scheduleHeartbeat();
    return conn;
  }

  async #handshake(o: SendOptions): Promise<void> {
    const supported = await this.send((w, f) => encodeOptions(w, f), (r) => r.message, o);
    if (supported.kind !== "supported") throw unexpected("SUPPORTED", supported.kind);
    this.#supported = supported.options;
    // A server that only offers v5 as beta (Cassandra 4.0 betas) gets v4: beta protocols change.
    const versions = supported.options.PROTOCOL_VERSIONS ?? [];
    if (this.#version === 5 && versions.some((v) => v.startsWith("5/") && v.includes("beta"))) {
      throw new VersionRefused("the server offers v5 only as a beta");
    }
    const startup: Record<string, string> = {
      CQL_VERSION: "3.0.0",
      DRIVER_NAME,
      DRIVER_VERSION,
    };
    const c = this.#opts.compressor;
    const useCompression = c !== undefined &&
      (supported.options.COMPRESSION ?? []).includes(c.name);
    if (useCompression) startup.COMPRESSION = c.name;
    const ready = await this.send((w, f) => encodeStartup(w, f, startup), (r) => {
      // From here on both sides use the negotiated compression and, in v5, segments.
      this.#afterStartup(useCompression ? c : undefined);
      return r.message;
    }, o);
    if (ready.kind === "ready") return;
    if (ready.kind !== "authenticate") throw unexpected("READY or AUTHENTICATE", ready.kind);
    const provider = this.#opts.authProvider;
    if (!provider) {
      throw new AuthenticationError(
        0x0100,
        `${this.address} requires authentication (${ready.authenticator}) but no credentials were given`,
      );
    }
    const auth = provider.newAuthenticator(this.address, ready.authenticator);
    let token = await auth.initialResponse();
    for (let round = 0; round < 100; round++) {
      const res = await this.send((w, f) => encodeAuthResponse(w, f, token), (r) => r.message, o);
      if (res.kind === "authSuccess") {
        auth.onSuccess?.(res.token);
        return;
      }
      if (res.kind !== "authChallenge") throw unexpected("AUTH_CHALLENGE", res.kind);
      token = await auth.evaluateChallenge(res.token);
    }
    throw new ConnectionError(this.address, "authentication did not finish after 100 rounds");
  }

  #afterStartup(compressor: Compressor | undefined): void {
    this.#compressor = compressor;
    if (this.#version < 5) return;
    this.#segmented = true;
    const segments = new SegmentDecoder({
      compressor,
      crc32: this.#crc32,
      maxFrameLength: this.#opts.maxFrameLength,
    });
    for (const rest of this.#frames.detach()) segments.push(rest);
    this.#segments = segments;
  }

  /** Subscribes this connection to server events (TOPOLOGY_CHANGE, STATUS_CHANGE, SCHEMA_CHANGE). */
  async register(events: readonly string[], opts: SendOptions = NO_OPTIONS): Promise<void> {
    const res = await this.send((w, f) => encodeRegister(w, f, events), (r) => r.message, opts);
    if (res.kind !== "ready") throw unexpected("READY", res.kind);
  }

  /**
   * Sends one request. `encode` writes the frame; `decode` maps the response synchronously.
   * Rejects with the server's error (a `ResponseError`), {@link RequestTimeoutError},
   * {@link AbortError}, {@link ConnectionError}, or whatever `encode`/`decode` threw; with
   * `recover`, settles as what `recover` makes of that error instead.
   */
  send<T>(
    encode: Encoder,
    decode: Decoder<T>,
    opts: SendOptions = NO_OPTIONS,
    recover?: Recover<T>,
  ): Promise<T> {
    const signal = opts.signal;
    if (this.#state >= State.Closing || signal?.aborted) {
      const error = this.#state >= State.Closing
        ? this.#closeError ?? new ClosedError("connection")
        : new AbortError(signal!.reason);
      return recover === undefined ? Promise.reject(error) : Promise.reject(error).catch(recover);
    }
    const pending: Pending = {
      resolve: unsettled,
      reject: unsettled,
      decode,
      deadline: 0,
      timeout: opts.timeout ?? 0,
      signal,
      onAbort: undefined,
      done: false,
      queued: false,
      recover: recover as Recover<unknown> | undefined,
    };
    capturing = pending;
    // One shared executor instead of a closure (and its context) per request.
    const promise = new Promise<T>(capture);
    try {
      this.#inFlight++;
      if (pending.timeout > 0) {
        pending.deadline = Date.now() + pending.timeout;
        if (this.#ticker === undefined) this.#startTicker();
      }
      if (signal) {
        pending.onAbort = () => this.#giveUp(pending, new AbortError(signal.reason));
        signal.addEventListener("abort", pending.onAbort, { once: true });
      }
      const id = this.#queueHead === this.#queue.length ? this.#ids.acquire() : -1;
      if (id >= 0) this.#write(id, encode, pending, opts);
      else {
        pending.queued = true;
        this.#queue.push({ encode, pending, opts });
      }
    } catch (e) {
      pending.reject(e instanceof Error ? e : new Error(String(e)));
    }
    return promise;
  }

  #write(id: number, encode: Encoder, pending: Pending, opts: SendOptions): void {
    const w = this.#out;
    const start = w.length;
    try {
      // One options object per connection, refilled for each request: encoders use it during
      // the call only (see Encoder).
      const f = this.#frameOptions;
      f.stream = id;
      f.tracing = opts.tracing;
      f.customPayload = opts.customPayload;
      encode(w, f);
      // STARTUP and OPTIONS are never compressed; v5 compresses whole segments instead.
      const c = this.#compressor;
      if (c !== undefined && !this.#segmented && w.length > start) {
        const opcode = w.buf[start + 4];
        if (opcode !== Opcode.Startup && opcode !== Opcode.Options) compressFrameV4(w, start, c);
      }
    } catch (e) {
      w.length = start;
      this.#ids.release(id);
      this.#settle(pending);
      rejectRequest(pending, e instanceof Error ? e : new Error(String(e)));
      this.#dispatchQueued();
      return;
    }
    this.#pending[id] = pending;
    if (this.#segmented) this.#frameStarts.push(start);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(() => this.#flush());
    }
  }

  /** Writes everything encoded since the last flush in one socket write. */
  #flush(): void {
    this.#flushScheduled = false;
    const w = this.#out;
    const socket = this.#socket;
    if (w.length === 0 || socket === null || this.#blocked || this.#state === State.Closed) return;
    let bytes: Uint8Array;
    if (this.#segmented) {
      const starts = this.#frameStarts;
      const frames = new Array<Uint8Array>(starts.length);
      for (let i = 0; i < starts.length; i++) {
        frames[i] = w.buf.subarray(starts[i], i + 1 < starts.length ? starts[i + 1] : w.length);
      }
      // Each segment adds at most 12 bytes of header and CRC to up to 128 KiB of payload.
      const seg = new ByteWriter(w.length + 12 * (Math.ceil(w.length / MAX_SEGMENT_PAYLOAD) + 1));
      encodeSegments(frames, seg, { compressor: this.#compressor, crc32: this.#crc32 });
      bytes = seg.buf.subarray(0, seg.length);
      starts.length = 0;
    } else {
      bytes = w.toBytes();
    }
    // Keep the buffer while it fits the traffic (regrowing it copies everything written each
    // time), but don't pin a large one after a burst.
    if (w.buf.length > 1 << 20 && w.buf.length > 4 * w.length) {
      this.#out = new ByteWriter(16 * 1024);
    } else w.reset();
    if (!socket.write(bytes)) {
      this.#blocked = true;
      socket.drained().then(() => {
        this.#blocked = false;
        this.#flush();
      });
    }
  }

  #onData(chunk: Uint8Array): void {
    this.#lastRead = Date.now();
    try {
      if (this.#segments !== null) {
        this.#segments.push(chunk);
        for (let f = this.#segments.next(); f !== null; f = this.#segments.next()) {
          this.#onFrame(f);
        }
      } else {
        this.#frames.push(chunk);
        for (let f = this.#frames.next(); f !== null; f = this.#frames.next()) {
          this.#onFrame(f);
          // STARTUP's answer switched us to segments: the rest of the bytes belong to them.
          if (this.#segments !== null) {
            const segments = this.#segments as SegmentDecoder;
            for (let g = segments.next(); g !== null; g = segments.next()) this.#onFrame(g);
            break;
          }
        }
      }
    } catch (e) {
      this.#fail(
        new ConnectionError(this.address, `bad data from server: ${(e as Error).message}`, {
          cause: e,
        }),
      );
    }
  }

  #onFrame(raw: Frame): void {
    const stream = raw.header.stream;
    if (stream < 0) {
      this.#onEventFrame(raw);
      return;
    }
    const pending = stream < this.#pending.length ? this.#pending[stream] : undefined;
    if (pending === undefined) {
      throw new ProtocolError(`response on stream ${stream}, which has no request`);
    }
    this.#pending[stream] = undefined;
    this.#ids.release(stream);
    if (pending.done) this.#orphans--;
    else {
      this.#settle(pending);
      try {
        const res = decodeResponse(this.#inflate(raw), {
          maxFrameLength: this.#opts.maxFrameLength,
        });
        if (res.message.kind === "error") rejectRequest(pending, res.message.error);
        else pending.resolve(pending.decode(res));
      } catch (e) {
        // A malformed body concerns this request only: the frame boundaries are intact.
        rejectRequest(pending, e instanceof Error ? e : new Error(String(e)));
      }
    }
    this.#dispatchQueued();
  }

  #onEventFrame(raw: Frame): void {
    const res = decodeResponse(this.#inflate(raw), { maxFrameLength: this.#opts.maxFrameLength });
    if (res.message.kind === "event" && this.#opts.onEvent) {
      try {
        this.#opts.onEvent(res.message);
      } catch { /* a listener's bug must not kill the connection */ }
    }
  }

  /**
   * v4 body decompression. Cassandra already compresses its answer to STARTUP, before we could
   * mark compression as negotiated, so any frame flagged compressed is inflated with the codec
   * we offered.
   */
  #inflate(raw: Frame): Frame {
    if ((raw.header.flags & FrameFlag.Compression) === 0) return raw;
    const c = this.#opts.compressor;
    if (c === undefined) throw new ProtocolError("compressed frame, but compression is off");
    return decompressFrameV4(raw, c, this.#opts.maxFrameLength);
  }

  /**
   * The caller is answered (timeout/abort) but the stream id stays reserved until the reply. A
   * queued request stays in the queue, skipped when its turn comes: taking it out would cost a
   * search of the queue each, quadratic when thousands time out together.
   */
  #giveUp(pending: Pending, error: Error): void {
    if (pending.done) return;
    if (pending.queued) this.#queueDead++;
    else {
      // From now on `deadline` is when it was given up on (see #staleOrphan).
      pending.deadline = Date.now();
      if (++this.#orphans >= this.#maxOrphans && this.#state === State.Ready) {
        // Ids whose answers may never come (a lost frame, a dropped request): a fresh
        // connection gets the full count back, this one finishes what it carries.
        this.close().catch(() => {});
      }
    }
    this.#settle(pending);
    rejectRequest(pending, error);
  }

  /**
   * Timeouts are checked by one coarse ticker per busy connection rather than a timer per
   * request: at tens of thousands of requests a second, arming and clearing timers cost more
   * than the requests themselves. A timeout fires at most {@link TICK_MS} late. The ticker stops
   * on the first tick that finds the connection idle, not when the last answer comes: one
   * request at a time would otherwise arm and clear it for every request.
   */
  #startTicker(): void {
    this.#ticker = setInterval(() => this.#expire(), TICK_MS);
  }

  #stopTicker(): void {
    if (this.#ticker !== undefined) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }

  #expire(): void {
    if (this.#inFlight === 0) {
      this.#stopTicker();
      return;
    }
    const now = Date.now();
    const pending = this.#pending;
    const n = this.#ids.highWater;
    for (let i = 0; i < n; i++) {
      const p = pending[i];
      if (p !== undefined && !p.done && p.deadline !== 0 && p.deadline <= now) {
        this.#giveUp(p, new RequestTimeoutError(this.address, p.timeout));
      }
    }
    const queue = this.#queue;
    for (let i = this.#queueHead; i < queue.length; i++) {
      const p = queue[i].pending;
      if (!p.done && p.deadline !== 0 && p.deadline <= now) {
        this.#giveUp(p, new RequestTimeoutError(this.address, p.timeout));
      }
    }
  }

  /** Marks the caller answered: timers and listeners off, in-flight count down. */
  #settle(p: Pending): void {
    p.done = true;
    if (p.onAbort) p.signal!.removeEventListener("abort", p.onAbort);
    if (--this.#inFlight === 0 && this.#idleWaiters.length > 0) {
      for (const w of this.#idleWaiters.splice(0)) w();
    }
  }

  #dispatchQueued(): void {
    while (this.#queueHead < this.#queue.length) {
      const q = this.#queue[this.#queueHead];
      const dead = q.pending.done;
      const id = dead ? -1 : this.#ids.acquire();
      if (id < 0 && !dead) return;
      this.#queue[this.#queueHead++] = undefined as unknown as Queued;
      if (this.#queueHead === this.#queue.length) {
        this.#queue = [];
        this.#queueHead = 0;
      }
      if (dead) {
        this.#queueDead--;
        continue;
      }
      q.pending.queued = false;
      this.#write(id, q.encode, q.pending, q.opts);
    }
    this.#queueDead = 0; // the queue is empty
  }

  #scheduleHeartbeat(): void {
    const interval = this.#opts.heartbeatInterval ?? 30_000;
    if (interval <= 0 || this.#state !== State.Ready) return;
    this.#heartbeat = setTimeout(() => {
      this.#heartbeat = undefined;
      if (this.#state !== State.Ready) return;
      if (this.#orphans > 0 && this.#staleOrphan(interval)) {
        this.close().catch(() => {});
        return;
      }
      const idle = Date.now() - this.#lastRead;
      if (idle < interval) {
        this.#scheduleHeartbeat();
        return;
      }
      const timeout = this.#opts.heartbeatTimeout ?? 12_000;
      this.send((w, f) => encodeOptions(w, f), () => undefined, { timeout }).then(
        () => this.#scheduleHeartbeat(),
        (e) => {
          if (this.#state === State.Ready) {
            this.#fail(
              new ConnectionError(this.address, `heartbeat failed: ${(e as Error).message}`, {
                cause: e,
              }),
            );
          }
        },
      );
    }, interval);
    unrefTimer(this.#heartbeat);
  }

  /**
   * Whether an answer given up on is missing for longer than the server could still be working
   * on it (four heartbeat intervals, two minutes by default; Cassandra's own longest timeout, for
   * TRUNCATE, is one): then it was lost, and its stream id would stay taken for good.
   */
  #staleOrphan(interval: number): boolean {
    const before = Date.now() - 4 * interval;
    const pending = this.#pending;
    const n = this.#ids.highWater;
    for (let i = 0; i < n; i++) {
      const p = pending[i];
      if (p !== undefined && p.done && p.deadline <= before) return true;
    }
    return false;
  }

  #onSocketClose(error?: Error): void {
    if (this.#state === State.Closed) return;
    this.#fail(
      new ConnectionError(
        this.address,
        error ? `connection lost: ${error.message}` : "connection closed",
        { cause: error },
      ),
    );
  }

  /** Fails every pending and queued request with `error` and closes the socket. */
  #fail(error: Error): void {
    if (this.#state === State.Closed) return;
    this.#state = State.Closed;
    this.#closeError = error;
    if (this.#heartbeat !== undefined) clearTimeout(this.#heartbeat);
    this.#stopTicker();
    const failure = error instanceof ConnectionError || error instanceof AuthenticationError ||
        error instanceof ClosedError
      ? error
      : new ConnectionError(this.address, error.message, { cause: error });
    for (let i = 0; i < this.#pending.length; i++) {
      const p = this.#pending[i];
      if (p === undefined) continue;
      this.#pending[i] = undefined;
      if (!p.done) {
        this.#settle(p);
        rejectRequest(p, failure);
      }
    }
    for (let i = this.#queueHead; i < this.#queue.length; i++) {
      const q = this.#queue[i];
      if (q.pending.done) continue;
      this.#settle(q.pending);
      rejectRequest(q.pending, failure);
    }
    this.#queue = [];
    this.#queueHead = 0;
    this.#queueDead = 0;
    for (const w of this.#idleWaiters.splice(0)) w();
    this.#socket?.close();
    try {
      this.#opts.onClose?.(failure);
    } catch { /* the owner's bug must not escape into the socket callback */ }
  }

  /**
   * Closes gracefully: new requests are refused, requests already issued finish (each bounded by
   * its own timeout, and all by the `closeSignal`, which fails what is left), then the socket
   * closes.
   */
  async close(): Promise<void> {
    if (this.#state >= State.Closing) return;
    this.#state = State.Closing;
    if (this.#heartbeat !== undefined) clearTimeout(this.#heartbeat);
    if (this.#inFlight > 0) {
      const bound = this.#opts.closeSignal;
      const cut = () => this.#fail(closedReason(bound!));
      if (bound?.aborted) cut();
      else {
        bound?.addEventListener("abort", cut, { once: true });
        await new Promise<void>((r) => this.#idleWaiters.push(r));
        bound?.removeEventListener("abort", cut);
      }
    }
    // A failure while we waited has already closed everything.
    if ((this.#state as State) === State.Closed) return;
    this.#state = State.Closed;
    this.#stopTicker();
    this.#socket?.close();
    try {
      this.#opts.onClose?.();
    } catch { /* see #fail */ }
  }

  /** Closes at once, failing whatever is pending with `reason`. */
  destroy(reason?: Error): void {
    this.#fail(reason ?? new ConnectionError(this.address, "connection destroyed"));
  }
}

/**
 * "host:port" ("[v6]:port" for IPv6): how connections, nodes and errors name an endpoint, so
 * that `rs.info.queriedHost` and `client.hosts` compare equal.
 */
export function formatAddress(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** What a close cut short by `signal` fails the requests left with. */
function closedReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new ClosedError("connection");
}

function unexpected(expected: string, got: string): ProtocolError {
  return new ProtocolError(`expected ${expected} from the server, got ${got}`);
}
