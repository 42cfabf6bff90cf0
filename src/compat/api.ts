/**
 * The compat entry's named exports (see `mod.ts`, which also gives them as its default export).
 *
 * @module
 */
import * as typesNs from "./types/mod.ts";
import * as errorsNs from "./errors.ts";
import * as authNs from "./auth.ts";
import { Client } from "./client.ts";
import { Host, HostMap } from "./hosts.ts";
import { EventEmitter } from "./events.ts";
import * as lbNs from "./policies/load-balancing.ts";
import * as retryNs from "./policies/retry.ts";
import { nameClasses } from "./names.ts";
import * as trackerNs from "./tracker.ts";
import * as metricsNs from "./metrics.ts";
import * as concurrentNs from "./concurrent/mod.ts";
import * as othersNs from "./policies/others.ts";
import { ExecutionProfile } from "./profiles.ts";
import { Metadata, TokenRange } from "./metadata.ts";
import { ClientState } from "./state.ts";

for (
  const ns of [
    typesNs,
    errorsNs,
    authNs,
    lbNs,
    retryNs,
    othersNs,
    trackerNs,
    metricsNs,
    concurrentNs,
    { Client, Host, HostMap, EventEmitter, ExecutionProfile, Metadata, TokenRange, ClientState },
  ]
) {
  nameClasses(ns);
}

export * as types from "./types/mod.ts";
export * as errors from "./errors.ts";
export * as auth from "./auth.ts";
export * as policies from "./policies/mod.ts";
export * as tracker from "./tracker.ts";
export * as metrics from "./metrics.ts";
export * as concurrent from "./concurrent/mod.ts";
export { ExecutionProfile } from "./profiles.ts";
export { defaultOptions } from "./defaults.ts";
export * as metadata from "./metadata-exports.ts";
export * as token from "./token.ts";
export * as mapping from "./mapping/mod.ts";

/** The version of cassandra-driver whose API this entry follows. */
export const version = "4.10.0";

export { Client };
export type { ClientOptions, QueryOptions, SslOptions } from "./options.ts";
export type { EncodingOptions, MapConstructorLike, SetConstructorLike } from "./encoding.ts";
export type { BatchStatement, RowCallback } from "./client.ts";
export type { ExecutionOptions } from "./exec-options.ts";
export type { Callback } from "./callbacks.ts";
export type { CompatParams, TypeHint } from "./convert-in.ts";
export type { ReadableLike } from "./stream.ts";
// Also reachable through the namespaces above; named here so documentation tools see them.
export type { ColumnInfo, DataTypeInfo, Row } from "./types/row.ts";
export type { ExecutionInfo, ResultSet } from "./types/result-set.ts";
export type { Uuid } from "./types/uuid.ts";
export type { AuthCallback, Authenticator, AuthProvider } from "./auth.ts";
export type { LoadBalancingPolicy } from "./policies/load-balancing.ts";
export type { RetryPolicy } from "./policies/retry.ts";
export { EventEmitter, Host, HostMap };
export type { Listener } from "./events.ts";

/** A callback without a result, as cassandra-driver declares it. */
export type EmptyCallback = (err: Error) => void;
/** A callback with a result, as cassandra-driver declares it. */
export type ValueCallback<T> = (err: Error, val: T) => void;

// Types the classes above refer to, exported so documentation links them.
export type { Metadata } from "./metadata.ts";
export type { ClientState } from "./state.ts";
export type { ClientMetrics } from "./metrics.ts";
export type { RequestTracker } from "./tracker.ts";
export type { ExecutionProfileOptions, ProfileManager } from "./profiles.ts";
export type {
  AddressTranslator,
  ReconnectionPolicy,
  SpeculativeExecutionPolicy,
  TimestampGenerator,
} from "./policies/others.ts";
export type { HostIterator } from "./policies/load-balancing.ts";
export type { DecisionInfo, OperationInfo } from "./policies/retry.ts";
export type {
  Keyspace,
  MaterializedView,
  QueryTrace,
  SchemaTypeInfo,
  Table,
  TokenRange,
  Udt,
} from "./metadata.ts";
export type {
  Latency,
  RequestLoggerOptions,
  TrackedExecutionOptions,
  TrackedQueries,
} from "./tracker.ts";
export type { DataCollection, Murmur3Token } from "./metadata.ts";
export type { ColumnInfo as SchemaColumnInfo } from "./metadata.ts";
export type { InetAddress } from "./types/inet-address.ts";
export type { TimeUuid } from "./types/time-uuid.ts";
