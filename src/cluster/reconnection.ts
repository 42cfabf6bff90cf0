/**
 * Reconnection policies: how long to wait between attempts to reach a node that is down (and to
 * re-open a lost control connection).
 *
 * @module
 */

/**
 * Makes one schedule of delays per outage: a node that goes down gets a fresh schedule, whose
 * `next()` gives the milliseconds to wait before each attempt.
 *
 * @example
 * ```ts
 * import type { ReconnectionPolicy } from "@cql/driver";
 * // Every 500 ms, for ever.
 * const eager: ReconnectionPolicy = {
 *   newSchedule: () => ({ next: () => 500 }),
 * };
 * ```
 */
export interface ReconnectionPolicy {
  /** A new schedule, started when a node is found down. */
  newSchedule(): ReconnectionSchedule;
}

/** The delays of one outage, one per attempt. */
export interface ReconnectionSchedule {
  /** Milliseconds to wait before the next attempt. */
  next(): number;
}

/**
 * Exponential backoff with full jitter: attempt n waits a random time between 0 and
 * `min(maxDelay, baseDelay * 2^n)`. Jitter keeps many clients that lost the same node from
 * reconnecting in lockstep when it returns.
 */
export class ExponentialReconnectionPolicy implements ReconnectionPolicy {
  /** Milliseconds: the cap of the first delay. */
  readonly baseDelay: number;
  /** Milliseconds: the largest delay. */
  readonly maxDelay: number;

  /** Defaults: 1 s base, 60 s max. */
  constructor(baseDelay = 1_000, maxDelay = 60_000) {
    if (!(baseDelay > 0) || !(maxDelay >= baseDelay)) {
      throw new TypeError(
        `ExponentialReconnectionPolicy needs 0 < baseDelay <= maxDelay: ${baseDelay}, ${maxDelay}`,
      );
    }
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  /** A schedule whose caps double from `baseDelay` up to `maxDelay`. */
  newSchedule(): ReconnectionSchedule {
    const { baseDelay, maxDelay } = this;
    let cap = baseDelay;
    return {
      next() {
        const d = Math.random() * cap;
        cap = Math.min(cap * 2, maxDelay);
        return Math.round(d);
      },
    };
  }
}

/** The same delay before every attempt. */
export class ConstantReconnectionPolicy implements ReconnectionPolicy {
  /** Milliseconds between attempts. */
  readonly delay: number;

  /** `delay` in milliseconds. */
  constructor(delay: number) {
    if (!(delay >= 0) || !Number.isFinite(delay)) {
      throw new TypeError(`ConstantReconnectionPolicy needs a delay >= 0: ${delay}`);
    }
    this.delay = delay;
  }

  /** Every delay is `delay`. */
  newSchedule(): ReconnectionSchedule {
    const delay = this.delay;
    return { next: () => delay };
  }
}
