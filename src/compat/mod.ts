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
export * from "./api.ts";
export * as mapping from "./mapping/mod.ts";
import * as cassandra from "./api.ts";

/**
 * Everything, as cassandra-driver's module object (`import cassandra from ...`): a namespace,
 * so that `cassandra.Host` and the like also name types.
 */
export default cassandra;
