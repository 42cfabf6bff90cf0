/**
 * `token`: the token and range classes `metadata.getTokenRanges()` gives.
 *
 * @module
 */
export { Murmur3Token as Token, TokenRange } from "./metadata.ts";
