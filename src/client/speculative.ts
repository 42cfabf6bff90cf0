/**
 * Speculative execution: when an idempotent request has no answer after a delay, the same
 * request starts on the next node of its plan, and the first answer wins. A node that stalls
 * (a GC pause, a full disk, SIGSTOP) then costs a request the delay, not its timeout.
 *
 * @module
 */

/**
 * When to start another execution: after a fixed `delay` (milliseconds), or after the
 * `percentile` (e.g. 99) of the latencies of recent requests that ran with speculative
 * execution, as scylla-rust-driver's percentile policy does. At most `maxExecutions`
 * executions in all, the first one included.
 */
export type SpeculativeExecutionOptions =
  | { readonly delay: number; readonly maxExecutions: number }
  | { readonly percentile: number; readonly maxExecutions: number };

/** Recent latencies kept for the percentile. */
const WINDOW = 1024;
/** The percentile is recomputed after this many new samples. */
const RECOMPUTE_EVERY = 64;

/** The delay before each further execution, from the options and what was measured. */
export class SpeculativeDelay {
  /** Executions in all, the first one included. */
  readonly maxExecutions: number;
  readonly #fixed: number | undefined;
  readonly #percentile: number | undefined;
  readonly #samples = new Float64Array(WINDOW);
  #count = 0;
  #sinceCompute = 0;
  #current = 0;

  /** Validates the options; throws TypeError naming what is wrong. */
  constructor(options: SpeculativeExecutionOptions) {
    const o = options as { delay?: unknown; percentile?: unknown; maxExecutions?: unknown };
    if (!Number.isInteger(o.maxExecutions) || (o.maxExecutions as number) < 1) {
      throw new TypeError(`speculativeExecution.maxExecutions must be an integer >= 1`);
    }
    this.maxExecutions = o.maxExecutions as number;
    if (o.delay !== undefined) {
      if (typeof o.delay !== "number" || !(o.delay >= 0)) {
        throw new TypeError(`speculativeExecution.delay must be a number of ms >= 0`);
      }
      this.#fixed = o.delay;
    } else if (typeof o.percentile === "number" && o.percentile > 0 && o.percentile < 100) {
      this.#percentile = o.percentile;
    } else {
      throw new TypeError("speculativeExecution needs a delay (ms) or a percentile in (0, 100)");
    }
  }

  /** True when the delay comes from measured latencies. */
  get measures(): boolean {
    return this.#percentile !== undefined;
  }

  /** Milliseconds to wait before the next execution. */
  delay(): number {
    if (this.#fixed !== undefined) return this.#fixed;
    if (this.#sinceCompute >= RECOMPUTE_EVERY || (this.#current === 0 && this.#count > 0)) {
      this.#compute();
    }
    // Until something was measured, speculate after a conservative second.
    return this.#count === 0 ? 1_000 : this.#current;
  }

  /** Records the latency of a request that ran with speculative execution. */
  record(ms: number): void {
    this.#samples[this.#count % WINDOW] = ms;
    this.#count++;
    this.#sinceCompute++;
  }

  #compute(): void {
    const n = Math.min(this.#count, WINDOW);
    const sorted = this.#samples.slice(0, n).sort();
    const i = Math.min(n - 1, Math.floor((this.#percentile! / 100) * n));
    this.#current = sorted[i];
    this.#sinceCompute = 0;
  }
}
