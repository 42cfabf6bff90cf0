/**
 * A CQL-aware fault proxy for tests: one in front of each node of a real cluster. Unlike the
 * byte-level proxy.ts it decodes what passes (v4 frames, v5 segments, LZ4 either way), so rules
 * of condition → reaction can pick one message by direction, opcode, statement text, stream id,
 * node or rank, and react to it: forward it, delay it, drop it, cut the connection (FIN or RST,
 * also in the middle of the message), send it in small packets, corrupt one byte, black-hole the
 * connection, or answer in the node's place with a real ERROR frame encoded for the
 * connection's protocol version, framing and compression.
 *
 * Forwarded messages are re-encoded (v5: one segment run per message), which the protocol
 * allows: segment boundaries carry no meaning.
 *
 * @module
 */
import { ByteReader, ByteWriter, toHex } from "../../src/protocol/bytes.ts";
import {
  compressFrameV4,
  type Compressor,
  decompressFrameV4,
} from "../../src/protocol/compression.ts";
import { Consistency, type ConsistencyName } from "../../src/protocol/consistency.ts";
import {
  type Frame,
  FrameFlag,
  HEADER_LENGTH,
  readEnvelope,
  RESPONSE_BIT,
} from "../../src/protocol/frame.ts";
import { FrameDecoder } from "../../src/protocol/frame-decoder.ts";
import { Opcode } from "../../src/protocol/opcodes.ts";
import { encodeSegments, SegmentDecoder } from "../../src/protocol/segment.ts";
import { ErrorCode } from "../../src/protocol/server-errors.ts";
import { loadLz4 } from "../../src/compression/lz4.ts";

/** The part of a `node:net` socket the proxy uses (node:net, for its `resetAndDestroy`). */
interface NetSocket {
  on(event: "data", listener: (chunk: Uint8Array) => void): void;
  on(event: "error" | "close", listener: () => void): void;
  write(bytes: Uint8Array): boolean;
  end(): void;
  destroy(): void;
  resetAndDestroy(): void;
  setNoDelay(on: boolean): void;
}

interface NetServer {
  listen(port: number, host: string, cb: () => void): void;
  address(): { port: number };
  close(cb: () => void): void;
}

interface NetModule {
  createServer(onSocket: (s: NetSocket) => void): NetServer;
  connect(o: { host: string; port: number }): NetSocket;
}

/** A variable specifier: type-checking node:net would need @types/node, which we do not ship. */
const NET = "node:net";

/** Which way a message travels: client → node ("request") or node → client ("response"). */
export type Direction = "request" | "response";

/** What a rule looks for. Every field given must match; none given matches every request. */
export interface Condition {
  /** Default "request". */
  readonly direction?: Direction;
  /** Opcode or opcodes (see `Opcode`). */
  readonly opcode?: number | readonly number[];
  /**
   * Matches the statement of a QUERY or PREPARE, the prepared statement of an EXECUTE (by the
   * PREPARE text seen earlier for its id), any statement of a BATCH; for a response, the
   * statement of the request it answers. A string matches as a substring.
   */
  readonly statement?: string | RegExp;
  /** Stream id. */
  readonly stream?: number;
  /** Node index (1-based, the order the proxies were started in). */
  readonly node?: number;
  /** Only the nth frame (1-based) that matches the rest of the condition reacts. */
  readonly nth?: number;
  /** At most this many frames react; later matches are forwarded. */
  readonly times?: number;
}

/** The write types of a WriteTimeout (spec section 9). */
export type WriteType =
  | "SIMPLE"
  | "BATCH"
  | "UNLOGGED_BATCH"
  | "COUNTER"
  | "BATCH_LOG"
  | "CAS"
  | "VIEW"
  | "CDC";

/** An ERROR the proxy sends in the node's place. */
export type ErrorAnswer =
  | {
    readonly code: "overloaded" | "isBootstrapping" | "serverError" | "truncateError";
    readonly message?: string;
  }
  | {
    readonly code: "unavailable";
    readonly consistency: ConsistencyName;
    readonly required: number;
    readonly alive: number;
  }
  | {
    readonly code: "readTimeout";
    readonly consistency: ConsistencyName;
    readonly received: number;
    readonly blockFor: number;
    readonly dataPresent: boolean;
  }
  | {
    readonly code: "writeTimeout";
    readonly consistency: ConsistencyName;
    readonly received: number;
    readonly blockFor: number;
    readonly writeType: WriteType;
    /** v5 CAS only; default 1. */
    readonly contentions?: number;
  }
  | {
    readonly code: "readFailure";
    readonly consistency: ConsistencyName;
    readonly received: number;
    readonly blockFor: number;
    /** Failed replicas: v5 sends them as a reason map, v4 as a count. */
    readonly failures: readonly { readonly address: string; readonly reason: number }[];
    readonly dataPresent: boolean;
  }
  | {
    readonly code: "unprepared";
    /** Default: the id the EXECUTE carried. */
    readonly id?: Uint8Array;
  };

/** What a matching frame does. */
export type Reaction =
  | { readonly kind: "forward" }
  | { readonly kind: "delay"; readonly ms: number }
  | { readonly kind: "drop" }
  /** Closes both sides: "fin" gracefully, "rst" with a reset; `midFrame` sends half first. */
  | { readonly kind: "cut"; readonly how: "fin" | "rst"; readonly midFrame?: boolean }
  /** Sends the frame in packets of `size` bytes, `gapMs` apart (default 1). */
  | { readonly kind: "slice"; readonly size: number; readonly gapMs?: number }
  /** Flips every bit of the byte at `offset` of the frame as sent (default 0: the header). */
  | { readonly kind: "corrupt"; readonly offset?: number }
  /** This frame and everything after it on the connection, both ways, vanish. */
  | { readonly kind: "blackhole" }
  /** Answers a request with this error (it never reaches the node); replaces a response. */
  | { readonly kind: "error"; readonly error: ErrorAnswer };

/** A rule: when a frame meets `when`, do `then`. */
export interface Rule {
  readonly when: Condition;
  readonly then: Reaction;
}

/** A rule added to a {@link ProxySet}, with what it matched. */
export interface ActiveRule extends Rule {
  /** Frames that met the condition (before `nth`/`times`). */
  readonly matched: number;
  /** Frames it reacted to, per node index. */
  readonly applied: ReadonlyMap<number, number>;
  /** Frames it reacted to on every node. */
  readonly appliedTotal: number;
}

/** One request frame as a proxy saw it. */
export interface SeenRequest {
  readonly node: number;
  readonly opcode: number;
  readonly stream: number;
  readonly statements: readonly string[];
  /** True when it was passed on whole (forward, delay, slice), not dropped, cut, corrupted or answered. */
  readonly reachedNode: boolean;
}

interface MutableRule extends ActiveRule {
  matched: number;
  appliedTotal: number;
  applied: Map<number, number>;
}

/** A request the client still waits for on an open connection: no response passed back yet. */
export interface Unanswered {
  readonly node: number;
  readonly stream: number;
  readonly opcode: number;
  readonly statements: readonly string[];
}

/** A proxy in front of one node. */
export interface CqlProxy {
  /** 1-based node index. */
  readonly node: number;
  /** Where clients connect. */
  readonly host: string;
  readonly port: number;
  /** The node behind it. */
  readonly target: { readonly host: string; readonly port: number };
  /** Connections open now. */
  readonly connections: number;
  /** Connections open now that a "blackhole" reaction silenced (until their client gives up). */
  readonly blackholed: number;
  /** Requests on open connections that no response (the node's or the proxy's) answered yet. */
  readonly unanswered: readonly Unanswered[];
  /** Closes every proxied connection at once. */
  cutAll(): void;
}

/** The proxies of one cluster, sharing their rules and what they saw. */
export interface ProxySet {
  readonly proxies: readonly CqlProxy[];
  /** Adds a rule (checked after the ones already there). */
  add(rule: Rule): ActiveRule;
  /** Removes a rule; frames after this are no longer matched against it. */
  remove(rule: ActiveRule): void;
  /** Removes every rule. */
  clear(): void;
  /** Every request frame seen since the last {@link reset}. */
  readonly seen: readonly SeenRequest[];
  /** How many requests whose statement contains `text` reached each node (index → count). */
  reached(text: string, opcode?: number): Map<number, number>;
  /** Forgets what was seen. */
  reset(): void;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Starts one proxy per target on 127.0.0.1 (free ports), sharing rules. */
export async function startCqlProxies(
  targets: readonly { host: string; port: number }[],
): Promise<ProxySet> {
  const lz4 = await loadLz4();
  const state: Shared = {
    rules: [],
    seen: [],
    prepared: new Map(),
    lz4,
  };
  const net = await import(NET) as NetModule;
  const proxies = await Promise.all(targets.map((t, i) => listen(net, t, i + 1, state)));
  return {
    proxies,
    add(rule) {
      const r: MutableRule = { ...rule, matched: 0, appliedTotal: 0, applied: new Map() };
      state.rules.push(r);
      return r;
    },
    remove(rule) {
      state.rules = state.rules.filter((r) => r !== rule);
    },
    clear() {
      state.rules = [];
    },
    get seen() {
      return state.seen;
    },
    reached(text, opcode) {
      const out = new Map<number, number>();
      for (const s of state.seen) {
        if (!s.reachedNode || (opcode !== undefined && s.opcode !== opcode)) continue;
        if (s.statements.some((q) => q.includes(text))) out.set(s.node, (out.get(s.node) ?? 0) + 1);
      }
      return out;
    },
    reset() {
      state.seen.length = 0;
    },
    async close() {
      await Promise.all(proxies.map((p) => p.close()));
    },
  };
}

interface Shared {
  rules: MutableRule[];
  seen: SeenRequest[];
  /** PREPARE text by statement id (hex); ids are the same on every node. */
  prepared: Map<string, string>;
  lz4: Compressor;
}

/** One side of a proxied connection: how its bytes are framed and where they go. */
interface Side {
  readonly direction: Direction;
  readonly socket: NetSocket;
  /** The socket this side's frames are written to. */
  readonly out: NetSocket;
  frames: FrameDecoder;
  segments: SegmentDecoder | null;
  /** Serialises writes so a sliced or delayed frame never interleaves with another. */
  tail: Promise<void>;
}

class Link {
  version = 0;
  /** Set once STARTUP asked for LZ4. */
  compression = false;
  segmented = false;
  blackholed = false;
  closed = false;
  /** Requests the client still waits for, by stream, to match their responses. */
  readonly unanswered = new Map<number, Unanswered>();
  readonly prepares = new Map<number, string>();
  readonly up: Side;
  readonly down: Side;

  constructor(
    readonly node: number,
    readonly client: NetSocket,
    readonly server: NetSocket,
    readonly shared: Shared,
    readonly onClose: () => void,
  ) {
    this.up = side("request", client, server);
    this.down = side("response", server, client);
    for (const s of [this.up, this.down]) {
      s.socket.on("data", (chunk: Uint8Array) => this.#onData(s, chunk));
      s.socket.on("error", () => this.close("fin"));
      s.socket.on("close", () => this.close("fin"));
    }
  }

  get compressor(): Compressor | undefined {
    return this.compression ? this.shared.lz4 : undefined;
  }

  close(how: "fin" | "rst"): void {
    if (this.closed) return;
    this.closed = true;
    if (how === "rst") {
      this.client.resetAndDestroy();
      this.server.resetAndDestroy();
    } else {
      this.client.end();
      this.server.end();
      // A peer that never answers the FIN must not keep the socket.
      setTimeout(() => {
        this.client.destroy();
        this.server.destroy();
      }, 1000);
    }
    this.onClose();
  }

  #onData(s: Side, chunk: Uint8Array): void {
    if (this.closed || this.blackholed) return;
    try {
      const decoder = s.segments ?? s.frames;
      decoder.push(new Uint8Array(chunk));
      for (let f = decoder.next(); f !== null; f = decoder.next()) {
        this.#onFrame(s, f);
        if (this.closed || this.blackholed) return;
        // READY/AUTHENTICATE switched this side to segments: the rest belongs to them.
        if (s.segments !== null && decoder !== s.segments) {
          this.#onData(s, new Uint8Array(0));
          return;
        }
      }
    } catch {
      // Bytes the proxy cannot parse (a test corrupting on purpose upstream): give up the link.
      this.close("rst");
    }
  }

  #onFrame(s: Side, raw: Frame): void {
    if (this.version === 0) this.version = raw.header.version;
    const frame =
      s.segments === null && this.compression && raw.header.flags & FrameFlag.Compression
        ? decompressFrameV4(raw, this.shared.lz4)
        : raw;
    const { opcode, stream } = frame.header;
    let statements: readonly string[] = [];
    let executeId: Uint8Array | undefined;
    if (s.direction === "request") {
      const parsed = parseRequest(frame, this.shared.prepared);
      statements = parsed.statements;
      executeId = parsed.id;
      if (opcode === Opcode.Startup) {
        const opts = new ByteReader(frame.body).stringMap();
        this.compression = opts.COMPRESSION === "lz4";
      }
      if (opcode === Opcode.Prepare && statements.length === 1) {
        this.prepares.set(stream, statements[0]);
      }
      this.unanswered.set(stream, { node: this.node, stream, opcode, statements });
    } else {
      statements = this.unanswered.get(stream)?.statements ?? [];
      if (stream >= 0) this.unanswered.delete(stream);
      const text = this.prepares.get(stream);
      if (text !== undefined) {
        this.prepares.delete(stream);
        const id = preparedId(frame);
        if (id !== undefined) this.shared.prepared.set(toHex(id), text);
      }
    }
    const rule = this.#match(s.direction, opcode, stream, statements);
    const reaction: Reaction = rule?.then ?? FORWARD;
    const encoded = this.#encode(s, raw);
    if (s.direction === "request") {
      const reaches = reaction.kind === "forward" || reaction.kind === "delay" ||
        reaction.kind === "slice";
      this.shared.seen.push({ node: this.node, opcode, stream, statements, reachedNode: reaches });
    }
    // v5: both sides frame in segments from the answer to STARTUP (or its last auth step) on,
    // and compress them when STARTUP asked for it; what follows this frame is framed so.
    if (
      s.direction === "response" && this.version >= 5 && !this.segmented &&
      (opcode === Opcode.Ready || opcode === Opcode.Authenticate)
    ) {
      this.segmented = true;
      for (const side of [this.up, this.down]) {
        const seg = new SegmentDecoder({
          compressor: this.compressor,
          response: side.direction === "response",
        });
        for (const rest of side.frames.detach()) seg.push(rest);
        side.segments = seg;
      }
    }
    this.#react(s, reaction, encoded, stream, executeId);
  }

  #match(
    direction: Direction,
    opcode: number,
    stream: number,
    statements: readonly string[],
  ): MutableRule | undefined {
    for (const r of this.shared.rules) {
      const w = r.when;
      if ((w.direction ?? "request") !== direction) continue;
      if (w.opcode !== undefined) {
        const ops: readonly number[] = typeof w.opcode === "number" ? [w.opcode] : w.opcode;
        if (!ops.includes(opcode)) continue;
      }
      if (w.stream !== undefined && w.stream !== stream) continue;
      if (w.node !== undefined && w.node !== this.node) continue;
      if (w.statement !== undefined) {
        const st = w.statement;
        const hit = statements.some((q) => typeof st === "string" ? q.includes(st) : st.test(q));
        if (!hit) continue;
      }
      r.matched++;
      if (w.nth !== undefined && r.matched !== w.nth) continue;
      if (w.times !== undefined && r.appliedTotal >= w.times) continue;
      r.appliedTotal++;
      r.applied.set(this.node, (r.applied.get(this.node) ?? 0) + 1);
      return r;
    }
    return undefined;
  }

  /** The frame as it goes on the wire of this side's target, in the current framing. */
  #encode(s: Side, raw: Frame): Uint8Array {
    const bytes = new Uint8Array(HEADER_LENGTH + raw.body.length);
    const h = raw.header;
    bytes[0] = h.version | (h.response ? RESPONSE_BIT : 0);
    bytes[1] = h.flags;
    bytes[2] = (h.stream >> 8) & 0xff;
    bytes[3] = h.stream & 0xff;
    bytes[4] = h.opcode;
    new DataView(bytes.buffer).setInt32(5, raw.body.length);
    bytes.set(raw.body, HEADER_LENGTH);
    return s.segments === null ? bytes : this.#segment(bytes);
  }

  #segment(envelope: Uint8Array): Uint8Array {
    const w = new ByteWriter(envelope.length + 64);
    encodeSegments([envelope], w, { compressor: this.compressor });
    return w.toBytes();
  }

  #react(
    s: Side,
    reaction: Reaction,
    bytes: Uint8Array,
    stream: number,
    executeId: Uint8Array | undefined,
  ): void {
    switch (reaction.kind) {
      case "forward":
        this.#write(s, [bytes]);
        return;
      case "delay":
        setTimeout(() => this.#write(s, [bytes]), reaction.ms);
        return;
      case "drop":
        return;
      case "cut":
        if (reaction.midFrame) {
          this.#write(s, [bytes.subarray(0, Math.max(1, bytes.length >> 1))]);
          s.tail = s.tail.then(() => this.close(reaction.how));
        } else this.close(reaction.how);
        return;
      case "slice": {
        const parts: Uint8Array[] = [];
        for (let o = 0; o < bytes.length; o += reaction.size) {
          parts.push(bytes.subarray(o, o + reaction.size));
        }
        this.#write(s, parts, reaction.gapMs ?? 1);
        return;
      }
      case "corrupt": {
        const copy = bytes.slice();
        const at = Math.min(reaction.offset ?? 0, copy.length - 1);
        copy[at] ^= 0xff;
        this.#write(s, [copy]);
        return;
      }
      case "blackhole":
        this.blackholed = true;
        return;
      case "error": {
        const body = errorBody(reaction.error, this.version, executeId);
        if (s.direction === "request") this.unanswered.delete(stream);
        this.#write(this.down, [this.#errorFrame(stream, body)]);
        return;
      }
    }
  }

  #errorFrame(stream: number, body: Uint8Array): Uint8Array {
    const w = new ByteWriter(HEADER_LENGTH + body.length + 32);
    w.byte(this.version | RESPONSE_BIT);
    w.byte(0);
    w.short(stream & 0xffff);
    w.byte(Opcode.Error);
    w.int(body.length);
    w.raw(body);
    if (this.segmented) return this.#segment(w.toBytes());
    if (this.compression) compressFrameV4(w, 0, this.shared.lz4);
    return w.toBytes();
  }

  #write(s: Side, parts: readonly Uint8Array[], gapMs = 0): void {
    s.tail = s.tail.then(async () => {
      for (let i = 0; i < parts.length; i++) {
        if (this.closed || this.blackholed) return;
        s.out.write(parts[i]);
        if (gapMs > 0 && i < parts.length - 1) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  }
}

const FORWARD: Reaction = { kind: "forward" };

function side(direction: Direction, socket: NetSocket, out: NetSocket): Side {
  return {
    direction,
    socket,
    out,
    frames: new FrameDecoder({ response: direction === "response" }),
    segments: null,
    tail: Promise.resolve(),
  };
}

function listen(
  net: NetModule,
  target: { host: string; port: number },
  node: number,
  shared: Shared,
): Promise<CqlProxy & { close(): Promise<void> }> {
  const links = new Set<Link>();
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const upstream = net.connect({ host: target.host, port: target.port });
    upstream.setNoDelay(true);
    // Bytes the client sends before the node accepted are buffered by the socket.
    const link: Link = new Link(node, client, upstream, shared, () => links.delete(link));
    links.add(link);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const port = server.address().port;
      resolve({
        node,
        host: "127.0.0.1",
        port,
        target,
        get connections() {
          return links.size;
        },
        get blackholed() {
          let n = 0;
          for (const l of links) if (l.blackholed) n++;
          return n;
        },
        get unanswered() {
          const out: Unanswered[] = [];
          for (const l of links) out.push(...l.unanswered.values());
          return out;
        },
        cutAll() {
          for (const l of [...links]) l.close("rst");
        },
        close() {
          for (const l of [...links]) l.close("rst");
          return new Promise<void>((r) => server.close(() => r()));
        },
      });
    });
  });
}

/** Statement texts of a request, and the id of an EXECUTE. */
function parseRequest(
  frame: Frame,
  prepared: ReadonlyMap<string, string>,
): { statements: string[]; id?: Uint8Array } {
  const { opcode, flags } = frame.header;
  if (
    opcode !== Opcode.Query && opcode !== Opcode.Prepare && opcode !== Opcode.Execute &&
    opcode !== Opcode.Batch
  ) return { statements: [] };
  const r = new ByteReader(frame.body);
  if (flags & FrameFlag.CustomPayload) r.bytesMap();
  if (opcode === Opcode.Query || opcode === Opcode.Prepare) return { statements: [r.longString()] };
  if (opcode === Opcode.Execute) {
    const id = r.shortBytes().slice();
    return { statements: [prepared.get(toHex(id)) ?? ""], id };
  }
  r.byte(); // batch type
  const n = r.short();
  const statements: string[] = [];
  for (let i = 0; i < n; i++) {
    const kind = r.byte();
    statements.push(kind === 0 ? r.longString() : prepared.get(toHex(r.shortBytes())) ?? "");
    const values = r.short();
    for (let v = 0; v < values; v++) {
      const len = r.int();
      if (len > 0) r.raw(len);
    }
  }
  return { statements };
}

/** The statement id of a RESULT Prepared, if `frame` is one. */
function preparedId(frame: Frame): Uint8Array | undefined {
  if (frame.header.opcode !== Opcode.Result) return undefined;
  const r = new ByteReader(frame.body);
  readEnvelope(r, frame.header.flags);
  if (r.int() !== 0x0004) return undefined;
  return r.shortBytes().slice();
}

/**
 * An ERROR body per the spec (v4 section 9, v5 section 8): [int] code, [string] message, then
 * the code's fields; v5 sends the failures of a ReadFailure as a reason map and the contention
 * count of a CAS WriteTimeout.
 */
export function errorBody(e: ErrorAnswer, version: number, executeId?: Uint8Array): Uint8Array {
  const w = new ByteWriter(128);
  const head = (code: number, message: string) => {
    w.int(code);
    w.string(message);
  };
  switch (e.code) {
    case "overloaded":
      head(ErrorCode.Overloaded, e.message ?? "proxy: overloaded");
      break;
    case "isBootstrapping":
      head(ErrorCode.IsBootstrapping, e.message ?? "proxy: bootstrapping");
      break;
    case "serverError":
      head(ErrorCode.ServerError, e.message ?? "proxy: server error");
      break;
    case "truncateError":
      head(ErrorCode.TruncateError, e.message ?? "proxy: truncate failed");
      break;
    case "unavailable":
      head(ErrorCode.Unavailable, "proxy: unavailable");
      w.short(Consistency[e.consistency]);
      w.int(e.required);
      w.int(e.alive);
      break;
    case "readTimeout":
      head(ErrorCode.ReadTimeout, "proxy: read timeout");
      w.short(Consistency[e.consistency]);
      w.int(e.received);
      w.int(e.blockFor);
      w.byte(e.dataPresent ? 1 : 0);
      break;
    case "writeTimeout":
      head(ErrorCode.WriteTimeout, "proxy: write timeout");
      w.short(Consistency[e.consistency]);
      w.int(e.received);
      w.int(e.blockFor);
      w.string(e.writeType);
      if (version >= 5 && e.writeType === "CAS") w.short(e.contentions ?? 1);
      break;
    case "readFailure":
      head(ErrorCode.ReadFailure, "proxy: read failure");
      w.short(Consistency[e.consistency]);
      w.int(e.received);
      w.int(e.blockFor);
      if (version >= 5) {
        w.int(e.failures.length);
        for (const f of e.failures) {
          const ip = f.address.split(".").map(Number);
          w.byte(ip.length);
          for (const b of ip) w.byte(b);
          w.short(f.reason);
        }
      } else w.int(e.failures.length);
      w.byte(e.dataPresent ? 1 : 0);
      break;
    case "unprepared":
      head(ErrorCode.Unprepared, "proxy: unprepared");
      w.shortBytes(e.id ?? executeId ?? new Uint8Array(16));
      break;
  }
  return w.toBytes();
}
