/**
 * An allow-list: requests go only to the nodes named, in the order the child policy gives.
 *
 * @module
 */
import type { HostInfo, LoadBalancingPolicy, RequestInfo } from "./load-balancing.ts";

/**
 * Filters the child policy's plans to the nodes whose `address` ("host:port") is in the list:
 * for tools that must talk to given nodes only (a repair script, a migration's canary).
 *
 * @example
 * ```ts
 * import { AllowListPolicy, RoundRobinPolicy } from "@cql/driver";
 * const policy = new AllowListPolicy(new RoundRobinPolicy(), ["10.0.0.1:9042", "10.0.0.2:9042"]);
 * ```
 */
export class AllowListPolicy implements LoadBalancingPolicy {
  readonly #child: LoadBalancingPolicy;
  readonly #allowed: ReadonlySet<string>;

  /** Only `addresses` ("host:port", as in `client.hosts`), ordered by `child`. */
  constructor(child: LoadBalancingPolicy, addresses: Iterable<string>) {
    this.#child = child;
    this.#allowed = new Set(addresses);
  }

  /** The child's plan without the nodes not allowed. */
  *newQueryPlan<H extends HostInfo>(hosts: readonly H[], request: RequestInfo<H>): Iterable<H> {
    const allowed = this.#allowed;
    const replicas = request.replicas?.filter((h) => allowed.has(h.address));
    const plan = this.#child.newQueryPlan(hosts.filter((h) => allowed.has(h.address)), {
      ...request,
      replicas,
    });
    for (const h of plan) if (allowed.has(h.address)) yield h;
  }
}
