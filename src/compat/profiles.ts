/**
 * Execution profiles: named sets of request options (`profiles` of the client options, the
 * `executionProfile` execution option), as cassandra-driver has them.
 *
 * @module
 */
import type { LoadBalancingPolicy as NativeLbp } from "../client/policies/load-balancing.ts";
import type { RetryPolicy as NativeRetryPolicy } from "../client/policies/retry.ts";
import { ArgumentError } from "./errors.ts";
import type { LoadBalancingPolicy } from "./policies/load-balancing.ts";
import type { RetryPolicy } from "./policies/retry.ts";

/** The options of one profile. */
export interface ExecutionProfileOptions {
  /** Consistency level (a `types.consistencies` code). */
  consistency?: number;
  /** Serial consistency of conditional statements. */
  serialConsistency?: number;
  /** Milliseconds to wait for each answer. */
  readTimeout?: number;
  /** Load balancing of the profile's requests (default: the default profile's). */
  loadBalancing?: LoadBalancingPolicy;
  /** Retry policy of the profile's requests (default: the default profile's). */
  retry?: RetryPolicy;
  /** DSE graph options: kept, never used (graph is not offered). */
  graphOptions?: Record<string, unknown>;
}

/**
 * A named set of request options, picked per request by `executionProfile` (its name or the
 * profile itself). A request's own options come first, then its profile's, then the client's
 * `queryOptions`.
 */
export class ExecutionProfile {
  /** The profile's name ("default" is the profile of requests that name none). */
  readonly name: string;
  /** Consistency level. */
  consistency: number | undefined;
  /** Serial consistency. */
  serialConsistency: number | undefined;
  /** Milliseconds to wait for each answer. */
  readTimeout: number | undefined;
  /** Load-balancing policy. */
  loadBalancing: LoadBalancingPolicy | undefined;
  /** Retry policy. */
  retry: RetryPolicy | undefined;
  /** Graph options (kept, not used). */
  graphOptions: Record<string, unknown>;

  /** A profile named `name`. */
  constructor(name: string, options?: ExecutionProfileOptions) {
    if (typeof name !== "string") throw new TypeError("Execution profile name must be a string");
    const o = options ?? {};
    const g = o.graphOptions ?? {};
    this.name = name;
    this.consistency = o.consistency;
    this.loadBalancing = o.loadBalancing;
    this.readTimeout = o.readTimeout;
    this.retry = o.retry;
    this.serialConsistency = o.serialConsistency;
    this.graphOptions = {
      language: g.language,
      results: g.results,
      name: g.name,
      readConsistency: g.readConsistency,
      source: g.source,
      writeConsistency: g.writeConsistency,
    };
  }
}

/** The native policies a profile's requests use instead of the client's. */
export interface NativePolicies {
  readonly loadBalancing?: NativeLbp;
  readonly retry?: NativeRetryPolicy;
}

/** The client's profiles by name, with a "default" one always there. */
export class ProfileManager {
  readonly #byName = new Map<string, ExecutionProfile>();
  readonly #default: ExecutionProfile;
  readonly #native = new WeakMap<ExecutionProfile, NativePolicies>();
  #convert:
    | ((lb: LoadBalancingPolicy | undefined, retry: RetryPolicy | undefined) => NativePolicies)
    | undefined;

  /** The profiles of the client options; the client's policies fill the default's gaps. */
  constructor(
    profiles: readonly ExecutionProfile[] | undefined,
    policies?: { loadBalancing?: LoadBalancingPolicy; retry?: RetryPolicy },
  ) {
    for (const p of profiles ?? []) this.#byName.set(p.name, p);
    let d = this.#byName.get("default");
    if (d === undefined) this.#byName.set("default", d = new ExecutionProfile("default"));
    d.loadBalancing ??= policies?.loadBalancing;
    d.retry ??= policies?.retry;
    this.#default = d;
  }

  /**
   * Sets how a profile's own policies become native ones, and converts the registered
   * profiles' now: users' load-balancing policies among them are then initialised at connect,
   * as cassandra-driver initialises every profile's. Internal: the client calls it.
   *
   * @ignore
   */
  adaptPolicies(
    convert: (
      lb: LoadBalancingPolicy | undefined,
      retry: RetryPolicy | undefined,
    ) => NativePolicies,
  ): void {
    this.#convert = convert;
    for (const p of this.#byName.values()) this.nativePolicies(p);
  }

  /**
   * The native policies of a profile's requests where they are not the client's (undefined
   * for the default profile, and for one whose policies are the default's). Internal.
   *
   * @ignore
   */
  nativePolicies(p: ExecutionProfile): NativePolicies | undefined {
    if (p === this.#default || this.#convert === undefined) return undefined;
    const d = this.#default;
    const lb = p.loadBalancing === d.loadBalancing ? undefined : p.loadBalancing;
    const retry = p.retry === d.retry ? undefined : p.retry;
    if (lb === undefined && retry === undefined) return undefined;
    let n = this.#native.get(p);
    if (n === undefined) this.#native.set(p, n = this.#convert(lb, retry));
    return n;
  }

  /** The default profile. */
  get default(): ExecutionProfile {
    return this.#default;
  }

  /** Every profile. */
  all(): ExecutionProfile[] {
    return [...this.#byName.values()];
  }

  /** The profile a request names (`undefined`: the default); throws for an unknown name. */
  get(name: string | ExecutionProfile | undefined | null): ExecutionProfile {
    if (name instanceof ExecutionProfile) return name;
    const p = name ? this.#byName.get(name) : this.#default;
    if (p === undefined) throw new ArgumentError(`Execution profile "${name}" not found`);
    return p;
  }
}
