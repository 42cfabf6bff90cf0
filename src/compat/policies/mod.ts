/**
 * `policies`: load balancing, retry, reconnection, speculative execution, address resolution
 * and timestamp generation, with cassandra-driver's `default*` factories.
 *
 * @module
 */
import { DefaultLoadBalancingPolicy, type LoadBalancingPolicy } from "./load-balancing.ts";
import { RetryPolicy } from "./retry.ts";
import {
  AddressTranslator,
  ExponentialReconnectionPolicy,
  MonotonicTimestampGenerator,
  NoSpeculativeExecutionPolicy,
  type ReconnectionPolicy,
  type SpeculativeExecutionPolicy,
  type TimestampGenerator,
} from "./others.ts";

export * as loadBalancing from "./load-balancing.ts";
export * as retry from "./retry.ts";
export * as reconnection from "./reconnection.ts";
export * as speculativeExecution from "./speculative-execution.ts";
export * as addressResolution from "./address-resolution.ts";
export * as timestampGeneration from "./timestamp-generation.ts";

/** The default load-balancing policy. */
export function defaultLoadBalancingPolicy(localDc?: string): LoadBalancingPolicy {
  return new DefaultLoadBalancingPolicy(localDc);
}

/** The default retry policy. */
export function defaultRetryPolicy(): RetryPolicy {
  return new RetryPolicy();
}

/** The default reconnection policy: exponential from 1 s to 10 min. */
export function defaultReconnectionPolicy(): ReconnectionPolicy {
  return new ExponentialReconnectionPolicy(1000, 10 * 60 * 1000, false);
}

/** The default speculative execution policy: none. */
export function defaultSpeculativeExecutionPolicy(): SpeculativeExecutionPolicy {
  return new NoSpeculativeExecutionPolicy();
}

/** The default address translator: addresses as reported. */
export function defaultAddressTranslator(): AddressTranslator {
  return new AddressTranslator();
}

/** The default timestamp generator: monotonic microseconds. */
export function defaultTimestampGenerator(): TimestampGenerator {
  return new MonotonicTimestampGenerator();
}
