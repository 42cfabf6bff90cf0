/**
 * Load balancing: which nodes serve a request, in which order (the "query plan").
 *
 * @module
 */
/** What a policy, an event listener or `client.hosts` sees of a node. */
export interface HostInfo {
  /** "host:port": the contact point's for a node reached through one, else what it reports. */
  readonly address: string;
  /** The node's host id, once the cluster reported it. */
  readonly hostId?: string | undefined;
  /** Data center, once known. */
  readonly datacenter: string | undefined;
  /** Rack, once known. */
  readonly rack: string | undefined;
  /** The Cassandra version the node runs, once known. */
  readonly releaseVersion?: string | undefined;
  /** The node's tokens (decimal strings), once known. */
  readonly tokens?: readonly string[];
  /**
   * How the client uses the node: `local` nodes serve requests, `remote` ones (see
   * `remoteDcHosts`) only after every local node up, `ignored` ones never. Absent means local.
   */
  readonly distance?: "local" | "remote" | "ignored";
  /** False while the node is down (its connections lost and not reopened). */
  readonly isUp: boolean;
  /** Requests in flight on the node. */
  readonly inFlight: number;
}

/** What a policy may know about the request it plans for. */
export interface RequestInfo<H extends HostInfo = HostInfo> {
  /** Keyspace the request runs in, if known. */
  readonly keyspace?: string;
  /**
   * The partition's token, when it is known: a prepared statement with its partition key
   * bound, or a request with `routingKey` or `routingIndexes`.
   */
  readonly token?: bigint;
  /** The nodes holding the partition, primary first (empty or absent when not known). */
  readonly replicas?: readonly H[];
  /** A conditional statement (lightweight transaction): replicas in ring order serve best. */
  readonly conditional?: boolean;
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
  /** The nodes to try, best first. `hosts` is every node the client may use. */
  newQueryPlan<H extends HostInfo>(hosts: readonly H[], request: RequestInfo<H>): Iterable<H>;
}

/**
 * Round robin over the nodes that are up (in `localDataCenter` when given, those of `localRack`
 * first), then the remote nodes the client may use (`remoteDcHosts`), then the nodes that are
 * down, so a cluster that just restarted is retried at once.
 */
export class RoundRobinPolicy implements LoadBalancingPolicy {
  #next = 0;
  readonly #dc: string | undefined;
  readonly #rack: string | undefined;

  /**
   * With `localDataCenter`, nodes of other data centers are used only as `remoteDcHosts`
   * allows; with `localRack`, the local data center's nodes of that rack come first.
   */
  constructor(localDataCenter?: string, localRack?: string) {
    this.#dc = localDataCenter;
    this.#rack = localRack;
  }

  /** Local nodes up first, rotated by one on each call; then remote ones up; then nodes down. */
  newQueryPlan<H extends HostInfo>(hosts: readonly H[]): Iterable<H> {
    const start = hosts.length === 0 ? 0 : this.#next++ % hosts.length;
    if (this.#next > 0x3fffffff) this.#next = 0;
    return new RoundRobinPlan(hosts, start, this.#dc, this.#rack);
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
  readonly #rack: string | undefined;
  #i = 0;
  // Local nodes of other racks, remote nodes up and nodes down found on the way, tried after
  // every local node that is up (of the local rack, when one is set); made on demand.
  #otherRack: H[] | undefined;
  #o = 0;
  #remote: H[] | undefined;
  #r = 0;
  #down: H[] | undefined;
  #d = 0;

  constructor(hosts: readonly H[], start: number, dc: string | undefined, rack?: string) {
    this.#hosts = hosts;
    this.#start = start;
    this.#dc = dc;
    this.#rack = rack;
  }

  [Symbol.iterator](): IterableIterator<H> {
    return this;
  }

  next(): IteratorResult<H> {
    const hosts = this.#hosts;
    const n = hosts.length;
    while (this.#i < n) {
      const h = hosts[(this.#start + this.#i++) % n];
      const remote = h.distance === "remote";
      if (
        !remote && this.#dc !== undefined && h.datacenter !== undefined && h.datacenter !== this.#dc
      ) {
        continue;
      }
      if (!h.isUp) (this.#down ??= []).push(h);
      else if (remote) (this.#remote ??= []).push(h);
      else if (this.#rack !== undefined && h.rack !== this.#rack) (this.#otherRack ??= []).push(h);
      else return { value: h, done: false };
    }
    const other = this.#otherRack;
    if (other !== undefined && this.#o < other.length) {
      return { value: other[this.#o++], done: false };
    }
    const remote = this.#remote;
    if (remote !== undefined && this.#r < remote.length) {
      return { value: remote[this.#r++], done: false };
    }
    const down = this.#down;
    if (down !== undefined && this.#d < down.length) return { value: down[this.#d++], done: false };
    return { value: undefined, done: true };
  }
}
