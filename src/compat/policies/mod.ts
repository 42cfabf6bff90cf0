/**
 * `policies`: load balancing and retry.
 *
 * @module
 */
import { DefaultLoadBalancingPolicy, type LoadBalancingPolicy } from "./load-balancing.ts";
import { RetryPolicy } from "./retry.ts";

export * as loadBalancing from "./load-balancing.ts";
export * as retry from "./retry.ts";

/** The default load-balancing policy. */
export function defaultLoadBalancingPolicy(localDc?: string): LoadBalancingPolicy {
  return new DefaultLoadBalancingPolicy(localDc);
}

/** The default retry policy. */
export function defaultRetryPolicy(): RetryPolicy {
  return new RetryPolicy();
}
