/**
 * The compat client's side of `requestTracker` and `metrics`: a native request tracker that
 * replays each request's attempts as cassandra-driver reports them, one call per response
 * (errors, retries, ignored errors, speculative executions), with the statement and parameters
 * the compat client started the request with.
 *
 * @module
 */
import type { HostInfo } from "../client/policies/load-balancing.ts";
import type {
  AttemptRecord,
  RequestOutcome,
  RequestTracker as NativeTracker,
  TrackedRequest,
} from "../client/tracker.ts";
import type { ExecuteOptions } from "../client/request-options.ts";
import { Consistency } from "../protocol/consistency.ts";
import { ConnectionError, RequestTimeoutError } from "../errors.ts";
import {
  ReadTimeoutError,
  ResponseError as NativeResponseError,
  UnavailableError,
  WriteTimeoutError,
} from "../protocol/server-errors.ts";
import { toCompatError } from "./errors.ts";
import type { Host } from "./hosts.ts";
import type { ClientMetrics } from "./metrics.ts";
import { ignoredErrors } from "./policies/custom.ts";
import type {
  Latency,
  RequestTracker,
  TrackedExecutionOptions,
  TrackedQueries,
} from "./tracker.ts";

const CL_CODE: Readonly<Record<string, number>> = Consistency;

/** The request options a tracker reads, over the compat client's resolved ones. */
export class ExecutionOptionsView implements TrackedExecutionOptions {
  readonly #prepared: boolean;
  readonly #batch: "logged" | "unlogged" | "counter" | undefined;
  readonly #native: ExecuteOptions;

  /** The view of one request. */
  constructor(
    prepared: boolean,
    batch: "logged" | "unlogged" | "counter" | undefined,
    native: ExecuteOptions,
  ) {
    this.#prepared = prepared;
    this.#batch = batch;
    this.#native = native;
  }
  /** Whether the statement was prepared. */
  isPrepared(): boolean {
    return this.#prepared;
  }
  /** Whether a batch is logged. */
  isBatchLogged(): boolean {
    return this.#batch === "logged";
  }
  /** Whether a batch is a counter batch. */
  isBatchCounter(): boolean {
    return this.#batch === "counter";
  }
  /** Whether the statement may be retried. */
  isIdempotent(): boolean {
    return !!this.#native.idempotent;
  }
  /** The consistency code, when set. */
  getConsistency(): number | undefined {
    const c = this.#native.consistency;
    return typeof c === "string" ? CL_CODE[c] : c;
  }
  /** Rows per page, when set. */
  getFetchSize(): number | undefined {
    return this.#native.pageSize;
  }
  /** The keyspace named by the request, if any. */
  getKeyspace(): string | undefined {
    return this.#native.keyspace;
  }
}

/** What the compat client started a request with. */
export interface RequestContext {
  /** The statement, or a batch's statements. */
  readonly query: string | TrackedQueries;
  /** The parameters as given (null for a batch). */
  readonly params: unknown[] | Record<string, unknown> | null | undefined;
  /** The request's options. */
  readonly options: TrackedExecutionOptions;
}

function latencyOf(ms: number): Latency {
  const s = Math.floor(ms / 1000);
  return [s, Math.round((ms - s * 1000) * 1e6)];
}

/** Reports requests to a cassandra-driver tracker and metrics. */
export class RequestReporter {
  readonly #tracker: RequestTracker | undefined;
  readonly #metrics: ClientMetrics;
  readonly #hostOf: (h: HostInfo) => Host;
  readonly #contexts = new WeakMap<TrackedRequest, RequestContext>();
  #next: RequestContext | undefined;

  /** A reporter to `tracker` (if any) and `metrics`; `hostOf` gives the compat host. */
  constructor(
    tracker: RequestTracker | undefined,
    metrics: ClientMetrics,
    hostOf: (h: HostInfo) => Host,
  ) {
    this.#tracker = tracker;
    this.#metrics = metrics;
    this.#hostOf = hostOf;
  }

  /**
   * Starts a native request with `context` as what it is: the native tracker's `onStart` runs
   * synchronously inside `run`, and keeps the context for the request's end.
   */
  start<T>(context: RequestContext, run: () => Promise<T>): Promise<T> {
    this.#next = context;
    try {
      return run();
    } finally {
      this.#next = undefined;
    }
  }

  /** The native tracker to give the native client. */
  native(): NativeTracker {
    return {
      onStart: (req) => {
        if (this.#next !== undefined) this.#contexts.set(req, this.#next);
      },
      onSuccess: (req, out) => this.#report(req, out, false),
      onError: (req, _e, out) => this.#report(req, out, true),
    };
  }

  #report(req: TrackedRequest, out: RequestOutcome, failed: boolean): void {
    const ctx = this.#contexts.get(req) ?? {
      query: req.query,
      params: null,
      options: new ExecutionOptionsView(false, undefined, {}),
    };
    const attempts = out.attempts;
    let answered = false;
    for (let i = 0; i < attempts.length; i++) {
      const a = attempts[i];
      if (a.speculative) this.#metrics.onSpeculativeExecution();
      if (a.error === undefined) {
        // Tries that lost to the answer were cancelled: cassandra-driver reports no response.
        if (failed || answered || a.host !== out.host) continue;
        answered = true;
        this.#success(a, ctx);
      } else {
        this.#error(a, a.error, ctx, i < attempts.length - 1);
      }
    }
  }

  #success(a: AttemptRecord, ctx: RequestContext): void {
    const latency = latencyOf(a.endTime - a.startTime);
    this.#metrics.onSuccessfulResponse(latency);
    this.#metrics.onResponse(latency);
    this.#tracker?.onSuccess(
      this.#hostOf(a.host),
      ctx.query,
      ctx.params,
      ctx.options,
      0,
      0,
      latency,
    );
  }

  #error(a: AttemptRecord, native: Error, ctx: RequestContext, retried: boolean): void {
    const m = this.#metrics;
    const latency = latencyOf(a.endTime - a.startTime);
    const e = toCompatError(native);
    if (native instanceof ReadTimeoutError) m.onReadTimeoutError(e);
    else if (native instanceof WriteTimeoutError) m.onWriteTimeoutError(e);
    else if (native instanceof UnavailableError) m.onUnavailableError(e);
    else if (native instanceof RequestTimeoutError) m.onClientTimeoutError(e);
    else if (native instanceof ConnectionError) m.onConnectionError(e);
    else m.onOtherError(e);
    if (native instanceof NativeResponseError) m.onResponse(latency);
    this.#tracker?.onError(this.#hostOf(a.host), ctx.query, ctx.params, ctx.options, 0, e, latency);
    if (ignoredErrors.has(native)) m.onIgnoreError(e);
    else if (retried) {
      if (native instanceof ReadTimeoutError) m.onReadTimeoutRetry(e);
      else if (native instanceof WriteTimeoutError) m.onWriteTimeoutRetry(e);
      else if (native instanceof UnavailableError) m.onUnavailableRetry(e);
      else if (native instanceof RequestTimeoutError) m.onClientTimeoutRetry(e);
      else m.onOtherErrorRetry(e);
    }
  }
}
