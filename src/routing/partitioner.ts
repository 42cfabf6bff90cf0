/**
 * The partitioners a client can route for: how each turns a routing key into a token, and how
 * it reads the tokens `system.local` and `system.peers_v2` report (decimal strings).
 *
 * @module
 */
import { murmur3Token } from "./murmur3.ts";
import { randomPartitionerToken } from "./random-partitioner.ts";

/** A partitioner's token function and token syntax. */
export interface Partitioner {
  /** The short class name, e.g. `Murmur3Partitioner`. */
  readonly name: string;
  /** The token of a routing key (see `routing-key.ts`). */
  tokenOf(routingKey: Uint8Array): bigint;
  /** A token as the cluster reports it, or undefined when it is not one of this partitioner's. */
  parseToken(text: string): bigint | undefined;
}

const DECIMAL = /^-?[0-9]+$/;

function parseIn(text: string, min: bigint, max: bigint): bigint | undefined {
  // BigInt() alone would also take "", " 1", "0x1f" and "1e3"-free oddities such as "0b1".
  if (!DECIMAL.test(text)) return undefined;
  const t = BigInt(text);
  return t >= min && t <= max ? t : undefined;
}

/** Cassandra's default partitioner since 1.2: tokens are signed 64-bit integers. */
export const MURMUR3_PARTITIONER: Partitioner = {
  name: "Murmur3Partitioner",
  tokenOf: murmur3Token,
  parseToken: (text) => parseIn(text, -(1n << 63n), (1n << 63n) - 1n),
};

/** The pre-1.2 default: tokens are MD5-based integers in 0..2^127 (-1 is the empty key's). */
export const RANDOM_PARTITIONER: Partitioner = {
  name: "RandomPartitioner",
  tokenOf: randomPartitionerToken,
  parseToken: (text) => parseIn(text, -1n, 1n << 127n),
};

/**
 * The partitioner of a class name as `system.local.partitioner` gives it (fully qualified or
 * short), or undefined for one whose tokens do not map to integers (ByteOrderedPartitioner,
 * OrderPreservingPartitioner, custom ones): the client then cannot route by token.
 */
export function partitionerFor(className: string): Partitioner | undefined {
  const name = className.slice(className.lastIndexOf(".") + 1);
  if (name === MURMUR3_PARTITIONER.name) return MURMUR3_PARTITIONER;
  if (name === RANDOM_PARTITIONER.name) return RANDOM_PARTITIONER;
  return undefined;
}
