/**
 * Coalesces bursts of requests for the same work into one run: a node joining or a rolling
 * restart sends dozens of events in a second, and each would otherwise re-read the topology.
 *
 * @module
 */
import { unrefTimer } from "../connection/timers.ts";

/**
 * Runs `work` once `quietMs` passed without a new {@link Coalescer.request}, or `maxDelayMs` after
 * the first request of a burst, whichever comes first. A request made while `work` runs starts
 * the next burst. Errors of `work` go to `onError`.
 */
export class Coalescer {
  readonly #work: () => Promise<void>;
  readonly #onError: (e: unknown) => void;
  readonly #quietMs: number;
  readonly #maxDelayMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #firstAt = 0;
  #running: Promise<void> | null = null;
  #again = false;
  #closed = false;
  /** How many times `work` ran. */
  runs = 0;

  /** A coalescer of `work`. */
  constructor(
    work: () => Promise<void>,
    onError: (e: unknown) => void,
    quietMs = 100,
    maxDelayMs = 1_000,
  ) {
    this.#work = work;
    this.#onError = onError;
    this.#quietMs = quietMs;
    this.#maxDelayMs = maxDelayMs;
  }

  /** Asks for a run. */
  request(): void {
    if (this.#closed) return;
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    const now = Date.now();
    if (this.#timer === undefined) this.#firstAt = now;
    else clearTimeout(this.#timer);
    const delay = Math.min(this.#quietMs, this.#firstAt + this.#maxDelayMs - now);
    this.#timer = setTimeout(() => this.#run(), Math.max(0, delay));
    unrefTimer(this.#timer);
  }

  #run(): void {
    this.#timer = undefined;
    this.runs++;
    this.#running = this.#work().catch(this.#onError).finally(() => {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        this.request();
      }
    });
  }

  /** Waits for a run in progress (tests, and `close`). */
  async settled(): Promise<void> {
    await this.#running;
  }

  /** Stops: pending requests are dropped. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
