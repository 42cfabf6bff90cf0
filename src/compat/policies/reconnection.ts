/**
 * `policies.reconnection`: delays between reconnection attempts.
 *
 * @module
 */
export {
  ConstantReconnectionPolicy,
  ExponentialReconnectionPolicy,
  ReconnectionPolicy,
} from "./others.ts";
