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
  *newQueryPlan<H extends HostInfo>(hosts: readonly H[]): Iterable<H> {
    const n = hosts.length;
    if (n === 0) return;
    const start = this.#next++ % n;
    if (this.#next > 0x3fffffff) this.#next = 0;
    const down: H[] = [];
    for (let i = 0; i < n; i++) {
      const h = hosts[(start + i) % n];
      if (this.#dc !== undefined && h.datacenter !== undefined && h.datacenter !== this.#dc) {
        continue;
      }
      if (h.isUp) yield h;
      else down.push(h);
    }
    yield* down;
  }
}
