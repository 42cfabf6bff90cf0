/**
 * `@cql/driver/compat`: cassandra-driver's API on top of the native driver. Change the import,
 * keep the code.
 *
 * @example
 * ```ts ignore
 * import cassandra from "@cql/driver/compat";
 * const client = new cassandra.Client({
 *   contactPoints: ["127.0.0.1"],
 *   localDataCenter: "datacenter1",
 * });
 * const rs = await client.execute("SELECT release_version FROM system.local");
 * console.log(rs.first().release_version);
 * await client.shutdown();
 * ```
 *
 * @module
 */
import * as typesNs from "./types/mod.ts";
import * as errorsNs from "./errors.ts";
import * as authNs from "./auth.ts";
import * as policiesNs from "./policies/mod.ts";
import { Client } from "./client.ts";
import { Host, HostMap } from "./hosts.ts";
import { EventEmitter } from "./events.ts";
import * as lbNs from "./policies/load-balancing.ts";
import * as retryNs from "./policies/retry.ts";
import { nameClasses } from "./names.ts";

for (
  const ns of [typesNs, errorsNs, authNs, lbNs, retryNs, { Client, Host, HostMap, EventEmitter }]
) {
  nameClasses(ns);
}

export * as types from "./types/mod.ts";
export * as errors from "./errors.ts";
export * as auth from "./auth.ts";
export * as policies from "./policies/mod.ts";

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

/** Everything, as cassandra-driver's module object (`import cassandra from ...`). */
const cassandra: {
  Client: typeof Client;
  types: typeof typesNs;
  errors: typeof errorsNs;
  auth: typeof authNs;
  policies: typeof policiesNs;
  version: string;
} = { Client, types: typesNs, errors: errorsNs, auth: authNs, policies: policiesNs, version };
export default cassandra;
