/**
 * Replica placement: which nodes hold the data of each ring position under a keyspace's
 * replication settings, computed as Cassandra's replication strategies do, so that a request
 * can go straight to a replica.
 *
 * Placements are computed for every ring position at once (a request then costs a binary
 * search and an array read) and follow Cassandra 4.0 to 5.0's `calculateNaturalReplicas`,
 * replica order included: the ring order in which the walk accepts them, primary first.
 *
 * @module
 */
import type { RingHost, TokenRing } from "./token-ring.ts";

/**
 * A keyspace's replication settings as `system_schema.keyspaces.replication` gives them: a
 * `class` and the strategy's options, e.g. `{class: "SimpleStrategy", replication_factor: "3"}`.
 */
export type ReplicationOptions = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** A replication strategy, parsed. */
export type ReplicationStrategy =
  /** `replicationFactor` distinct nodes, walking the ring from the token. */
  | { readonly kind: "simple"; readonly replicationFactor: number }
  /** Per data center, as many nodes as its factor, spread over its racks. */
  | { readonly kind: "network-topology"; readonly datacenters: ReadonlyMap<string, number> }
  /** Each node keeps its own data (system keyspaces): there is no replica to prefer. */
  | { readonly kind: "local" }
  /** Every node holds everything (DSE's `EverywhereStrategy`). */
  | { readonly kind: "everywhere" }
  /** A class we do not know: no replica to prefer either. */
  | { readonly kind: "unknown"; readonly className: string };

/**
 * The number of replicas a factor asks for: `"3"`, or Cassandra 4+'s transient form `"3/1"`
 * (3 replicas, 1 of them transient; a transient replica still takes requests, so it counts).
 * 0 for anything else: a factor that does not parse places no replica.
 */
export function replicationFactor(text: string): number {
  const slash = text.indexOf("/");
  const full = (slash < 0 ? text : text.slice(0, slash)).trim();
  if (!/^[0-9]+$/.test(full)) return 0;
  return Number(full);
}

function entries(options: ReplicationOptions): [string, string][] {
  if (options instanceof Map) return [...options.entries()];
  return Object.entries(options as Readonly<Record<string, string>>);
}

/**
 * Parses replication settings. The class may be fully qualified
 * (`org.apache.cassandra.locator.NetworkTopologyStrategy`) or short.
 */
export function parseReplication(options: ReplicationOptions): ReplicationStrategy {
  const all = entries(options);
  const className = all.find(([k]) => k === "class")?.[1] ?? "";
  const name = className.slice(className.lastIndexOf(".") + 1);
  switch (name) {
    case "SimpleStrategy": {
      const rf = all.find(([k]) => k === "replication_factor")?.[1];
      return { kind: "simple", replicationFactor: rf === undefined ? 0 : replicationFactor(rf) };
    }
    case "NetworkTopologyStrategy": {
      const datacenters = new Map<string, number>();
      for (const [k, v] of all) {
        // Cassandra expands `replication_factor` into the DCs when the keyspace is created: it
        // is never a DC's name.
        if (k === "class" || k === "replication_factor") continue;
        datacenters.set(k, replicationFactor(v));
      }
      return { kind: "network-topology", datacenters };
    }
    case "LocalStrategy":
      return { kind: "local" };
    case "EverywhereStrategy":
      return { kind: "everywhere" };
    default:
      return { kind: "unknown", className };
  }
}

/**
 * A string equal for strategies that place replicas alike, whatever the class spelling or the
 * order of the options: keyspaces sharing settings share one computed placement.
 */
export function strategyKey(s: ReplicationStrategy): string {
  switch (s.kind) {
    case "simple":
      return `simple:${s.replicationFactor}`;
    case "network-topology": {
      const dcs = [...s.datacenters].filter(([, rf]) => rf > 0)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `nts:${JSON.stringify(dcs)}`;
    }
    case "local":
    case "unknown":
      return "none";
    case "everywhere":
      return "everywhere";
  }
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * The replicas of every ring position under a strategy: element `i` lists the replicas of the
 * range ending at `ring.tokens[i]`, primary first. Local and unknown strategies give empty
 * lists: any node serves them as well as another.
 */
export function computeReplicas<H extends RingHost>(
  ring: TokenRing<H>,
  strategy: ReplicationStrategy,
): (readonly H[])[] {
  const n = ring.size;
  switch (strategy.kind) {
    case "simple":
      return walkDistinct(ring, Math.min(strategy.replicationFactor, ring.hosts.length));
    case "everywhere":
      return walkDistinct(ring, ring.hosts.length);
    case "network-topology":
      return networkTopology(ring, strategy.datacenters);
    case "local":
    case "unknown":
      return new Array<readonly H[]>(n).fill(NONE);
  }
}

/**
 * Gathers one position's replicas (as host indices) and hands out one shared, exact-size array
 * per distinct list. On a few nodes with many vnodes most positions repeat a handful of lists
 * (3 nodes at RF 3 have at most 6 orders for 768 positions), and an array per position costs
 * about 100 bytes.
 */
class ListBuilder<H> {
  readonly #hosts: readonly H[];
  readonly #lists = new Map<string, readonly H[]>();
  readonly #picked: number[] = [];
  #key = "";
  /** Hosts added since the last reset. */
  size = 0;

  constructor(hosts: readonly H[]) {
    this.#hosts = hosts;
  }

  reset(): void {
    this.size = 0;
    this.#key = "";
  }

  add(h: number): void {
    this.#picked[this.size++] = h;
    this.#key += String.fromCharCode(h & 0xffff, h >>> 16);
  }

  done(): readonly H[] {
    let list = this.#lists.get(this.#key);
    if (list === undefined) {
      const fresh: H[] = new Array(this.size);
      for (let i = 0; i < this.size; i++) fresh[i] = this.#hosts[this.#picked[i]];
      list = fresh;
      this.#lists.set(this.#key, list);
    }
    return list;
  }
}

/** For each position, the first `count` distinct owners from it along the ring. */
function walkDistinct<H extends RingHost>(ring: TokenRing<H>, count: number): (readonly H[])[] {
  const n = ring.size;
  const owner = ring.ownerIndex;
  const hosts = ring.hosts;
  const out: (readonly H[])[] = new Array(n);
  if (count <= 0) return out.fill(NONE);
  // seen[h] === i + 1 marks host h taken for position i: no clearing between positions.
  const seen = new Int32Array(hosts.length);
  const lists = new ListBuilder(hosts);
  for (let i = 0; i < n; i++) {
    const stamp = i + 1;
    lists.reset();
    for (let j = i, walked = 0; walked < n; walked++, j = j + 1 === n ? 0 : j + 1) {
      const h = owner[j];
      if (seen[h] === stamp) continue;
      seen[h] = stamp;
      lists.add(h);
      if (lists.size === count) break;
    }
    out[i] = lists.done();
  }
  return out;
}

/**
 * NetworkTopologyStrategy, as Cassandra computes it: one walk along the ring from the position,
 * each data center taking nodes until it has its factor (or all its nodes). A node on a rack the
 * DC has not used yet is always taken; one on a used rack only while the DC has fewer racks than
 * its factor calls for, and then only as many such repeats as make up the difference. So, with
 * enough racks, replicas land on distinct racks; with too few, every rack gets one and the first
 * nodes met on used racks fill the rest.
 */
function networkTopology<H extends RingHost>(
  ring: TokenRing<H>,
  factors: ReadonlyMap<string, number>,
): (readonly H[])[] {
  const n = ring.size;
  const hosts = ring.hosts;
  const owner = ring.ownerIndex;
  const out: (readonly H[])[] = new Array(n);

  // Small integer ids: the DC of each host (an index into the DCs to fill, or -1), and its
  // rack, unique across DCs (racks of the same name in two DCs are different racks).
  const dcIds = new Map<string, number>();
  const rf: number[] = [];
  for (const [dc, f] of factors) {
    if (f <= 0) continue;
    dcIds.set(dc, rf.length);
    rf.push(f);
  }
  const dcCount = rf.length;
  const hostDc = new Int32Array(hosts.length);
  const hostRack = new Int32Array(hosts.length);
  const nodeCount = new Int32Array(dcCount);
  const rackCount = new Int32Array(dcCount);
  const rackIds = new Map<string, number>();
  for (let h = 0; h < hosts.length; h++) {
    const dc = hosts[h].datacenter;
    const d = dc === undefined ? undefined : dcIds.get(dc);
    hostDc[h] = d ?? -1;
    if (d === undefined) continue;
    nodeCount[d]++;
    // Nodes whose rack is not known yet count as being on one rack, named "".
    const key = `${d}:${hosts[h].rack ?? ""}`;
    let r = rackIds.get(key);
    if (r === undefined) {
      r = rackIds.size;
      rackIds.set(key, r);
      rackCount[d]++;
    }
    hostRack[h] = r;
  }

  let dcsPresent = 0;
  for (let d = 0; d < dcCount; d++) if (nodeCount[d] > 0) dcsPresent++;
  if (dcsPresent === 0) return out.fill(NONE);

  const hostSeen = new Int32Array(hosts.length);
  const rackSeen = new Int32Array(rackIds.size);
  const left = new Int32Array(dcCount);
  const repeats = new Int32Array(dcCount);
  const lists = new ListBuilder(hosts);
  for (let i = 0; i < n; i++) {
    const stamp = i + 1;
    for (let d = 0; d < dcCount; d++) {
      // Fewer nodes than the factor: the DC's nodes are all it can give.
      left[d] = Math.min(rf[d], nodeCount[d]);
      repeats[d] = rf[d] - rackCount[d];
    }
    let toFill = dcsPresent;
    lists.reset();
    for (let j = i, walked = 0; walked < n && toFill > 0; walked++, j = j + 1 === n ? 0 : j + 1) {
      const h = owner[j];
      const d = hostDc[h];
      if (d < 0 || left[d] === 0 || hostSeen[h] === stamp) continue;
      const r = hostRack[h];
      if (rackSeen[r] !== stamp) {
        rackSeen[r] = stamp;
      } else if (repeats[d] > 0) {
        repeats[d]--;
      } else {
        continue;
      }
      hostSeen[h] = stamp;
      lists.add(h);
      if (--left[d] === 0) toFill--;
    }
    out[i] = lists.done();
  }
  return out;
}
