/**
 * Running one request over a query plan: the first ready node is tried without an async frame,
 * then the retry policy decides, failure after failure, whether to try the same node again, the
 * next one, or give up.
 *
 * @module
 */
import type { Connection } from "../connection/connection.ts";
import type { Host } from "../cluster/host.ts";
import {
  AbortError,
  BusyConnectionError,
  ClosedError,
  ConnectionError,
  NoHostAvailableError,
  throwIfAborted,
} from "../errors.ts";
import { AuthenticationError, ResponseError } from "../protocol/server-errors.ts";
import type { LoadBalancingPolicy, RequestInfo } from "./policies/load-balancing.ts";
import type { RetryPolicy } from "./policies/retry.ts";
import { ResultSet } from "./result-set.ts";
import { abortable, anySignal } from "./signals.ts";
import { Refusals } from "./busy.ts";
import type { SpeculativeDelay } from "./speculative.ts";
import { type Statement, type TrackedOptions, type Tracking, UNTRACKED } from "./tracking.ts";

/**
 * One try of a request on one connection. With `onFailure` (the first try, see
 * {@link Executor.run}), every failure must end in it: the promise then settles as `onFailure`'s
 * does.
 */
export type Attempt<T> = (
  conn: Connection,
  onFailure?: (error: unknown) => Promise<T>,
) => Promise<T>;

/** What the retry loop (and the tracker) reads of a request's options. */
interface RunOptions extends TrackedOptions {
  readonly signal?: AbortSignal;
  readonly idempotent?: boolean;
  readonly loadBalancing?: LoadBalancingPolicy;
  readonly retry?: RetryPolicy;
}

/** Runs requests on the nodes of the client's cluster. */
export class Executor {
  /** True once the client connected; requests before that connect first. */
  connected = false;
  /** True once the client closed: requests are refused. */
  closed = false;
  /**
   * Requests on a slow path (a retry, a statement still to prepare, a connection still to
   * open): they may send after `close()` was called, so close waits for them (see `drain`).
   * Requests of the fast path are on a connection already, which waits for them itself.
   */
  #slow = 0;
  #drained: (() => void)[] = [];
  lbp: LoadBalancingPolicy;
  /** Speculative execution for idempotent requests, when configured. */
  speculative: SpeculativeDelay | undefined;
  /** The `requestTracker`'s reporting, when one is set. */
  tracking: Tracking | undefined;
  readonly #retry: RetryPolicy;
  readonly #refusals = new Refusals();
  readonly #hosts: () => readonly Host[];
  readonly #connect: () => Promise<void>;

  /** An executor planning over `hosts()` (the nodes that may serve). */
  constructor(
    lbp: LoadBalancingPolicy,
    retry: RetryPolicy,
    hosts: () => readonly Host[],
    connect: () => Promise<void>,
    speculative?: SpeculativeDelay,
    tracking?: Tracking,
  ) {
    this.lbp = lbp;
    this.speculative = speculative;
    this.tracking = tracking;
    this.#retry = retry;
    this.#hosts = hosts;
    this.#connect = connect;
  }

  /**
   * Runs `attempt` on the nodes of a query plan, as the retry policy decides; `statement` is
   * what a request tracker is told the request is.
   */
  run<T>(
    info: RequestInfo<Host>,
    options: RunOptions,
    attempt: Attempt<T>,
    statement?: Statement,
  ): Promise<T> {
    if (this.tracking !== undefined && statement !== undefined && !(UNTRACKED in options)) {
      return this.tracking.track(
        info,
        options,
        statement,
        attempt,
        (a) => this.#run(info, options, a),
      );
    }
    return this.#run(info, options, attempt);
  }

  #run<T>(info: RequestInfo<Host>, options: RunOptions, attempt: Attempt<T>): Promise<T> {
    if (this.speculative !== undefined && options.idempotent === true) {
      return this.#speculate(info, options, attempt, this.speculative);
    }
    // The common case (connected, nothing to abort, a ready connection on the plan's first
    // node) runs without an async frame; its failure, and every other case, take #runPlan.
    if (this.connected && !this.closed && options.signal === undefined) {
      const plan = (options.loadBalancing ?? this.lbp).newQueryPlan(this.#hosts(), info)
        [Symbol.iterator]();
      const first = plan.next();
      const conn = first.done ? undefined : first.value.ready();
      if (conn !== undefined) {
        const host = first.value;
        const onFailure = (e: unknown) =>
          this.track(this.#runPlan(info, options, attempt, { plan, host, error: e }));
        try {
          return attempt(conn, onFailure);
        } catch (e) {
          return Promise.reject(e).catch(onFailure);
        }
      }
      if (!first.done) {
        const refused = this.#refusals.check(first.value, plan);
        if (refused !== undefined) return refused;
      }
    }
    return this.track(this.#runPlan(info, options, attempt, undefined));
  }

  /** An attempt that hands its failures to `onFailure` with a `.catch` (the slower paths). */
  recovering<T>(run: (conn: Connection) => Promise<T>): Attempt<T> {
    return (conn, onFailure) => {
      const p = this.track(run(conn));
      return onFailure === undefined ? p : p.catch(onFailure);
    };
  }

  /** Counts `p` among the slow requests until it settles. */
  track<T>(p: Promise<T>): Promise<T> {
    this.#slow++;
    const done = () => {
      if (--this.#slow === 0) { for (const w of this.#drained.splice(0)) w(); }
    };
    p.then(done, done);
    return p;
  }

  /** Resolves once no slow request is left (each is bounded by its own timeouts). */
  drain(): Promise<void> {
    if (this.#slow === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** The retry loop; `from` continues a plan whose first attempt failed (see {@link run}). */
  async #runPlan<T>(
    info: RequestInfo<Host>,
    options: RunOptions,
    attempt: Attempt<T>,
    from: { plan: Iterator<Host>; host: Host; error: unknown } | undefined,
    shared?: Iterator<Host>,
  ): Promise<T> {
    const signal = options.signal;
    if (from === undefined) {
      if (this.closed) throw new ClosedError();
      throwIfAborted(signal);
      if (!this.connected) await abortable(this.#connect(), signal);
    }
    const idempotent = options.idempotent ?? false;
    const plan = from?.plan ?? shared ??
      (options.loadBalancing ?? this.lbp).newQueryPlan(this.#hosts(), info)[Symbol.iterator]();
    let host: Host | undefined = from?.host;
    let failed = from !== undefined;
    let error: unknown = from?.error;
    let errors: Map<string, Error> | undefined;
    let retries = 0;
    let last: Error | undefined;
    for (;;) {
      if (host === undefined) {
        const next = plan.next();
        if (next.done) break;
        host = next.value;
      }
      for (;;) {
        if (!failed) {
          if (this.closed) throw new ClosedError();
          throwIfAborted(signal);
          let conn = host.ready();
          if (conn === undefined) {
            try {
              conn = await host.borrow(signal);
            } catch (e) {
              // The client closed (and its pools with it) while this waited for a connection.
              if (
                this.closed && !(e instanceof ConnectionError || e instanceof BusyConnectionError)
              ) {
                throw new ClosedError();
              }
              if (e instanceof AbortError || e instanceof AuthenticationError) throw e;
              // A busy node (BusyConnectionError), like one that cannot connect: the next one.
              (errors ??= new Map()).set(host.address, e as Error);
              break;
            }
          }
          try {
            const result = await attempt(conn);
            if (errors !== undefined && result instanceof ResultSet) {
              ResultSet.recordTried(result as ResultSet<unknown>, errors);
            }
            return result;
          } catch (e) {
            error = e;
          }
        }
        failed = false;
        if (
          !(error instanceof ResponseError || error instanceof ConnectionError || isTimeout(error))
        ) {
          throw error; // aborts, bad parameters, protocol errors: retrying cannot help
        }
        const decision = (options.retry ?? this.#retry).decide({
          error: error as Error,
          idempotent,
          retries,
        });
        retries++;
        if (decision.action === "rethrow") throw error;
        (errors ??= new Map()).set(host.address, error as Error);
        last = error as Error;
        if (decision.action === "retrySameHost") continue;
        break;
      }
      host = undefined;
    }
    // The plan ran out. A server answer is more useful to the caller than "no host".
    if (last instanceof ResponseError && errors?.size === 1) throw last;
    throw new NoHostAvailableError(errors ?? new Map());
  }

  /**
   * Runs executions of the request over one shared plan: the first at once, each next one
   * when none answered within the delay (or at once when all running ones failed), at most
   * `maxExecutions`. The first success wins and the others are aborted (their stream ids wait
   * for their answers, as after a timeout); the request fails when every execution did.
   */
  #speculate<T>(
    info: RequestInfo<Host>,
    options: RunOptions,
    attempt: Attempt<T>,
    spec: SpeculativeDelay,
  ): Promise<T> {
    const plan = (options.loadBalancing ?? this.lbp).newQueryPlan(this.#hosts(), info)
      [Symbol.iterator]();
    const started = performance.now();
    return new Promise<T>((resolve, reject) => {
      const controllers: AbortController[] = [];
      let running = 0;
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = () => {
        done = true;
        if (timer !== undefined) clearTimeout(timer);
        for (const c of controllers) c.abort();
      };
      const launch = () => {
        timer = undefined;
        if (done) return;
        const ac = new AbortController();
        controllers.push(ac);
        running++;
        const signal = anySignal(options.signal, ac.signal);
        const n = controllers.length;
        this.#runPlan(info, { idempotent: true, signal }, attempt, undefined, plan).then(
          (result) => {
            if (done) return;
            finish();
            if (result instanceof ResultSet) {
              ResultSet.recordSpeculative(result as ResultSet<unknown>, controllers.length - 1);
            }
            if (spec.measures) spec.record(performance.now() - started);
            resolve(result);
          },
          (error) => {
            running--;
            if (done) return;
            // Another execution may still answer; with none running, the next one starts now.
            if (running > 0) return;
            if (controllers.length < spec.maxExecutions && !(error instanceof AbortError)) {
              if (timer !== undefined) clearTimeout(timer);
              launch();
              return;
            }
            finish();
            reject(error);
          },
        );
        if (n < spec.maxExecutions) timer = setTimeout(launch, spec.delay());
      };
      launch();
    });
  }
}

function isTimeout(e: unknown): boolean {
  return e instanceof Error && e.name === "RequestTimeoutError";
}
