/**
 * Users' own policies on the native seams: a `RetryPolicy` subclass decides each native retry,
 * a `LoadBalancingPolicy` subclass plans each request.
 *
 * @module
 */
import type {
  HostInfo,
  LoadBalancingPolicy as NativeLbp,
  RequestInfo,
} from "../../client/policies/load-balancing.ts";
import type {
  RetryContext,
  RetryDecision,
  RetryPolicy as NativeRetryPolicy,
} from "../../client/policies/retry.ts";
import { ConnectionError, RequestTimeoutError } from "../../errors.ts";
import { Consistency } from "../../protocol/consistency.ts";
import {
  IsBootstrappingError,
  OverloadedError,
  ReadTimeoutError,
  ServerError,
  TruncateError,
  UnavailableError,
  WriteTimeoutError,
} from "../../protocol/server-errors.ts";
import { toCompatError } from "../errors.ts";
import type { Host, HostMap } from "../hosts.ts";
import type { LoadBalancingPolicy } from "./load-balancing.ts";
import { type DecisionInfo, type OperationInfo, RetryPolicy } from "./retry.ts";

const CL_CODE: Readonly<Record<string, number>> = Consistency;
const SAME: RetryDecision = { action: "retrySameHost" };
const NEXT: RetryDecision = { action: "tryNextHost" };
const THROW: RetryDecision = { action: "rethrow" };

/**
 * Errors a user's retry policy decided to ignore. "ignore" has no native counterpart: the error
 * is rethrown, marked here, and the compat client answers it with an empty result.
 */
export const ignoredErrors: WeakSet<Error> = new WeakSet();

function decisionOf(d: DecisionInfo | undefined, e: Error): RetryDecision {
  if (d?.decision === RetryPolicy.retryDecision.ignore) ignoredErrors.add(e);
  if (!d || d.decision !== RetryPolicy.retryDecision.retry) return THROW;
  return d.useCurrentHost === false ? NEXT : SAME;
}

/** A user's `RetryPolicy` subclass as a native retry policy. */
export class AdaptedRetryPolicy implements NativeRetryPolicy {
  readonly #policy: RetryPolicy;

  /** Adapts `policy`. */
  constructor(policy: RetryPolicy) {
    this.#policy = policy;
  }

  /** Asks the `on*` method cassandra-driver would for this error. */
  decide(ctx: RetryContext): RetryDecision {
    const p = this.#policy, e = ctx.error;
    const info: OperationInfo = {
      handler: null,
      nbRetry: ctx.retries,
      query: undefined,
      executionOptions: { isIdempotent: () => ctx.idempotent },
    };
    if (e instanceof UnavailableError) {
      return decisionOf(p.onUnavailable(info, CL_CODE[e.consistency], e.required, e.alive), e);
    }
    if (e instanceof ReadTimeoutError) {
      return decisionOf(
        p.onReadTimeout(info, CL_CODE[e.consistency], e.received, e.blockFor, e.dataPresent),
        e,
      );
    }
    if (e instanceof WriteTimeoutError) {
      return decisionOf(
        p.onWriteTimeout(info, CL_CODE[e.consistency], e.received, e.blockFor, e.writeType),
        e,
      );
    }
    // A bootstrapping node never ran the request: cassandra-driver moves on without asking.
    if (e instanceof IsBootstrappingError) return NEXT;
    if (
      e instanceof OverloadedError || e instanceof ServerError || e instanceof TruncateError ||
      e instanceof ConnectionError || e instanceof RequestTimeoutError
    ) {
      return decisionOf(p.onRequestError(info, undefined, toCompatError(e)), e);
    }
    return THROW;
  }
}

/** A user's `LoadBalancingPolicy` subclass as a native one. */
export class AdaptedLoadBalancingPolicy implements NativeLbp {
  readonly #policy: LoadBalancingPolicy;
  #hostOf: ((h: HostInfo) => Host) | undefined;

  /** Adapts `policy`; {@link AdaptedLoadBalancingPolicy.init} binds it to the client. */
  constructor(policy: LoadBalancingPolicy) {
    this.#policy = policy;
  }

  /** Calls the policy's `init` with the compat client and its hosts. */
  init(client: unknown, hosts: HostMap, hostOf: (h: HostInfo) => Host): Promise<void> {
    this.#hostOf = hostOf;
    return new Promise((resolve, reject) => {
      this.#policy.init(client, hosts, (err) => err ? reject(err) : resolve());
    });
  }

  /**
   * The user's plan, mapped back onto the native hosts; nodes the policy calls ignored (2) are
   * left out. Before `init` (the control connection's first reads) the hosts as given.
   */
  newQueryPlan<H extends HostInfo>(hosts: readonly H[], request: RequestInfo<H>): Iterable<H> {
    const hostOf = this.#hostOf;
    if (hostOf === undefined) return hosts;
    const byAddress = new Map<string, H>();
    for (const h of hosts) byAddress.set(h.address, h);
    let plan: Iterator<Host> | undefined;
    let failure: Error | null = null;
    this.#policy.newQueryPlan(request.keyspace, { keyspace: request.keyspace }, (err, it) => {
      failure = err;
      plan = it;
    });
    if (failure) throw failure;
    if (plan === undefined) {
      throw new Error("newQueryPlan must call its callback at once (the plan is synchronous)");
    }
    const out: H[] = [];
    for (let r = plan.next(); !r.done; r = plan.next()) {
      const h = r.value && byAddress.get(r.value.address);
      if (h !== undefined && this.#policy.getDistance(hostOf(h)) !== 2) out.push(h);
    }
    return out;
  }
}
