/**
 * cassandra-driver's client options, and their mapping onto the native `ClientOptions`.
 *
 * @module
 */
import type { ClientOptions as NativeOptions } from "../client/options.ts";
import type { ConsistencyLevel } from "../protocol/requests.ts";
import { type AuthProvider, toNativeAuthProvider } from "./auth.ts";
import type { EncodingOptions } from "./encoding.ts";
import type { LoadBalancingPolicy } from "./policies/load-balancing.ts";
import type { RetryPolicy } from "./policies/retry.ts";
import { nativeLoadBalancing, nativeRetry } from "./policies/native.ts";
import { NotSupportedError } from "./errors.ts";
import type { AdaptedLoadBalancingPolicy } from "./policies/custom.ts";
import type { ExecutionProfile } from "./profiles.ts";
import type { RequestTracker } from "./tracker.ts";
import type { ClientMetrics } from "./metrics.ts";
import {
  type AddressTranslator,
  nativeOthers,
  type ReconnectionPolicy,
  type SpeculativeExecutionPolicy,
  type TimestampGenerator,
} from "./policies/others.ts";

/** Default execution options of every request (`queryOptions`). */
export interface QueryOptions {
  /** Consistency level (a `types.consistencies` code). Default localOne. */
  consistency?: number;
  /** Serial consistency of conditional statements. */
  serialConsistency?: number;
  /** Rows per page. Default 5000. */
  fetchSize?: number;
  /** Prepare statements. Default false. */
  prepare?: boolean;
  /** Fetch every page in `eachRow` and `stream`. Default true. */
  autoPage?: boolean;
  /** Statements may be retried on another node. Default false. */
  isIdempotent?: boolean;
  /** Kept for compatibility; stack traces are always those of the failure. */
  captureStackTrace?: boolean;
  /** Keyspace of requests (protocol v5). */
  keyspace?: string;
  /** Trace requests. */
  traceQuery?: boolean;
  /** Milliseconds to wait for each answer. */
  readTimeout?: number;
  /** Bytes of each partition key component. */
  routingKey?: Uint8Array | Uint8Array[];
  /** Log batch statements. Default true. */
  logged?: boolean;
  /** Counter batches. */
  counter?: boolean;
  /** Type hints of unprepared parameters. */
  hints?: unknown;
  /** Write timestamp (microseconds). */
  timestamp?: number | { toString(): string };
  /** Custom payload. */
  customPayload?: Record<string, Uint8Array>;
  /** The execution profile of requests that name none. */
  executionProfile?: string;
  /** The page to start at (hex string or bytes). */
  pageState?: string | Uint8Array;
}

/** TLS options as Node's `tls.connect` takes them. */
export interface SslOptions {
  /** Trusted CA certificates (PEM). */
  ca?: string | Uint8Array | (string | Uint8Array)[];
  /** Client certificate (PEM). */
  cert?: string | Uint8Array;
  /** Client key (PEM). */
  key?: string | Uint8Array;
  /** Verify the server certificate (default true). */
  rejectUnauthorized?: boolean;
  /** SNI name. */
  servername?: string;
  /** A custom identity check; any function turns host name checking off. */
  checkServerIdentity?: unknown;
}

/** The options of `new Client(options)`, as cassandra-driver takes them. */
export interface ClientOptions {
  /** Nodes to connect to first ("host" or "host:port"). */
  contactPoints?: string[];
  /** The local data center (required with contact points). */
  localDataCenter?: string;
  /** The keyspace of every connection. */
  keyspace?: string;
  /** Username and password. */
  credentials?: { username: string; password: string };
  /** Authentication (`auth.PlainTextAuthProvider` or a subclass of `auth.AuthProvider`). */
  authProvider?: AuthProvider;
  /** Client encryption. */
  sslOptions?: SslOptions;
  /** Protocol settings. */
  protocolOptions?: {
    /** Port of contact points without one. Default 9042. */
    port?: number;
    /** Highest protocol version. */
    maxVersion?: number;
    /** Seconds to wait for schema agreement. Default 10. */
    maxSchemaAgreementWaitSeconds?: number;
    /** Kept for compatibility. */
    noCompact?: boolean;
  };
  /** Socket settings. */
  socketOptions?: {
    /** Milliseconds to open a connection. Default 5000. */
    connectTimeout?: number;
    /** Milliseconds to wait for an answer. Default 12000. */
    readTimeout?: number;
    /** Kept for compatibility. */
    keepAlive?: boolean;
    /** Kept for compatibility. */
    keepAliveDelay?: number;
    /** Kept for compatibility. */
    tcpNoDelay?: boolean;
    /** Kept for compatibility. */
    coalescingThreshold?: number;
    /** Kept for compatibility. */
    defunctReadTimeoutThreshold?: number;
  };
  /** Connection pools. */
  pooling?: {
    /** Connections per node by distance (`{ [types.distance.local]: 2 }`). */
    coreConnectionsPerHost?: Record<number, number>;
    /** Requests in flight per connection. */
    maxRequestsPerConnection?: number;
    /** Idle milliseconds before a heartbeat. */
    heartBeatInterval?: number;
    /** Kept for compatibility: pools always open on connect. */
    warmup?: boolean;
  };
  /** Policies. */
  policies?: {
    /** Which nodes serve a request. */
    loadBalancing?: LoadBalancingPolicy;
    /** What to do after a failure. */
    retry?: RetryPolicy;
    /** Delays between reconnection attempts to a node that is down. */
    reconnection?: ReconnectionPolicy;
    /** Node address translation (a translator that calls back at once). */
    addressResolution?: AddressTranslator;
    /** Further executions of slow idempotent requests. */
    speculativeExecution?: SpeculativeExecutionPolicy;
    /** Client-side write timestamps (none given: the server's clock). */
    timestampGeneration?: TimestampGenerator | null;
  };
  /** Default execution options. */
  queryOptions?: QueryOptions;
  /** Value representations. */
  encoding?: EncodingOptions;
  /** Read the schema metadata. Default true. */
  isMetadataSyncEnabled?: boolean;
  /** Kept for compatibility. */
  prepareOnAllHosts?: boolean;
  /** Kept for compatibility. */
  rePrepareOnUp?: boolean;
  /** Kept for compatibility. */
  maxPrepared?: number;
  /** Observes every response (`tracker.RequestLogger` or a `tracker.RequestTracker` subclass). */
  requestTracker?: RequestTracker;
  /** Where responses, errors and retries are counted (a `metrics.ClientMetrics`). */
  metrics?: ClientMetrics;
  /** Execution profiles (`new ExecutionProfile(name, options)`). */
  profiles?: ExecutionProfile[];
  /** Application name (not sent yet). */
  applicationName?: string;
  /** Application version (not sent yet). */
  applicationVersion?: string;
  /** Client id (not sent yet). */
  id?: unknown;
}

function pem(v: string | Uint8Array): string {
  return typeof v === "string" ? v : new TextDecoder().decode(v);
}

/**
 * The native options for cassandra-driver's; throws TypeError where cassandra-driver does.
 * Adapters of users' own load-balancing policies are added to `adapters`.
 */
export function toNativeOptions(
  o: ClientOptions,
  adapters: AdaptedLoadBalancingPolicy[] = [],
): NativeOptions {
  if (!o || typeof o !== "object") throw new TypeError("Client options are required");
  const cps = o.contactPoints;
  if (!Array.isArray(cps) || cps.length === 0) {
    throw new TypeError("Contacts points are not defined.");
  }
  cps.forEach((h, i) => {
    if (!h) {
      throw new TypeError(
        `Contact point ${i} (${h}) is not a valid host name, the following values are valid ` +
          "contact points: ipAddress, hostName or ipAddress:port",
      );
    }
  });
  const port = o.protocolOptions?.port ?? 9042;
  const contactPoints = cps.map((h) => {
    const colons = (h.match(/:/g) ?? []).length;
    if (colons === 1 || h.startsWith("[")) return h; // already "host:port" or "[v6]:port"
    return colons > 1 ? `[${h}]:${port}` : `${h}:${port}`;
  });
  const maxVersion = o.protocolOptions?.maxVersion;
  if (maxVersion !== undefined && (typeof maxVersion !== "number" || maxVersion < 1)) {
    throw new TypeError(`protocolOptions.maxVersion provided (${maxVersion}) is invalid`);
  }
  if (maxVersion !== undefined && maxVersion < 4) {
    throw new NotSupportedError(`protocol version ${maxVersion} is not supported (4 and 5 are)`);
  }
  const readTimeout = o.socketOptions?.readTimeout;
  if (readTimeout !== undefined && typeof readTimeout !== "number") {
    throw new TypeError("socketOptions.readTimeout must be a Number");
  }
  const creds = o.credentials;
  if (creds && (typeof creds.username !== "string" || typeof creds.password !== "string")) {
    throw new TypeError("credentials username and password must be a string");
  }
  const ssl = o.sslOptions;
  const q = o.queryOptions ?? {};
  const core = o.pooling?.coreConnectionsPerHost?.[0];
  // The "default" profile's policies stand in for the client's, as cassandra-driver's do.
  const base = Array.isArray(o.profiles)
    ? o.profiles.find((p) => p?.name === "default")
    : undefined;
  const lbp = o.policies?.loadBalancing ?? base?.loadBalancing;
  const retry = o.policies?.retry ?? base?.retry;
  const wait = o.protocolOptions?.maxSchemaAgreementWaitSeconds;
  const out: NativeOptions = {
    contactPoints,
    localDataCenter: o.localDataCenter,
    keyspace: o.keyspace,
    credentials: creds,
    authProvider: o.authProvider ? toNativeAuthProvider(o.authProvider) : undefined,
    protocolVersion: maxVersion === undefined ? undefined : maxVersion >= 5 ? 5 : 4,
    connectTimeout: o.socketOptions?.connectTimeout,
    requestTimeout: readTimeout,
    connectionsPerHost: core,
    maxRequestsPerConnection: o.pooling?.maxRequestsPerConnection,
    heartbeatInterval: o.pooling?.heartBeatInterval,
    pageSize: q.fetchSize,
    consistency: q.consistency as ConsistencyLevel | undefined,
    serialConsistency: q.serialConsistency as ConsistencyLevel | undefined,
    maxSchemaAgreementWait: wait === undefined ? undefined : wait * 1000,
    schemaMetadata: o.isMetadataSyncEnabled,
    loadBalancing: lbp === undefined
      ? undefined
      : nativeLoadBalancing(lbp, o.localDataCenter, adapters),
    retry: retry === undefined ? undefined : nativeRetry(retry),
    ...nativeOthers(o.policies ?? {}),
  };
  if (ssl) {
    const ca = ssl.ca === undefined ? undefined : (Array.isArray(ssl.ca) ? ssl.ca : [ssl.ca]);
    out.tls = ca === undefined && !ssl.cert && !ssl.key && ssl.servername === undefined &&
        ssl.rejectUnauthorized !== false && ssl.checkServerIdentity === undefined
      ? true
      : {
        ca: ca?.map(pem),
        cert: ssl.cert === undefined ? undefined : pem(ssl.cert),
        key: ssl.key === undefined ? undefined : pem(ssl.key),
        serverName: ssl.servername,
        checkServerIdentity:
          ssl.rejectUnauthorized === false || ssl.checkServerIdentity !== undefined
            ? false
            : undefined,
      };
  }
  for (const k of Object.keys(out) as (keyof NativeOptions)[]) {
    if (out[k] === undefined) delete out[k];
  }
  return out;
}
