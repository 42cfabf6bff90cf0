/**
 * The native policies for cassandra-driver's.
 *
 * @module
 */
import {
  type LoadBalancingPolicy as NativeLbp,
  RoundRobinPolicy as NativeRoundRobin,
} from "../../client/policies/load-balancing.ts";
import { TokenAwarePolicy as NativeTokenAware } from "../../client/policies/token-aware.ts";
import { AllowListPolicy as NativeAllowList } from "../../client/policies/allow-list.ts";
import {
  DefaultRetryPolicy,
  type RetryPolicy as NativeRetryPolicy,
} from "../../client/policies/retry.ts";
import { ResponseError, WriteTimeoutError } from "../../protocol/server-errors.ts";
import { AdaptedLoadBalancingPolicy, AdaptedRetryPolicy } from "./custom.ts";
import {
  AllowListPolicy,
  DCAwareRoundRobinPolicy,
  DefaultLoadBalancingPolicy,
  type LoadBalancingPolicy,
  RoundRobinPolicy,
  TokenAwarePolicy,
} from "./load-balancing.ts";
import { FallthroughRetryPolicy, IdempotenceAwareRetryPolicy, RetryPolicy } from "./retry.ts";

/**
 * The native load-balancing policy; `localDc` is the client's `localDataCenter`. A user's own
 * policy is adapted, and the adapter added to `adapters` (the client binds it on connect).
 */
export function nativeLoadBalancing(
  p: LoadBalancingPolicy,
  localDc: string | undefined,
  adapters: AdaptedLoadBalancingPolicy[] = [],
): NativeLbp {
  switch (p.constructor) {
    case RoundRobinPolicy:
      return new NativeRoundRobin();
    case DCAwareRoundRobinPolicy:
      return new NativeRoundRobin((p as DCAwareRoundRobinPolicy).localDc ?? localDc);
    case TokenAwarePolicy:
      return new NativeTokenAware(
        nativeLoadBalancing((p as TokenAwarePolicy).childPolicy, localDc, adapters),
      );
    case AllowListPolicy: {
      const a = p as AllowListPolicy;
      return new NativeAllowList(
        nativeLoadBalancing(a.childPolicy, localDc, adapters),
        a.allowList,
      );
    }
    case DefaultLoadBalancingPolicy:
      return new NativeTokenAware(
        new NativeRoundRobin((p as DefaultLoadBalancingPolicy).localDc ?? localDc),
      );
  }
  const adapter = new AdaptedLoadBalancingPolicy(p);
  adapters.push(adapter);
  return adapter;
}

/** The native retry policy. */
export function nativeRetry(p: RetryPolicy): NativeRetryPolicy {
  switch (p.constructor) {
    case RetryPolicy:
      return new DefaultRetryPolicy();
    case FallthroughRetryPolicy:
      return { decide: () => ({ action: "rethrow" }) };
    case IdempotenceAwareRetryPolicy: {
      const child = nativeRetry(
        (p as IdempotenceAwareRetryPolicy).childPolicy ?? new RetryPolicy(),
      );
      return {
        decide: (ctx) => {
          const unsafe = ctx.error instanceof WriteTimeoutError ||
            !(ctx.error instanceof ResponseError);
          return !ctx.idempotent && unsafe ? { action: "rethrow" } : child.decide(ctx);
        },
      };
    }
  }
  return new AdaptedRetryPolicy(p);
}
