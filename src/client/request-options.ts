/**
 * The options of one request: `execute`, `stream`, `pages` and `batch`.
 *
 * @module
 */
import type { ConsistencyLevel } from "../protocol/requests.ts";
import type { LoadBalancingPolicy } from "./policies/load-balancing.ts";
import type { RetryPolicy } from "./policies/retry.ts";
import type { Params } from "./values.ts";

/** Options of one `execute`, `stream` or `pages` call. */
export interface ExecuteOptions {
  /** Prepare the statement (cached) and execute it. Default: true when there are parameters. */
  prepare?: boolean;
  /** Rows per page. */
  pageSize?: number;
  /** Start at this page (from a previous result's `pagingState`). */
  pagingState?: Uint8Array;
  /** Consistency level, by name ("LOCAL_QUORUM") or code. */
  consistency?: ConsistencyLevel;
  /** Serial consistency for conditional statements ("SERIAL" or "LOCAL_SERIAL"). */
  serialConsistency?: ConsistencyLevel;
  /** Write timestamp in microseconds since the epoch. */
  timestamp?: bigint;
  /** The statement may safely run more than once (lets the retry policy try another node). */
  idempotent?: boolean;
  /** Keyspace to run in (protocol v5). */
  keyspace?: string;
  /** Cancels the request. */
  signal?: AbortSignal;
  /** Milliseconds to wait for the answer (per attempt); overrides `requestTimeout`. */
  timeout?: number;
  /** Ask the server to trace the request; the result's `tracingId` names the session. */
  tracing?: boolean;
  /**
   * The partition key as the partitioner hashes it (one column's serialized value, or the
   * composite of several), for statements the client cannot route by itself: it then sends
   * the request to a replica first. Prepared statements are routed by their bound values.
   */
  routingKey?: Uint8Array;
  /** For unprepared statements: which parameters form the partition key, in key order. */
  routingIndexes?: readonly number[];
  /** Custom payload for a server-side QueryHandler. */
  customPayload?: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;
  /**
   * The nodes to try for this request, instead of the client's `loadBalancing` (one policy per
   * kind of request, as execution profiles give them).
   */
  loadBalancing?: LoadBalancingPolicy;
  /** What to do after a failure of this request, instead of the client's `retry`. */
  retry?: RetryPolicy;
}

/** One statement of a batch: a query string, or a query with its parameters. */
export type BatchQuery = string | { query: string; params?: Params };

/** Options of `batch`. */
export interface BatchOptions extends Omit<ExecuteOptions, "pageSize" | "pagingState" | "tracing"> {
  /** "logged" (default), "unlogged" or "counter". */
  type?: "logged" | "unlogged" | "counter";
  /** Ask the server to trace the batch. */
  tracing?: boolean;
}
