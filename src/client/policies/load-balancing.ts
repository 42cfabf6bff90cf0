/**
 * Load balancing: which nodes serve a request, in which order (the "query plan").
 *
 * @module
 */
/** What a policy sees of a node. */
export interface HostInfo {
  /** "host:port". */
  readonly address: string;
  /** Data center, once known. */
  readonly datacenter: string | undefined;
  /** Rack, once known. */
  readonly rack: string | undefined;
  /** False while the node is in its reconnection delay. */
  readonly isUp: boolean;
  /** Requests in flight on the node. */
  readonly inFlight: number;
}

/** What a policy may know about the request it plans for. */
export interface RequestInfo {
  /** Keyspace the request runs in, if known. */
  keyspace?: string;
  /** Serialized partition key, when the statement is prepared and the key is bound. */
  routingKey?: Uint8Array;
}

/**
 * Chooses the nodes for each request. The first node of the plan is tried first; the retry
 * policy decides whether to move on to the next.
 *
 * @example
 * ```ts
 * import type { LoadBalancingPolicy } from "@cql/driver";
 * // Always prefer the first node given, then the others.
 * const pinned: LoadBalancingPolicy = {
 *   newQueryPlan: (hosts) => hosts,
 * };
 * ```
 */
export interface LoadBalancingPolicy {
  /** The nodes to try, best first. `hosts` is every known node. */
  newQueryPlan<H extends HostInfo>(hosts: readonly H[], request: RequestInfo): Iterable<H>;
}

/**
 * Round robin over the nodes that are up (in `localDataCenter` when given), falling back to the
 * nodes marked down when no node is up, so a cluster that just restarted is retried at once.
 */
export class RoundRobinPolicy implements LoadBalancingPolicy {
  #next = 0;
  readonly #dc: string | undefined;

  /** With `localDataCenter`, nodes of other data centers are never used. */
  constructor(localDataCenter?: string) {
    this.#dc = localDataCenter;
  }

  /** Nodes up first, rotated by one on each call; then nodes down. */
  newQueryPlan<H extends HostInfo>(hosts: readonly H[]): Iterable<H> {
    const start = hosts.length === 0 ? 0 : this.#next++ % hosts.length;
    if (this.#next > 0x3fffffff) this.#next = 0;
    return new RoundRobinPlan(hosts, start, this.#dc);
  }
}

/**
 * One round-robin plan. A class rather than a generator: a plan is made for every request, and
 * JavaScriptCore runs generators markedly slower than a plain `next()`.
 */
class RoundRobinPlan<H extends HostInfo> implements IterableIterator<H> {
  readonly #hosts: readonly H[];
  readonly #start: number;
  readonly #dc: string | undefined;
  #i = 0;
  // Nodes found down on the way, tried after every node that is up; rare, so made on demand.
  #down: H[] | undefined;
  #d = 0;

  constructor(hosts: readonly H[], start: number, dc: string | undefined) {
    this.#hosts = hosts;
    this.#start = start;
    this.#dc = dc;
  }

  [Symbol.iterator](): IterableIterator<H> {
    return this;
  }

  next(): IteratorResult<H> {
    const hosts = this.#hosts;
    const n = hosts.length;
    while (this.#i < n) {
      const h = hosts[(this.#start + this.#i++) % n];
      if (this.#dc !== undefined && h.datacenter !== undefined && h.datacenter !== this.#dc) {
        continue;
      }
      if (h.isUp) return { value: h, done: false };
      (this.#down ??= []).push(h);
    }
    const down = this.#down;
    if (down !== undefined && this.#d < down.length) return { value: down[this.#d++], done: false };
    return { value: undefined, done: true };
  }
}
