/**
 * The `unset` marker for bound values.
 *
 * @module
 */

/**
 * Marks a bound value as not set (protocol v4+): the column keeps its current value instead of
 * being overwritten with null, and no tombstone is written. A registered symbol, so copies of
 * the driver loaded twice still agree on it.
 *
 * @example
 * ```ts
 * await client.execute("UPDATE t SET a = ?, b = ? WHERE k = ?", [1, unset, "key"]);
 * ```
 */
export const unset: unique symbol = Symbol.for("@cql/driver.unset");

/** The type of {@link unset}. */
export type Unset = typeof unset;
