/**
 * `client.metadata`: what the client knows of the cluster as data: where partitions live
 * (replicas, token ranges), the schema, and query traces.
 *
 * @module
 */
import type { Cluster } from "../cluster/cluster.ts";
import type { HostInfo } from "./policies/load-balancing.ts";

/** A range of the ring: tokens after `start` up to and including `end`, and who holds them. */
export interface TokenRangeInfo {
  /** The previous ring token (exclusive); for the first range, the largest one (it wraps). */
  readonly start: bigint;
  /** The ring token closing the range (inclusive). */
  readonly end: bigint;
  /** The range's replicas (in the keyspace asked for), primary first. */
  readonly replicas: readonly HostInfo[];
}

/** The cluster's metadata, from a connected client. */
export class Metadata {
  readonly #cluster: Cluster;

  /** Built by the client. */
  constructor(cluster: Cluster) {
    this.#cluster = cluster;
  }

  /**
   * The nodes holding the partition with this routing key (one column's serialized value, or
   * the composite of several) in `keyspace`, primary first, as the client's token map places
   * them. Empty before the client connected, or for a keyspace it does not know.
   */
  replicas(keyspace: string, routingKey: Uint8Array): readonly HostInfo[] {
    const map = this.#cluster.tokenMap;
    if (map === undefined) return [];
    return map.replicas(keyspace, map.tokenOf(routingKey));
  }

  /**
   * Every range of the ring in token order with its replicas in `keyspace` (without one, its
   * primary owner alone): what a client needs to split a full scan by node.
   */
  tokenRanges(keyspace?: string): TokenRangeInfo[] {
    return this.#cluster.tokenMap?.tokenRanges(keyspace) ?? [];
  }

  /** The token of a routing key under the cluster's partitioner (undefined before connect). */
  tokenOf(routingKey: Uint8Array): bigint | undefined {
    return this.#cluster.tokenMap?.tokenOf(routingKey);
  }
}
