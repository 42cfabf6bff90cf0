/**
 * Token-aware load balancing: a request goes first to a node that holds its partition, which
 * saves the coordinator's hop to a replica and its CPU on every operation.
 *
 * @module
 */
import {
  type HostInfo,
  type LoadBalancingPolicy,
  type RequestInfo,
  RoundRobinPolicy,
} from "./load-balancing.ts";

/**
 * The client's default: token-aware over round robin in the local data center (and rack),
 * remote nodes as `remoteDcHosts` allows.
 */
export function defaultLoadBalancingPolicy(
  localDataCenter?: string,
  localRack?: string,
): LoadBalancingPolicy {
  return new TokenAwarePolicy(new RoundRobinPolicy(localDataCenter, localRack), { localRack });
}

/**
 * Puts the local replicas of the request's partition (those up, of distance `local`) first,
 * then the child policy's plan without them. Among the replicas, the less busy (requests in
 * flight) of two picked at random leads and the others follow in random order, which spreads
 * load across replicas without herding onto one; a conditional statement (lightweight
 * transaction) gets the replicas in ring order instead, so that concurrent Paxos rounds on a
 * partition meet at the same coordinator and contend less. With `localRack`, replicas on that
 * rack come first. Requests without a known token get the child's plan as it is.
 *
 * @example
 * ```ts
 * import { RoundRobinPolicy, TokenAwarePolicy } from "@cql/driver";
 * const policy = new TokenAwarePolicy(new RoundRobinPolicy("dc1"));
 * ```
 */
export class TokenAwarePolicy implements LoadBalancingPolicy {
  readonly #child: LoadBalancingPolicy;
  readonly #rack: string | undefined;

  /** Wraps `child`, which orders every node after the replicas. */
  constructor(child: LoadBalancingPolicy, options: { localRack?: string } = {}) {
    this.#child = child;
    this.#rack = options.localRack;
  }

  /** The local replicas up, then the child's plan without them. */
  newQueryPlan<H extends HostInfo>(hosts: readonly H[], request: RequestInfo<H>): Iterable<H> {
    const child = this.#child.newQueryPlan(hosts, request);
    const replicas = request.replicas;
    if (replicas === undefined || replicas.length === 0) return child;
    const local: H[] = [];
    for (let i = 0; i < replicas.length; i++) {
      const r = replicas[i];
      if (r.isUp && (r.distance === undefined || r.distance === "local")) local.push(r);
    }
    if (local.length === 0) return child;
    if (!request.conditional) order(local, this.#rack);
    return new ReplicasFirst(local, child[Symbol.iterator]());
  }
}

/** Rack-local replicas first; in each group a random order with the less busy of two leading. */
function order<H extends HostInfo>(replicas: H[], rack: string | undefined): void {
  let rackLocal = replicas.length;
  if (rack !== undefined) {
    // Stable partition: replicas on the local rack move to the front.
    let w = 0;
    for (let i = 0; i < replicas.length; i++) {
      if (replicas[i].rack === rack) {
        const h = replicas[i];
        replicas.splice(i, 1);
        replicas.splice(w++, 0, h);
      }
    }
    rackLocal = w === 0 ? replicas.length : w;
  }
  shuffle(replicas, 0, rackLocal);
  shuffle(replicas, rackLocal, replicas.length);
  // Power of two choices among the group that leads.
  if (rackLocal >= 2 && replicas[1].inFlight < replicas[0].inFlight) {
    const t = replicas[0];
    replicas[0] = replicas[1];
    replicas[1] = t;
  }
}

function shuffle<T>(a: T[], from: number, to: number): void {
  for (let i = to - 1; i > from; i--) {
    const j = from + Math.floor(Math.random() * (i - from + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** The replicas, then the child plan's nodes that are not among them. */
class ReplicasFirst<H extends HostInfo> implements IterableIterator<H> {
  readonly #replicas: readonly H[];
  readonly #child: Iterator<H>;
  #i = 0;

  constructor(replicas: readonly H[], child: Iterator<H>) {
    this.#replicas = replicas;
    this.#child = child;
  }

  [Symbol.iterator](): IterableIterator<H> {
    return this;
  }

  next(): IteratorResult<H> {
    const replicas = this.#replicas;
    if (this.#i < replicas.length) return { value: replicas[this.#i++], done: false };
    for (;;) {
      const n = this.#child.next();
      if (n.done) return n;
      if (!replicas.includes(n.value)) return n;
    }
  }
}
