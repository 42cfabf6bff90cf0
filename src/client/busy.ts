/**
 * Refusing a request at once when every node of its plan is busy (see `BusyConnectionError`).
 * An application that issues far more requests than the nodes take gets thousands of these in
 * one turn of the event loop, each held until its promise's handlers run: they are made without
 * an async frame, and the requests refused while the same nodes stay busy share one
 * `NoHostAvailableError` (a fresh error and map per request cost about 0.7 KiB and 4 µs each,
 * most of what the refusals of 200,000 requests issued at once added to the process).
 *
 * @module
 */
import type { Host } from "../cluster/host.ts";
import { type BusyConnectionError, NoHostAvailableError } from "../errors.ts";

/** The last refusal of one client, reused while it says the same. */
export class Refusals {
  #error: NoHostAvailableError | undefined;
  /** The busy errors `#error` was made of, in plan order. */
  #of: BusyConnectionError[] = [];
  /** Reused to collect a plan's busy errors. */
  #scratch: BusyConnectionError[] = [];

  /**
   * The rejection of a request whose plan's first node, `first`, is busy and so is every next
   * one; undefined when a node may take the request (the plan is consumed either way).
   */
  check(first: Host, plan: Iterator<Host>): Promise<never> | undefined {
    const busy = first.busy();
    if (busy === undefined) return undefined;
    const seen = this.#scratch;
    seen.length = 0;
    seen.push(busy);
    for (let next = plan.next(); !next.done; next = plan.next()) {
      const e = next.value.busy();
      if (e === undefined) return undefined;
      seen.push(e);
    }
    const of = this.#of;
    let same = this.#error !== undefined && of.length === seen.length;
    for (let i = 0; same && i < seen.length; i++) same = of[i] === seen[i];
    if (!same) {
      this.#error = new NoHostAvailableError(new Map(seen.map((e) => [e.address, e])));
      this.#of = seen;
      this.#scratch = of;
    }
    return Promise.reject(this.#error);
  }
}
