/**
 * `defaultOptions()`: cassandra-driver's default client options, as a fresh object.
 *
 * @module
 */
import { DefaultMetrics } from "./metrics.ts";
import {
  defaultAddressTranslator,
  defaultLoadBalancingPolicy,
  defaultReconnectionPolicy,
  defaultRetryPolicy,
  defaultSpeculativeExecutionPolicy,
  defaultTimestampGenerator,
} from "./policies/mod.ts";

/** The defaults `new Client(options)` fills in (a new object on each call). */
export function defaultOptions(): Record<string, unknown> {
  return {
    policies: {
      addressResolution: defaultAddressTranslator(),
      loadBalancing: defaultLoadBalancingPolicy(),
      reconnection: defaultReconnectionPolicy(),
      retry: defaultRetryPolicy(),
      speculativeExecution: defaultSpeculativeExecutionPolicy(),
      timestampGeneration: defaultTimestampGenerator(),
    },
    queryOptions: { fetchSize: 5000, prepare: false, captureStackTrace: false },
    protocolOptions: {
      port: 9042,
      maxSchemaAgreementWaitSeconds: 10,
      maxVersion: 0,
      noCompact: false,
    },
    pooling: { heartBeatInterval: 30000, warmup: true },
    socketOptions: {
      connectTimeout: 5000,
      defunctReadTimeoutThreshold: 64,
      keepAlive: true,
      keepAliveDelay: 0,
      readTimeout: 12000,
      tcpNoDelay: true,
      coalescingThreshold: 65536,
    },
    authProvider: null,
    requestTracker: null,
    metrics: new DefaultMetrics(),
    maxPrepared: 500,
    refreshSchemaDelay: 1000,
    isMetadataSyncEnabled: true,
    prepareOnAllHosts: true,
    rePrepareOnUp: true,
    encoding: { copyBuffer: true, useUndefinedAsUnset: true },
    monitorReporting: { enabled: true },
  };
}
