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
import { NotSupportedError } from "../errors.ts";
import {
  AllowListPolicy,
  DCAwareRoundRobinPolicy,
  DefaultLoadBalancingPolicy,
  type LoadBalancingPolicy,
  RoundRobinPolicy,
  TokenAwarePolicy,
} from "./load-balancing.ts";
import { FallthroughRetryPolicy, IdempotenceAwareRetryPolicy, RetryPolicy } from "./retry.ts";

/** The native load-balancing policy; `localDc` is the client's `localDataCenter`. */
export function nativeLoadBalancing(
  p: LoadBalancingPolicy,
  localDc: string | undefined,
): NativeLbp {
  switch (p.constructor) {
    case RoundRobinPolicy:
      return new NativeRoundRobin();
    case DCAwareRoundRobinPolicy:
      return new NativeRoundRobin((p as DCAwareRoundRobinPolicy).localDc ?? localDc);
    case TokenAwarePolicy:
      return new NativeTokenAware(
        nativeLoadBalancing((p as TokenAwarePolicy).childPolicy, localDc),
      );
    case AllowListPolicy: {
      const a = p as AllowListPolicy;
      return new NativeAllowList(nativeLoadBalancing(a.childPolicy, localDc), a.allowList);
    }
    case DefaultLoadBalancingPolicy:
      return new NativeTokenAware(
        new NativeRoundRobin((p as DefaultLoadBalancingPolicy).localDc ?? localDc),
      );
  }
  throw new NotSupportedError(
    `custom load-balancing policies (${p.constructor.name}) are not supported yet`,
  );
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
  throw new NotSupportedError(
    `custom retry policies (${p.constructor.name}) are not supported yet`,
  );
}
