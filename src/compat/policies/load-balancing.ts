/**
 * `policies.loadBalancing`: cassandra-driver's load-balancing policies. Each names its settings;
 * the client maps it onto the native policy (see `native.ts`).
 *
 * @module
 */

/** Base of the load-balancing policies. Users' own subclasses are not adapted yet. */
export class LoadBalancingPolicy {}

/** Round robin over every node. */
export class RoundRobinPolicy extends LoadBalancingPolicy {}

/** Round robin over the nodes of the local data center. */
export class DCAwareRoundRobinPolicy extends LoadBalancingPolicy {
  /** The local data center (default: the client's `localDataCenter`). */
  readonly localDc: string | undefined;
  /** A policy for `localDc`. */
  constructor(localDc?: string) {
    super();
    this.localDc = localDc;
  }
}

/** Replicas of the partition first, then the child policy's plan. */
export class TokenAwarePolicy extends LoadBalancingPolicy {
  /** The policy ordering the rest. */
  readonly childPolicy: LoadBalancingPolicy;
  /** Wraps `childPolicy`. */
  constructor(childPolicy: LoadBalancingPolicy) {
    super();
    this.childPolicy = childPolicy;
  }
}

/** Only the listed nodes ("host:port"), in the child policy's order. */
export class AllowListPolicy extends LoadBalancingPolicy {
  /** The policy ordering the nodes. */
  readonly childPolicy: LoadBalancingPolicy;
  /** The allowed addresses. */
  readonly allowList: readonly string[];
  /** Restricts `childPolicy` to `allowList`. */
  constructor(childPolicy: LoadBalancingPolicy, allowList: readonly string[]) {
    super();
    this.childPolicy = childPolicy;
    this.allowList = allowList;
  }
}

/** Token-aware, DC-aware round robin: the default. */
export class DefaultLoadBalancingPolicy extends LoadBalancingPolicy {
  /** The local data center (default: the client's `localDataCenter`). */
  readonly localDc: string | undefined;
  /** The default policy (options: `{ localDc }`). */
  constructor(options?: string | { localDc?: string }) {
    super();
    this.localDc = typeof options === "string" ? options : options?.localDc;
  }
}
