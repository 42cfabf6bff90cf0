/**
 * `policies.loadBalancing`: cassandra-driver's load-balancing policies. Each names its settings;
 * the client maps it onto the native policy (see `native.ts`).
 *
 * @module
 */
import type { Host, HostMap } from "../hosts.ts";

/** An iterator of hosts, as `newQueryPlan` gives one. */
export type HostIterator = Iterator<Host>;

/**
 * Base of the load-balancing policies. The built-in ones are mapped onto native policies; any
 * other subclass is adapted (see `custom.ts`): `init` is called on connect, `newQueryPlan` for
 * every request (it must call back at once: the native plan is synchronous) and `getDistance`
 * leaves out the nodes it calls ignored.
 */
export class LoadBalancingPolicy {
  /** The client, after `init`. */
  client: unknown;
  /** The client's hosts, after `init`. */
  hosts: HostMap | undefined;

  /** Called once on connect with the client and its hosts. */
  init(client: unknown, hosts: HostMap, callback: (err?: Error | null) => void): void {
    this.client = client;
    this.hosts = hosts;
    callback();
  }

  /** Every node is local (a `types.distance` value). */
  getDistance(_host: Host): number {
    return 0;
  }

  /** The nodes to try for one request, best first, passed to `callback`. */
  newQueryPlan(
    _keyspace: string | undefined,
    _executionOptions: unknown,
    callback: (err: Error | null, plan?: HostIterator) => void,
  ): void {
    callback(new Error("You must implement a query plan for the LoadBalancingPolicy class"));
  }

  /** The policy's options. */
  getOptions(): Map<string, unknown> {
    return new Map();
  }
}

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
