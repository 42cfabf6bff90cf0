/**
 * `policies.speculativeExecution`: further executions of slow idempotent requests.
 *
 * @module
 */
export {
  ConstantSpeculativeExecutionPolicy,
  NoSpeculativeExecutionPolicy,
  SpeculativeExecutionPolicy,
} from "./others.ts";
