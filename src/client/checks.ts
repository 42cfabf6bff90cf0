/**
 * Checks of what callers pass to `execute`, `stream` and `batch`: bad arguments are a TypeError
 * at the call, before anything is sent.
 *
 * @module
 */
import type { BatchOptions, ExecuteOptions } from "./request-options.ts";

/** Throws a TypeError unless `query` is a non-empty string. */
export function checkQuery(query: unknown): asserts query is string {
  if (typeof query !== "string" || query.trim() === "") {
    throw new TypeError(`query must be a non-empty string, got ${JSON.stringify(query)}`);
  }
}

/** Throws a TypeError naming the first bad option. */
export function checkOptions(o: ExecuteOptions | BatchOptions): void {
  if (o === null || typeof o !== "object") throw new TypeError("options must be an object");
  const e = o as ExecuteOptions;
  if (e.pageSize !== undefined && (!Number.isInteger(e.pageSize) || e.pageSize < 1)) {
    throw new TypeError(`pageSize must be a positive integer: ${e.pageSize}`);
  }
  if (e.timestamp !== undefined && typeof e.timestamp !== "bigint") {
    throw new TypeError("timestamp must be a bigint (microseconds since the epoch)");
  }
  if (e.timeout !== undefined && (!Number.isInteger(e.timeout) || e.timeout < 0)) {
    throw new TypeError(`timeout must be a non-negative integer (ms): ${e.timeout}`);
  }
  if (e.loadBalancing !== undefined && typeof e.loadBalancing?.newQueryPlan !== "function") {
    throw new TypeError("loadBalancing must be a LoadBalancingPolicy (with newQueryPlan)");
  }
  if (e.retry !== undefined && typeof e.retry?.decide !== "function") {
    throw new TypeError("retry must be a RetryPolicy (with decide)");
  }
}

/** Quotes a keyspace name for `USE` unless it is a plain lower-case identifier. */
export function quoteIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}
