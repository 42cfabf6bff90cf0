/**
 * The token map: the ring of a cluster's tokens plus, per keyspace, the replicas of every ring
 * position, so that a request finds the nodes holding its partition with a hash of its routing
 * key, a binary search and an array read.
 *
 * A map is immutable: when the topology changes the cluster builds a new one; when only the
 * schema does, {@link TokenMap.withKeyspaces} keeps the ring and every placement it can.
 *
 * @module
 */
import { type Partitioner, partitionerFor } from "./partitioner.ts";
import {
  computeReplicas,
  parseReplication,
  type ReplicationOptions,
  type ReplicationStrategy,
  strategyKey,
} from "./replication.ts";
import { type RingHost, TokenRing } from "./token-ring.ts";

/** A range of the ring: tokens after `start` up to and including `end`, and who holds them. */
export interface TokenRange<H> {
  /** The previous ring token (exclusive); for the first range, the largest one (it wraps). */
  readonly start: bigint;
  /** The ring token closing the range (inclusive). */
  readonly end: bigint;
  /** The range's replicas, primary first. */
  readonly replicas: readonly H[];
}

interface Keyspace<H> {
  readonly strategy: ReplicationStrategy;
  /** Replicas per ring position, shared by every keyspace with the same placement. */
  readonly placement: readonly (readonly H[])[];
}

const NONE: readonly never[] = Object.freeze([]);

/** Tokens, owners and replica placement of a cluster. */
export class TokenMap<H extends RingHost> {
  /** How routing keys become tokens in this cluster. */
  readonly partitioner: Partitioner;
  /** The sorted tokens and their owners. */
  readonly ring: TokenRing<H>;
  readonly #keyspaces: Map<string, Keyspace<H>>;
  /** Placements by {@link strategyKey}: the ones a schema change can reuse. */
  readonly #placements: Map<string, readonly (readonly H[])[]>;

  private constructor(
    partitioner: Partitioner,
    ring: TokenRing<H>,
    keyspaces: Map<string, Keyspace<H>>,
    placements: Map<string, readonly (readonly H[])[]>,
  ) {
    this.partitioner = partitioner;
    this.ring = ring;
    this.#keyspaces = keyspaces;
    this.#placements = placements;
  }

  /**
   * The map of a cluster: its partitioner's class name (`system.local.partitioner`, fully
   * qualified or short), its nodes (those without tokens are left out of the ring) and each
   * keyspace's replication settings (`system_schema.keyspaces.replication`). Throws TypeError
   * for a partitioner whose tokens are not integers (see {@link partitionerFor}): such a
   * cluster cannot be routed by token.
   */
  static build<H extends RingHost>(
    partitioner: string,
    hosts: Iterable<H>,
    keyspaces: ReadonlyMap<string, ReplicationOptions>,
  ): TokenMap<H> {
    const p = partitionerFor(partitioner);
    if (p === undefined) {
      throw new TypeError(`token map: cannot route by token with partitioner ${partitioner}`);
    }
    const ring = TokenRing.build(hosts, p.parseToken);
    return new TokenMap(p, ring, new Map(), new Map()).withKeyspaces(keyspaces);
  }

  /**
   * The same ring with another set of keyspaces, reusing the placements of replication
   * settings this map already computed: a schema change costs only its new settings.
   */
  withKeyspaces(keyspaces: ReadonlyMap<string, ReplicationOptions>): TokenMap<H> {
    const placements = new Map<string, readonly (readonly H[])[]>();
    const out = new Map<string, Keyspace<H>>();
    for (const [name, options] of keyspaces) {
      const strategy = parseReplication(options);
      const key = strategyKey(strategy);
      let placement = placements.get(key) ?? this.#placements.get(key);
      if (placement === undefined) placement = computeReplicas(this.ring, strategy);
      placements.set(key, placement);
      out.set(name, { strategy, placement });
    }
    return new TokenMap(this.partitioner, this.ring, out, placements);
  }

  /** The token of a routing key under the cluster's partitioner. */
  tokenOf(routingKey: Uint8Array): bigint {
    return this.partitioner.tokenOf(routingKey);
  }

  /**
   * The replicas of a token in a keyspace, primary first. Empty when there is no replica to
   * prefer: an unknown keyspace, a local or unknown strategy, or an empty ring. The array is
   * shared: do not modify it.
   */
  replicas(keyspace: string, token: bigint): readonly H[] {
    const ks = this.#keyspaces.get(keyspace);
    if (ks === undefined) return NONE;
    const i = this.ring.position(token);
    return i < 0 ? NONE : ks.placement[i];
  }

  /** The parsed replication strategy of a keyspace the map knows. */
  strategy(keyspace: string): ReplicationStrategy | undefined {
    return this.#keyspaces.get(keyspace)?.strategy;
  }

  /** The keyspaces the map knows. */
  keyspaces(): IterableIterator<string> {
    return this.#keyspaces.keys();
  }

  /**
   * Every range of the ring in token order, with its replicas in `keyspace`, or, without a
   * keyspace (or for one the map does not know), its primary owner alone: what a client needs
   * to split a full scan by replica. One token gives one range, the whole ring.
   */
  tokenRanges(keyspace?: string): TokenRange<H>[] {
    const { tokens, owners } = this.ring;
    const placement = keyspace === undefined ? undefined : this.#keyspaces.get(keyspace)?.placement;
    const n = tokens.length;
    const out: TokenRange<H>[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = {
        start: tokens[i === 0 ? n - 1 : i - 1],
        end: tokens[i],
        replicas: placement === undefined ? [owners[i]] : placement[i],
      };
    }
    return out;
  }
}
