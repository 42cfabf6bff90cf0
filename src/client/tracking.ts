/**
 * Reporting requests to the `requestTracker`: what the executor does for each request only when
 * a tracker is set (see {@link Executor.run}). It records every attempt (the node, its start and
 * end, its error, whether speculative execution started it) around the request's own attempts,
 * and calls the tracker at the start and at the end.
 *
 * @module
 */
import { AbortError } from "../errors.ts";
import { consistencyName } from "../protocol/consistency.ts";
import type { ConsistencyLevel } from "../protocol/requests.ts";
import type { HostInfo, RequestInfo } from "./policies/load-balancing.ts";
import { ResultSet } from "./result-set.ts";
import type { Attempt } from "./execution.ts";
import type { AttemptRecord, RequestOutcome, RequestTracker, TrackedRequest } from "./tracker.ts";

/**
 * Marks the options of the driver's own requests (the schema metadata's reads), which a
 * tracker, being the application's view of its requests, is not told about.
 */
export const UNTRACKED: unique symbol = Symbol("untracked");

/** `options`, marked {@link UNTRACKED}. */
export function untracked<O extends object>(options: O): O {
  return Object.assign(options, { [UNTRACKED]: true });
}

/** What a request is, as the executor is told it: a statement's text or a batch's statements. */
export type Statement = string | readonly { readonly query: string }[];

/** What tracking reads of a request's options. */
export interface TrackedOptions {
  readonly idempotent?: boolean;
  readonly consistency?: ConsistencyLevel;
  readonly pageSize?: number;
}

interface OpenAttempt {
  readonly host: HostInfo;
  readonly startTime: number;
  endTime: number;
  error: Error | undefined;
  readonly speculative: boolean;
}

const now = () => performance.timeOrigin + performance.now();

const nameOf = (c: ConsistencyLevel): string => typeof c === "number" ? consistencyName(c) : c;

/** Calls a tracker hook; a hook that throws must not fail the request it observes. */
function call(hook: () => void): void {
  try {
    hook();
  } catch {
    // Dropped, as the tracker's contract says.
  }
}

/** The executor's side of the `requestTracker` option. */
export class Tracking {
  readonly #tracker: RequestTracker;
  readonly #consistency: ConsistencyLevel;
  readonly #pageSize: number;
  readonly #hosts: () => readonly HostInfo[];

  /** Tracking for `tracker`, with the client's default consistency and page size. */
  constructor(
    tracker: RequestTracker,
    defaults: { consistency: ConsistencyLevel; pageSize: number },
    hosts: () => readonly HostInfo[],
  ) {
    this.#tracker = tracker;
    this.#consistency = defaults.consistency;
    this.#pageSize = defaults.pageSize;
    this.#hosts = hosts;
  }

  /** Runs `run` with an attempt that records each try of `attempt`, and reports the request. */
  track<T>(
    info: RequestInfo,
    options: TrackedOptions,
    statement: Statement,
    attempt: Attempt<T>,
    run: (attempt: Attempt<T>) => Promise<T>,
  ): Promise<T> {
    const batch = typeof statement !== "string";
    const started = performance.now();
    const request: TrackedRequest = {
      kind: batch ? "batch" : "query",
      query: batch ? statement.map((s) => s.query).join("; ") : statement,
      batchSize: batch ? statement.length : undefined,
      keyspace: info.keyspace,
      consistency: nameOf(options.consistency ?? this.#consistency),
      pageSize: batch ? undefined : options.pageSize ?? this.#pageSize,
      idempotent: options.idempotent ?? false,
      startTime: performance.timeOrigin + started,
    };
    const tracker = this.#tracker;
    if (tracker.onStart !== undefined) call(() => tracker.onStart!(request));
    const attempts: OpenAttempt[] = [];
    let running = 0;
    let answered: OpenAttempt | undefined;
    const recording: Attempt<T> = (conn, onFailure) => {
      const record: OpenAttempt = {
        host: this.#host(conn.address),
        startTime: now(),
        endTime: NaN,
        error: undefined,
        // A retry starts after its predecessor failed; only speculative execution overlaps.
        speculative: running > 0,
      };
      attempts.push(record);
      running++;
      let p: Promise<T>;
      try {
        p = attempt(conn);
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(
        () => {
          running--;
          record.endTime = now();
          answered ??= record;
        },
        (e) => {
          running--;
          record.endTime = now();
          record.error = e instanceof Error ? e : new Error(String(e));
        },
      );
      return onFailure === undefined ? p : p.catch(onFailure);
    };
    const outcome = (result: unknown, failed: boolean): RequestOutcome => {
      const end = now();
      const records: AttemptRecord[] = attempts.map((a) => {
        // Tries still running lost to the answer (speculative executions); so did aborted ones.
        const cancelled = Number.isNaN(a.endTime) || (!failed && a.error instanceof AbortError);
        return {
          host: a.host,
          startTime: a.startTime,
          endTime: Number.isNaN(a.endTime) ? end : a.endTime,
          error: cancelled ? undefined : a.error,
          speculative: a.speculative,
        };
      });
      return {
        host: (failed ? attempts.at(-1) : answered ?? attempts.at(-1))?.host,
        latencyMs: performance.now() - started,
        attempts: records,
        speculativeExecutions: attempts.reduce((n, a) => a.speculative ? n + 1 : n, 0),
        // Only a rows result has columns: an INSERT's answer returns no rows, not zero rows.
        rows: !failed && result instanceof ResultSet && result.columns.length > 0
          ? ResultSet.rowCount(result as ResultSet<unknown>)
          : undefined,
      };
    };
    const p = run(recording);
    p.then(
      (result) => {
        if (tracker.onSuccess !== undefined) {
          const out = outcome(result, false);
          call(() => tracker.onSuccess!(request, out));
        }
      },
      (e) => {
        if (tracker.onError !== undefined) {
          const out = outcome(undefined, true);
          const error = e instanceof Error ? e : new Error(String(e));
          call(() => tracker.onError!(request, error, out));
        }
      },
    );
    return p;
  }

  #host(address: string): HostInfo {
    for (const h of this.#hosts()) if (h.address === address) return h;
    // A node the plan no longer lists (removed meanwhile): its address is what is known.
    return { address, datacenter: undefined, rack: undefined, isUp: false, inFlight: 0 };
  }
}
