/**
 * The bound on `Client.close()`: requests issued before it may finish, but for `closeTimeout`
 * milliseconds at most. Then every connection of the client (pool and control connections,
 * closing or still opening) fails what it carries with a {@link ClosedError} and closes its
 * socket, so that a stalled node cannot hold `close()` for each request's own timeout.
 *
 * @module
 */
import { ClosedError } from "../errors.ts";

/** The requests on a slow path, which close waits for first (see `Executor.drain`). */
interface Drainable {
  drain(): Promise<void>;
}

/** The connections, closed once those requests are done. */
interface Closable {
  close(): Promise<void>;
}

/** One client's close bound: a signal its connections watch, fired when the time is up. */
export class CloseBound {
  readonly #timeout: number;
  readonly #ac = new AbortController();

  /** A bound of `timeoutMs` milliseconds from the start of close; 0 for none. */
  constructor(timeoutMs: number) {
    this.#timeout = timeoutMs;
  }

  /** Fires when close may wait no longer; its reason is the error requests left get. */
  get signal(): AbortSignal {
    return this.#ac.signal;
  }

  /**
   * Waits for `connecting` and the slow requests of `exec`, then closes `cluster` (whose
   * connections wait for their own requests), all within the bound.
   */
  async run(connecting: Promise<void> | null, exec: Drainable, cluster: Closable): Promise<void> {
    const signal = this.#ac.signal;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (this.#timeout > 0) {
      const ms = this.#timeout;
      timer = setTimeout(() => {
        this.#ac.abort(new ClosedError("client", `no answer within closeTimeout (${ms} ms)`));
      }, ms);
    }
    const expired = new Promise<void>((resolve) => {
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    try {
      const drained = (async () => {
        await connecting?.catch(() => {});
        await exec.drain();
      })();
      await Promise.race([drained, expired]);
      await cluster.close();
    } finally {
      clearTimeout(timer);
    }
  }
}
