/**
 * What a request tells the load balancing policy: its keyspace and, when its partition key is
 * known, the partition's token and replicas (from the cluster's token map).
 *
 * @module
 */
import type { Host } from "../cluster/host.ts";
import { ByteWriter } from "../protocol/bytes.ts";
import type { BoundValues } from "../protocol/requests.ts";
import { routingKey } from "../routing/routing-key.ts";
import type { TokenMap } from "../routing/token-map.ts";
import type { RequestInfo } from "./policies/load-balancing.ts";
import type { Prepared } from "./prepared.ts";
import type { ExecuteOptions } from "./request-options.ts";

// The partition key's components are serialized here to be hashed, then forgotten: one buffer
// for every request (nothing awaits between writing and hashing).
const scratch = new ByteWriter(256);

/**
 * The token of the partition key made of `values[indexes]` (in partition-key order), or
 * undefined when a component is null or unset (the server will refuse such a key anyway).
 */
export function tokenOfValues(
  map: TokenMap<Host>,
  values: BoundValues,
  indexes: readonly number[],
): bigint | undefined {
  const w = scratch;
  w.reset();
  const n = indexes.length;
  if (n === 1) {
    values.write(w, indexes[0]);
    const len = w.view.getInt32(0);
    return len < 0 ? undefined : map.tokenOf(w.buf.subarray(4, 4 + len));
  }
  const starts: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (indexes[i] >= values.count) return undefined;
    starts[i] = w.length;
    values.write(w, indexes[i]);
  }
  // Views taken after the last write: the buffer may have grown while writing.
  const parts: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const len = w.view.getInt32(starts[i]);
    if (len < 0) return undefined;
    parts[i] = w.buf.subarray(starts[i] + 4, starts[i] + 4 + len);
  }
  return map.tokenOf(routingKey(parts));
}

/** A request's routing, its replicas looked up only when a policy asks for them. */
export class Routing implements RequestInfo<Host> {
  /** The keyspace the partition lives in. */
  readonly keyspace: string | undefined;
  /** The partition's token. */
  readonly token: bigint;
  /** True for conditional statements. */
  readonly conditional: boolean;
  readonly #map: TokenMap<Host>;
  #replicas: readonly Host[] | undefined;

  /** Routing of a partition of `keyspace` with this `token`. */
  constructor(
    map: TokenMap<Host>,
    keyspace: string | undefined,
    token: bigint,
    conditional: boolean,
  ) {
    this.#map = map;
    this.keyspace = keyspace;
    this.token = token;
    this.conditional = conditional;
  }

  /** The partition's replicas, primary first. */
  get replicas(): readonly Host[] {
    return this.#replicas ??= this.keyspace === undefined
      ? []
      : this.#map.replicas(this.keyspace, this.token);
  }
}

/** Makes each request's {@link RequestInfo}: by its partition when known, by keyspace else. */
export class Router {
  readonly #map: () => TokenMap<Host> | undefined;
  #last: { readonly keyspace?: string } | undefined;
  /** Whether routing by token can choose between nodes, per keyspace, for {@link #worthFor}. */
  #worth = new Map<string, boolean>();
  #worthFor: TokenMap<Host> | undefined;
  #lastKeyspace: string | undefined;
  #lastWorth = false;

  /** A router reading the cluster's current token map from `map`. */
  constructor(map: () => TokenMap<Host> | undefined) {
    this.#map = map;
  }

  /** The routing of a prepared statement's request, by its bound partition key. */
  prepared(
    map: TokenMap<Host>,
    p: Prepared,
    values: BoundValues | undefined,
    keyspace: string | undefined,
    options: ExecuteOptions,
  ): RequestInfo<Host> {
    if (options.routingKey !== undefined) return this.explicit(keyspace, options, values);
    // The table's keyspace, from the statement's own metadata, is where the partition lives.
    const ks = p.variables[p.partitionKeyIndexes[0]].keyspace || keyspace;
    const conditional = p.conditional || options.serialConsistency !== undefined;
    // Conditional statements still go to the primary replica first: concurrent Paxos rounds on
    // a partition then meet at one coordinator.
    if (ks === undefined || (!conditional && !this.#worthRouting(map, ks))) {
      return this.plain(keyspace);
    }
    const token = values === undefined
      ? undefined
      : tokenOfValues(map, values, p.partitionKeyIndexes);
    if (token === undefined) return this.plain(keyspace);
    return new Routing(map, ks, token, conditional);
  }

  /** The routing a caller gave: `routingKey`, or `routingIndexes` into the bound values. */
  explicit(
    keyspace: string | undefined,
    options: ExecuteOptions,
    values: BoundValues | undefined,
  ): RequestInfo<Host> {
    const map = this.#map();
    const { routingKey, routingIndexes } = options;
    if (map === undefined || (routingKey === undefined && routingIndexes === undefined)) {
      return this.plain(keyspace);
    }
    const token = routingKey !== undefined
      ? map.tokenOf(routingKey)
      : values === undefined
      ? undefined
      : tokenOfValues(map, values, routingIndexes!);
    if (token === undefined) return this.plain(keyspace);
    return new Routing(map, keyspace, token, options.serialConsistency !== undefined);
  }

  /**
   * False when every partition of `keyspace` has every node of the ring as a replica (one
   * node, or a replication factor as large as the cluster), or the map does not know the
   * keyspace: hashing the key would then choose nothing, and costs a tenth of a request.
   */
  #worthRouting(map: TokenMap<Host>, keyspace: string): boolean {
    if (map !== this.#worthFor) {
      this.#worthFor = map;
      this.#worth = new Map();
      this.#lastKeyspace = undefined;
    }
    // Most programs use one keyspace: its answer is kept beside the map.
    if (keyspace === this.#lastKeyspace) return this.#lastWorth;
    let worth = this.#worth.get(keyspace);
    if (worth === undefined) {
      const all = map.ring.hosts.length;
      worth = all > 1 && map.strategy(keyspace) !== undefined &&
        map.tokenRanges(keyspace).some((r) => r.replicas.length < all);
      this.#worth.set(keyspace, worth);
    }
    this.#lastKeyspace = keyspace;
    this.#lastWorth = worth;
    return worth;
  }

  /**
   * What the load balancing policy learns of a request without a known partition. Requests in
   * one keyspace share one frozen object rather than allocate one each.
   */
  plain(keyspace: string | undefined): { readonly keyspace?: string } {
    let info = this.#last;
    if (info === undefined || info.keyspace !== keyspace) {
      info = this.#last = Object.freeze({ keyspace });
    }
    return info;
  }
}
