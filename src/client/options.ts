/**
 * Client options: what users pass to `new Client(...)`, with the names DataStax's driver made
 * familiar, and their validated, defaulted form.
 *
 * @module
 */
import type { AuthProvider } from "../connection/auth.ts";
import type { ConnectionOptions } from "../connection/connection.ts";
import type { Compressor } from "../protocol/compression.ts";
import { PlainTextAuthProvider } from "../connection/auth.ts";
import { isConsistencyName } from "../protocol/consistency.ts";
import type { ConsistencyLevel } from "../protocol/requests.ts";
import type { TlsOptions, Transport } from "../transport/types.ts";
import type { AddressTranslator } from "../cluster/address-translator.ts";
import { ExponentialReconnectionPolicy, type ReconnectionPolicy } from "../cluster/reconnection.ts";
import type { LoadBalancingPolicy } from "./policies/load-balancing.ts";
import { SpeculativeDelay, type SpeculativeExecutionOptions } from "./speculative.ts";
import type { RetryPolicy } from "./policies/retry.ts";
import type { RequestTracker } from "./tracker.ts";
import { CloseBound } from "./close.ts";
import { DEFAULT_MAX_QUEUED_PER_HOST } from "../connection/pool.ts";

/** TLS settings for the client: PEM strings, or `true` for the runtime's system roots. */
export type ClientTlsOptions = TlsOptions | true;

/**
 * Options of `new Client(options)`.
 *
 * @example
 * ```ts
 * import type { ClientOptions } from "@cql/driver";
 * const options: ClientOptions = {
 *   contactPoints: ["127.0.0.1", "127.0.0.2:9043"],
 *   localDataCenter: "datacenter1",
 *   keyspace: "app",
 *   credentials: { username: "app", password: "secret" },
 *   compression: "lz4",
 * };
 * ```
 */
export interface ClientOptions {
  /**
   * Nodes to connect to first: "host" or "host:port" ("[::1]:9042" for IPv6). One is enough:
   * the client finds every other node of the cluster; a name resolving to several addresses
   * gives each.
   */
  contactPoints: readonly string[];
  /**
   * Data center of this client: its nodes serve requests, other data centers' only as
   * `remoteDcHosts` allows. Default: the data center of the first contact point that answers.
   */
  localDataCenter?: string;
  /**
   * Read the schema (`client.metadata`) in the background after `connect()`. Default true;
   * false reads it only on first use (edge runtimes, where a cold start counts).
   */
  schemaMetadata?: boolean;
  /** Rack of this client: the default load balancing prefers replicas and nodes there. */
  localRack?: string;
  /**
   * Nodes per remote data center that may serve requests when no node of the local one can
   * (each gets one connection). Default 0: remote data centers are never used.
   */
  remoteDcHosts?: number;
  /** Maps the addresses nodes report for their peers to the ones to connect to (NAT, cloud). */
  addressTranslator?: AddressTranslator;
  /**
   * How long to wait between attempts to reach a node that is down. Default: exponential with
   * full jitter, 1 s base, 60 s max.
   */
  reconnection?: ReconnectionPolicy;
  /**
   * Milliseconds a schema-altering statement waits, before it resolves, for every node that
   * is up to report the same schema version. Default 10000; 0 does not wait.
   */
  maxSchemaAgreementWait?: number;
  /** Keyspace every connection switches to (`USE`). */
  keyspace?: string;
  /** SASL PLAIN credentials (Cassandra's PasswordAuthenticator). */
  credentials?: { username: string; password: string };
  /** Any other SASL mechanism; takes precedence over `credentials`. */
  authProvider?: AuthProvider;
  /** Client encryption. */
  tls?: ClientTlsOptions;
  /** Compress traffic with LZ4 (loaded on first use). */
  compression?: "lz4";
  /**
   * Highest protocol version to use: 5 (default) or 4. The handshake falls back from 5 to 4.
   * v5 checksums every segment; for large values that costs: measured against Cassandra 5.0.9,
   * reading 64 KiB blobs ran ~1.4x faster on v4 (the server's CPU per answer grows more than
   * the client's), small rows show no difference.
   */
  protocolVersion?: 4 | 5;
  /** Default number of rows per page. Default 5000. */
  pageSize?: number;
  /** Default consistency level. Default "LOCAL_ONE". */
  consistency?: ConsistencyLevel;
  /** Default serial consistency for conditional statements. */
  serialConsistency?: ConsistencyLevel;
  /** Milliseconds a request may wait for its answer. Default 12000; 0 disables. */
  requestTimeout?: number;
  /** Milliseconds to open a connection and complete the handshake. Default 5000. */
  connectTimeout?: number;
  /** Idle milliseconds before a heartbeat on a connection; 0 disables. Default 30000. */
  heartbeatInterval?: number;
  /**
   * Connections per node. Default 2: Cassandra handles each connection's traffic (reading,
   * framing, flushing) on one event-loop thread, so a second connection lets a node use two;
   * each carries up to `maxRequestsPerConnection`. `Client.connect()` opens them all. In
   * Cloudflare Workers, which allow six open sockets per invocation, 1 leaves room for more nodes.
   */
  connectionsPerHost?: number;
  /** Requests in flight per connection before more wait in line. Default 2048. */
  maxRequestsPerConnection?: number;
  /**
   * Requests that may wait, per node, once each of its connections has
   * `maxRequestsPerConnection` in flight. One more fails at once with a `BusyConnectionError`
   * for that node and moves on to the next node of the query plan (as cassandra-driver does when
   * a node is busy); when every node is busy the request rejects with a `NoHostAvailableError`
   * whose `errors` are `BusyConnectionError`s. This bounds the memory of an application that
   * issues far more requests than the nodes answer: without it, 200,000 requests issued at once
   * on a slow node grew the process by about 580 MiB and timed out by the tens of thousands.
   * Default 8192: twice what the default pool carries in flight (2 × 2048), so a burst of
   * 12,288 requests at once meets no error, while a waiting request costs 2-3 KiB (measured by
   * `bench/backpressure.ts`: 8192 adds about 25 MiB per node); 0 queues nothing, as
   * cassandra-driver.
   */
  maxQueuedRequestsPerHost?: number;
  /**
   * Requests given up on (timed out, aborted) whose answers a connection still waits for, past
   * which it is replaced. Their stream ids cannot be reused before the answer comes (a late
   * answer would be taken for another request's), and an answer that never comes (a lost
   * frame, a node that dropped the request) would hold its id forever. Past the limit the
   * connection finishes what it carries, closes, and the pool opens a fresh one, as
   * cassandra-driver's `defunctReadTimeoutThreshold` does. Default: a quarter of
   * `maxRequestsPerConnection`, at most 64. Below the limit, a connection is replaced too once
   * one such answer is missing for four heartbeat intervals (2 minutes by default): longer
   * than Cassandra works on any request.
   */
  maxOrphanedRequests?: number;
  /**
   * Milliseconds `close()` lets requests issued before it finish. Past it, every request still
   * unanswered rejects with a `ClosedError` and the sockets close. Default 5000; 0 waits for
   * each request's own timeout.
   */
  closeTimeout?: number;
  /** Largest frame accepted from a server, in bytes. Default 256 MiB. */
  maxFrameLength?: number;
  /** Which nodes serve a request, in which order. Default: round robin (DC-aware with `localDataCenter`). */
  loadBalancing?: LoadBalancingPolicy;
  /**
   * For idempotent requests (`idempotent: true`): when no answer came within `delay` ms (or the
   * `percentile` of recent latencies), the request also starts on the next node, up to
   * `maxExecutions` in all; the first answer wins and `rs.info.speculativeExecutions` counts the
   * extra ones. Default: off.
   */
  speculativeExecution?: SpeculativeExecutionOptions;
  /** What to do when a request fails. Default: {@link RetryPolicy} as DataStax drivers define it. */
  retry?: RetryPolicy;
  /**
   * Observes every request: its start, its attempts and the node that answered, its end (see
   * {@link RequestTracker}; `@cql/driver/otel` makes one that reports to OpenTelemetry, and
   * `slowQueryLogger()` one that logs slow requests). Default: none, at no cost.
   */
  requestTracker?: RequestTracker;
  /** Socket layer; detected from the runtime when absent. */
  transport?: Transport;
  /** A WebAssembly module or bytes of lz4-wasm, where the runtime cannot locate it (Workers). */
  lz4Wasm?: WebAssembly.Module | Uint8Array;
}

/** Validated options with defaults applied. */
export interface ResolvedOptions {
  contactPoints: { host: string; port: number }[];
  localDataCenter?: string;
  localRack?: string;
  schemaMetadata: boolean;
  remoteDcHosts: number;
  addressTranslator?: AddressTranslator;
  reconnection: ReconnectionPolicy;
  maxSchemaAgreementWait: number;
  speculative?: SpeculativeDelay;
  requestTracker?: RequestTracker;
  keyspace?: string;
  authProvider?: AuthProvider;
  tls?: TlsOptions;
  compression?: "lz4";
  protocolVersion: 4 | 5;
  pageSize: number;
  consistency: ConsistencyLevel;
  serialConsistency?: ConsistencyLevel;
  requestTimeout: number;
  connectTimeout: number;
  heartbeatInterval: number;
  connectionsPerHost: number;
  maxRequestsPerConnection: number;
  maxQueuedRequestsPerHost: number;
  maxOrphanedRequests: number;
  closeTimeout: number;
  /** The bound of `close()`, whose signal every connection gets. */
  closing: CloseBound;
  maxFrameLength?: number;
  transport?: Transport;
  lz4Wasm?: WebAssembly.Module | Uint8Array;
}

/** Parses "host", "host:port", "[v6]:port" or a bare IPv6 address. */
export function parseContactPoint(s: string): { host: string; port: number } {
  if (typeof s !== "string" || s.trim() === "") {
    throw new TypeError(`contact point must be a non-empty string: ${JSON.stringify(s)}`);
  }
  const t = s.trim();
  let host = t, port = 9042;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracket) {
    host = bracket[1];
    if (bracket[2]) port = Number(bracket[2]);
  } else if ((t.match(/:/g) ?? []).length === 1) {
    const i = t.indexOf(":");
    host = t.slice(0, i);
    port = Number(t.slice(i + 1));
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`bad port in contact point ${JSON.stringify(s)}`);
  }
  return { host, port };
}

function positiveInt(name: string, v: number | undefined, def: number, allowZero = false): number {
  if (v === undefined) return def;
  if (typeof v !== "number" || !Number.isInteger(v) || v < (allowZero ? 0 : 1)) {
    throw new TypeError(
      `${name} must be a ${allowZero ? "non-negative" : "positive"} integer: ${v}`,
    );
  }
  return v;
}

function consistency(name: string, v: ConsistencyLevel | undefined): ConsistencyLevel | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "number" ? Number.isInteger(v) && v >= 0 && v <= 0x0a : isConsistencyName(v)) {
    return v;
  }
  throw new TypeError(`${name}: unknown consistency level ${JSON.stringify(v)}`);
}

/** Validates options and fills in defaults; throws TypeError naming the bad option. */
export function resolveOptions(o: ClientOptions): ResolvedOptions {
  if (o === null || typeof o !== "object") throw new TypeError("Client options are required");
  if (!Array.isArray(o.contactPoints) || o.contactPoints.length === 0) {
    throw new TypeError('contactPoints must be a non-empty array of "host" or "host:port"');
  }
  if (o.protocolVersion !== undefined && o.protocolVersion !== 4 && o.protocolVersion !== 5) {
    throw new TypeError(`protocolVersion must be 4 or 5: ${o.protocolVersion}`);
  }
  if (o.compression !== undefined && o.compression !== "lz4") {
    throw new TypeError(`compression must be "lz4": ${JSON.stringify(o.compression)}`);
  }
  let authProvider = o.authProvider;
  if (!authProvider && o.credentials) {
    authProvider = new PlainTextAuthProvider(o.credentials.username, o.credentials.password);
  }
  const closeTimeout = positiveInt("closeTimeout", o.closeTimeout, 5_000, true);
  const maxRequests = positiveInt("maxRequestsPerConnection", o.maxRequestsPerConnection, 2048);
  // The protocol's stream ids are signed 16-bit: 32768 per connection at most.
  if (maxRequests > 32_768) {
    throw new TypeError(`maxRequestsPerConnection must be at most 32768: ${maxRequests}`);
  }
  return {
    contactPoints: o.contactPoints.map(parseContactPoint),
    localDataCenter: o.localDataCenter,
    localRack: o.localRack,
    schemaMetadata: o.schemaMetadata ?? true,
    remoteDcHosts: positiveInt("remoteDcHosts", o.remoteDcHosts, 0, true),
    addressTranslator: o.addressTranslator,
    reconnection: o.reconnection ?? new ExponentialReconnectionPolicy(),
    maxSchemaAgreementWait: positiveInt(
      "maxSchemaAgreementWait",
      o.maxSchemaAgreementWait,
      10_000,
      true,
    ),
    speculative: o.speculativeExecution === undefined
      ? undefined
      : new SpeculativeDelay(o.speculativeExecution),
    requestTracker: o.requestTracker,
    keyspace: o.keyspace,
    authProvider,
    tls: o.tls === true ? {} : o.tls,
    compression: o.compression,
    protocolVersion: o.protocolVersion ?? 5,
    pageSize: positiveInt("pageSize", o.pageSize, 5000),
    consistency: consistency("consistency", o.consistency) ?? "LOCAL_ONE",
    serialConsistency: consistency("serialConsistency", o.serialConsistency),
    requestTimeout: positiveInt("requestTimeout", o.requestTimeout, 12_000, true),
    connectTimeout: positiveInt("connectTimeout", o.connectTimeout, 5_000),
    heartbeatInterval: positiveInt("heartbeatInterval", o.heartbeatInterval, 30_000, true),
    connectionsPerHost: positiveInt("connectionsPerHost", o.connectionsPerHost, 2),
    maxRequestsPerConnection: maxRequests,
    maxQueuedRequestsPerHost: positiveInt(
      "maxQueuedRequestsPerHost",
      o.maxQueuedRequestsPerHost,
      DEFAULT_MAX_QUEUED_PER_HOST,
      true,
    ),
    maxOrphanedRequests: positiveInt(
      "maxOrphanedRequests",
      o.maxOrphanedRequests,
      Math.min(64, Math.max(1, maxRequests >> 2)),
    ),
    closeTimeout,
    closing: new CloseBound(closeTimeout),
    maxFrameLength: o.maxFrameLength,
    transport: o.transport,
    lz4Wasm: o.lz4Wasm,
  };
}

/** The settings of each connection a client opens, from its options. */
export function connectionOptionsOf(
  o: ResolvedOptions,
  transport: Transport,
  compressor: Compressor | undefined,
  version: { protocolVersion: 4 | 5; pinVersion: boolean },
): Omit<ConnectionOptions, "host" | "port" | "onClose" | "onEvent"> {
  return {
    transport,
    tls: o.tls,
    ...version,
    compressor,
    authProvider: o.authProvider,
    connectTimeout: o.connectTimeout,
    heartbeatInterval: o.heartbeatInterval,
    heartbeatTimeout: o.requestTimeout || 12_000,
    maxRequests: o.maxRequestsPerConnection,
    maxQueuedPerHost: o.maxQueuedRequestsPerHost,
    maxOrphans: o.maxOrphanedRequests,
    closeSignal: o.closing.signal,
    maxFrameLength: o.maxFrameLength,
  };
}
