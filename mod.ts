/**
 * cql: an Apache Cassandra and ScyllaDB driver for Deno, Bun, Node and edge runtimes.
 *
 * @example
 * ```ts ignore
 * import { Client } from "@cql/driver";
 *
 * const client = new Client({ contactPoints: ["127.0.0.1"], localDataCenter: "datacenter1" });
 * const rs = await client.execute("SELECT release_version FROM system.local");
 * console.log(rs.first()?.release_version);
 * for await (const row of client.stream("SELECT * FROM ks.events WHERE day = ?", ["2026-11-25"])) {
 *   console.log(row);
 * }
 * await client.close();
 * ```
 *
 * @module
 */
export { Client } from "./src/client/client.ts";
export type { BatchOptions, BatchQuery, ExecuteOptions } from "./src/client/request-options.ts";
export { type ClientOptions, type ClientTlsOptions } from "./src/client/options.ts";
export { type ExecutionInfo, type PageFetcher, ResultSet } from "./src/client/result-set.ts";
export type { AddressTranslator, Endpoint } from "./src/cluster/address-translator.ts";
export type { ClientEventName, ClientEvents } from "./src/cluster/events.ts";
export type { LogEntry, LogLevel } from "./src/cluster/log.ts";
export {
  ConstantReconnectionPolicy,
  ExponentialReconnectionPolicy,
  type ReconnectionPolicy,
  type ReconnectionSchedule,
} from "./src/cluster/reconnection.ts";
export type { Params } from "./src/client/values.ts";
export {
  type HostInfo,
  type LoadBalancingPolicy,
  type RequestInfo,
  RoundRobinPolicy,
} from "./src/client/policies/load-balancing.ts";
export type { SpeculativeExecutionOptions } from "./src/client/speculative.ts";
export {
  type AttemptRecord,
  combineTrackers,
  type RequestOutcome,
  type RequestTracker,
  slowQueryLogger,
  type SlowQueryLoggerOptions,
  type TrackedRequest,
} from "./src/client/tracker.ts";
export { Metadata, type TokenRangeInfo } from "./src/client/metadata.ts";
export type * from "./src/metadata/model.ts";
export {
  type FetchTraceOptions,
  type QueryTrace,
  type TraceEvent,
  TraceNotReadyError,
} from "./src/metadata/trace.ts";
export {
  describeKeyspace,
  describeTable,
  describeUserType,
  describeView,
} from "./src/metadata/describe.ts";
export { defaultLoadBalancingPolicy, TokenAwarePolicy } from "./src/client/policies/token-aware.ts";
export { AllowListPolicy } from "./src/client/policies/allow-list.ts";
export {
  DefaultRetryPolicy,
  type RetryContext,
  type RetryDecision,
  type RetryPolicy,
} from "./src/client/policies/retry.ts";
export {
  type Authenticator,
  type AuthProvider,
  PlainTextAuthProvider,
} from "./src/connection/auth.ts";
export {
  AbortError,
  BusyConnectionError,
  ClosedError,
  ConnectionError,
  NoHostAvailableError,
  RequestTimeoutError,
} from "./src/errors.ts";
export { ProtocolError } from "./src/protocol/errors.ts";
export {
  AlreadyExistsError,
  AuthenticationError,
  CasWriteUnknownError,
  CdcWriteFailureError,
  ConfigError,
  CqlSyntaxError,
  ErrorCode,
  FunctionFailureError,
  InvalidQueryError,
  IsBootstrappingError,
  OverloadedError,
  ReadFailureError,
  ReadTimeoutError,
  ResponseError,
  ServerError,
  ServerProtocolError,
  TruncateError,
  UnauthorizedError,
  UnavailableError,
  UnpreparedError,
  WriteFailureError,
  WriteTimeoutError,
} from "./src/protocol/server-errors.ts";
export type { SchemaChange } from "./src/protocol/responses.ts";
export { Consistency, type ConsistencyName } from "./src/protocol/consistency.ts";
export type { ConsistencyLevel } from "./src/protocol/requests.ts";
export type {
  CollectionType,
  ColumnSpec,
  CustomType,
  DataType,
  MapType,
  PrimitiveType,
  PrimitiveTypeName,
  TupleType,
  UdtType,
  VectorType,
} from "./src/protocol/types/datatype.ts";
export type { Row } from "./src/protocol/types/row-decoder.ts";
export { type Unset, unset } from "./src/protocol/types/unset.ts";
export { Decimal } from "./src/protocol/types/decimal.ts";
export { LocalDate } from "./src/protocol/types/local-date.ts";
export { LocalTime } from "./src/protocol/types/local-time.ts";
export { Duration } from "./src/protocol/types/duration.ts";
export {
  isUuid,
  randomUuid,
  timeuuid,
  type TimeuuidOptions,
  timeuuidToDate,
} from "./src/protocol/types/uuid.ts";
export type {
  ConnectOptions,
  Socket,
  SocketHandlers,
  TlsOptions,
  Transport,
} from "./src/transport/types.ts";
export { TransportError, type TransportErrorKind } from "./src/transport/errors.ts";
