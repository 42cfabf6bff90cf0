/**
 * `policies.timestampGeneration`: client-side write timestamps.
 *
 * @module
 */
export { MonotonicTimestampGenerator, TimestampGenerator } from "./others.ts";
