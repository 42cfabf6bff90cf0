/**
 * The token `RandomPartitioner` gives a partition key: the key's MD5 digest read as a signed
 * big-endian 128-bit integer (Java's `new BigInteger(digest)`), made non-negative with `abs()`.
 * Tokens thus lie in 0..2^127; the empty key has the partitioner's minimum token, -1.
 *
 * @module
 */
import { md5Into } from "./md5.ts";

const TWO_127 = 1n << 127n;
const TWO_128 = 1n << 128n;

// The digest lands here: a fresh array and DataView per token would cost more than the hash.
const digest = new Uint8Array(16);
const digestView = new DataView(digest.buffer);

/** The RandomPartitioner token of a partition key (its routing key, see `routing-key.ts`). */
export function randomPartitionerToken(key: Uint8Array): bigint {
  if (key.length === 0) return -1n;
  md5Into(key, digest);
  // Two 64-bit halves: far fewer bigint steps than folding in 16 bytes one at a time.
  let v = (digestView.getBigUint64(0) << 64n) | digestView.getBigUint64(8);
  if (v >= TWO_127) v = TWO_128 - v; // |two's complement value|
  return v;
}
