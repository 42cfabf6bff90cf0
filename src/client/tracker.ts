/**
 * The request tracker: the Client's hook for observing requests (`requestTracker` option), which
 * the OpenTelemetry entry (`@cql/driver/otel`) and the slow-query logger are built on. A tracker
 * sees each request start and end, with every attempt it took (retries, speculative executions)
 * and the node that answered; never a bound value.
 *
 * @module
 */
import type { HostInfo } from "./policies/load-balancing.ts";

/** A request, as a tracker sees it. The same object is passed to every hook of one request. */
export interface TrackedRequest {
  /** `query` for `execute`, `stream` and each page they fetch; `batch` for `batch`. */
  readonly kind: "query" | "batch";
  /** The statement text, with its bind markers (never the values); a batch's, joined by `; `. */
  readonly query: string;
  /** Statements in a batch (absent for a query). */
  readonly batchSize?: number;
  /** The keyspace the request runs in, when known. */
  readonly keyspace: string | undefined;
  /** Its consistency level's name, e.g. `"LOCAL_QUORUM"`. */
  readonly consistency: string;
  /** Rows per page asked for (queries). */
  readonly pageSize: number | undefined;
  /** Whether the request may be run more than once. */
  readonly idempotent: boolean;
  /** When it started, in ms since the epoch (`performance.timeOrigin + performance.now()`). */
  readonly startTime: number;
}

/** One try of a request on one node. */
export interface AttemptRecord {
  /** The node tried. */
  readonly host: HostInfo;
  /** When the try started and ended, in ms since the epoch. */
  readonly startTime: number;
  /** When it ended (the answer, the error, or the moment another try's answer won). */
  readonly endTime: number;
  /** Why it failed; absent for the try that answered and for tries cancelled by it. */
  readonly error?: Error;
  /** Started by speculative execution, alongside an earlier try. */
  readonly speculative: boolean;
}

/** How a request ended. */
export interface RequestOutcome {
  /** The node whose answer (or last error) ended the request, if any was reached. */
  readonly host: HostInfo | undefined;
  /** From start to end, in ms. */
  readonly latencyMs: number;
  /** Every try, in the order they started. */
  readonly attempts: readonly AttemptRecord[];
  /** Speculative executions started. */
  readonly speculativeExecutions: number;
  /** Rows in the answer (its first page), for a successful query. */
  readonly rows?: number;
}

/**
 * Observes requests: called at their start and end. Hooks run synchronously on the request's
 * path, so they should be quick; an exception thrown by one is caught and dropped.
 *
 * @example
 * ```ts
 * import type { RequestTracker } from "@cql/driver";
 * const slow: RequestTracker = {
 *   onSuccess: (req, out) => {
 *     if (out.latencyMs > 500) console.warn(`slow (${out.latencyMs} ms): ${req.query}`);
 *   },
 * };
 * ```
 */
export interface RequestTracker {
  /** A request begins (before its first attempt). */
  onStart?(request: TrackedRequest): void;
  /** A request was answered. */
  onSuccess?(request: TrackedRequest, outcome: RequestOutcome): void;
  /** A request failed (after every retry the policy allowed). */
  onError?(request: TrackedRequest, error: Error, outcome: RequestOutcome): void;
}

/** Options of {@link slowQueryLogger}. */
export interface SlowQueryLoggerOptions {
  /** Requests slower than this (ms) are logged. Default 500. */
  readonly thresholdMs?: number;
  /** Where lines go. Default `console.warn`. */
  readonly log?: (line: string) => void;
}

/**
 * A tracker that logs requests slower than a threshold, answered or failed: their latency, the
 * node that answered, the tries, and the statement text (never its values).
 *
 * @example
 * ```ts ignore
 * const client = new Client({ contactPoints, requestTracker: slowQueryLogger({ thresholdMs: 200 }) });
 * ```
 */
export function slowQueryLogger(options: SlowQueryLoggerOptions = {}): RequestTracker {
  const threshold = options.thresholdMs ?? 500;
  const log = options.log ?? ((line: string) => console.warn(line));
  const line = (req: TrackedRequest, out: RequestOutcome, error?: Error) =>
    `slow ${req.kind} (${out.latencyMs.toFixed(0)} ms, ${out.attempts.length} attempt(s)` +
    `${out.host ? ` on ${out.host.address}` : ""}${error ? `, failed: ${error.name}` : ""}): ` +
    req.query;
  return {
    onSuccess: (req, out) => {
      if (out.latencyMs >= threshold) log(line(req, out));
    },
    onError: (req, error, out) => {
      if (out.latencyMs >= threshold) log(line(req, out, error));
    },
  };
}

/**
 * One tracker that calls each of `trackers` in turn; one that throws does not keep the others
 * from being called.
 */
export function combineTrackers(...trackers: RequestTracker[]): RequestTracker {
  const each = (call: (t: RequestTracker) => void) => {
    for (const t of trackers) {
      try {
        call(t);
      } catch {
        // Dropped, as a single tracker's would be.
      }
    }
  };
  return {
    onStart: (req) => each((t) => t.onStart?.(req)),
    onSuccess: (req, out) => each((t) => t.onSuccess?.(req, out)),
    onError: (req, error, out) => each((t) => t.onError?.(req, error, out)),
  };
}
