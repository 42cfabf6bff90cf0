/**
 * The ring, replica placement and the token map on small hand-made rings: wrap-around,
 * SimpleStrategy, NetworkTopologyStrategy with racks (its rack skipping and repeats included),
 * Everywhere and Local; then NTS on random rings against a plain transcription of Cassandra's
 * `calculateNaturalReplicas`.
 */
import type { Host } from "../../src/cluster/host.ts";
import {
  computeReplicas,
  parseReplication,
  replicationFactor,
  type ReplicationOptions,
  strategyKey,
} from "../../src/routing/replication.ts";
import { MURMUR3_PARTITIONER } from "../../src/routing/partitioner.ts";
import { TokenMap } from "../../src/routing/token-map.ts";
import { TokenRing } from "../../src/routing/token-ring.ts";
import { assert, assertEquals, assertThrows } from "../support/assert.ts";

interface TestHost {
  readonly name: string;
  readonly datacenter: string | undefined;
  readonly rack: string | undefined;
  readonly tokens: readonly string[];
}

function host(name: string, dc: string | undefined, rack: string | undefined, tokens: number[]) {
  return { name, datacenter: dc, rack, tokens: tokens.map(String) };
}

const parse = MURMUR3_PARTITIONER.parseToken;

function names(hosts: readonly TestHost[]): string[] {
  return hosts.map((h) => h.name);
}

/** The replica names of each ring position under the given settings. */
function placement(hosts: TestHost[], options: ReplicationOptions): string[][] {
  return computeReplicas(TokenRing.build(hosts, parse), parseReplication(options)).map(names);
}

/** Replica names for one token, through the TokenMap. */
function replicasOf(hosts: TestHost[], options: ReplicationOptions, token: bigint): string[] {
  const tm = TokenMap.build("Murmur3Partitioner", hosts, new Map([["ks", options]]));
  return names(tm.replicas("ks", token));
}

const MIN = -(1n << 63n);
const MAX = (1n << 63n) - 1n;

Deno.test("ring: sorted, the first token >= the key's owns it, wrapping past the last", () => {
  const a = host("A", "dc1", "r1", [30]);
  const b = host("B", "dc1", "r1", [-10, 10]);
  const ring = TokenRing.build([a, b], parse);
  assertEquals(ring.tokens, [-10n, 10n, 30n]);
  assertEquals(names(ring.owners), ["B", "B", "A"]);
  assertEquals(names(ring.hosts), ["A", "B"]);
  const at = (t: bigint) => ring.primary(t)?.name;
  assertEquals(ring.position(-10n), 0);
  assertEquals(at(-10n), "B"); // a ring token belongs to its own range (inclusive end)
  assertEquals(at(-9n), "B");
  assertEquals(at(10n), "B");
  assertEquals(at(11n), "A");
  assertEquals(at(30n), "A");
  assertEquals(ring.position(31n), 0); // past the largest token: the range that wraps
  assertEquals(at(31n), "B");
  assertEquals(at(MAX), "B");
  assertEquals(at(MIN), "B");
  const empty = TokenRing.build<TestHost>([], parse);
  assertEquals(empty.position(0n), -1);
  assertEquals(empty.primary(0n), undefined);
});

Deno.test("ring: bad tokens are skipped, a shared token stays with the first host", () => {
  const a = host("A", "dc1", "r1", [5]);
  const b = {
    ...host("B", "dc1", "r1", [5, 7]),
    tokens: ["5", "7", "x", "", "99999999999999999999"],
  };
  const c = host("C", "dc1", "r1", []);
  const d = host("D", "dc1", "r1", [7]); // all its tokens taken: not an owner
  const ring = TokenRing.build([a, b, c, d], parse);
  assertEquals(ring.tokens, [5n, 7n]);
  assertEquals(names(ring.owners), ["A", "B"]);
  assertEquals(names(ring.hosts), ["A", "B"]);
  assertEquals(Array.from(ring.ownerIndex), [0, 1]);
});

Deno.test("replication factor: plain and transient syntax", () => {
  assertEquals(replicationFactor("3"), 3);
  assertEquals(replicationFactor("3/1"), 3);
  assertEquals(replicationFactor(" 2 "), 2);
  assertEquals(replicationFactor("0"), 0);
  assertEquals(replicationFactor("x"), 0);
  assertEquals(replicationFactor(""), 0);
});

Deno.test("strategies: class names short or qualified, options as object or Map", () => {
  assertEquals(
    parseReplication({
      class: "org.apache.cassandra.locator.SimpleStrategy",
      replication_factor: "3",
    }),
    { kind: "simple", replicationFactor: 3 },
  );
  assertEquals(
    parseReplication(new Map([["class", "SimpleStrategy"], ["replication_factor", "2/1"]])),
    {
      kind: "simple",
      replicationFactor: 2,
    },
  );
  const nts = parseReplication({
    class: "org.apache.cassandra.locator.NetworkTopologyStrategy",
    dc1: "3",
    dc2: "2/1",
  });
  assertEquals(nts, { kind: "network-topology", datacenters: new Map([["dc1", 3], ["dc2", 2]]) });
  assertEquals(parseReplication({ class: "org.apache.cassandra.locator.LocalStrategy" }), {
    kind: "local",
  });
  assertEquals(parseReplication({ class: "org.apache.cassandra.locator.EverywhereStrategy" }), {
    kind: "everywhere",
  });
  assertEquals(parseReplication({ class: "com.example.Custom", x: "1" }), {
    kind: "unknown",
    className: "com.example.Custom",
  });
  // Same placement, whatever the spelling and order: one key.
  assertEquals(
    strategyKey(parseReplication({ class: "NetworkTopologyStrategy", b: "1", a: "3", c: "0" })),
    strategyKey(
      parseReplication({
        class: "org.apache.cassandra.locator.NetworkTopologyStrategy",
        a: "3",
        b: "1",
      }),
    ),
  );
});

Deno.test("SimpleStrategy: the next distinct hosts along the ring, wrapping", () => {
  // A owns two vnodes: the walk skips its second one.
  const hosts = [
    host("A", "dc1", "r1", [0, 20]),
    host("B", "dc1", "r1", [10]),
    host("C", "dc1", "r1", [30]),
  ];
  const rf2 = { class: "SimpleStrategy", replication_factor: "2" };
  assertEquals(placement(hosts, rf2), [["A", "B"], ["B", "A"], ["A", "C"], ["C", "A"]]);
  assertEquals(replicasOf(hosts, rf2, 5n), ["B", "A"]);
  assertEquals(replicasOf(hosts, rf2, 31n), ["A", "B"]); // wraps to the smallest token
  const rf3 = { class: "SimpleStrategy", replication_factor: "3" };
  assertEquals(replicasOf(hosts, rf3, 15n), ["A", "C", "B"]);
  // More replicas than hosts: every host, once.
  assertEquals(replicasOf(hosts, { class: "SimpleStrategy", replication_factor: "5" }, 25n), [
    "C",
    "A",
    "B",
  ]);
  assertEquals(replicasOf(hosts, { class: "SimpleStrategy", replication_factor: "0" }, 25n), []);
  // SimpleStrategy ignores data centers and racks.
  const mixed = [
    host("A", "dc1", "r1", [0]),
    host("B", "dc2", undefined, [10]),
    host("C", undefined, "r9", [20]),
  ];
  assertEquals(replicasOf(mixed, rf3, 1n), ["B", "C", "A"]);
});

const NTS = "org.apache.cassandra.locator.NetworkTopologyStrategy";

Deno.test("NTS: distinct racks first, skipping hosts on a rack already used", () => {
  const hosts = [
    host("A", "dc1", "r1", [0]),
    host("B", "dc1", "r1", [10]),
    host("C", "dc1", "r2", [20]),
    host("D", "dc1", "r3", [30]),
    host("E", "dc1", "r2", [40]),
  ];
  const rf3 = { class: NTS, dc1: "3" };
  // From A: B shares A's rack and there are enough racks (3 for RF 3): skipped.
  assertEquals(replicasOf(hosts, rf3, 0n), ["A", "C", "D"]);
  // From B: C (r2), D (r3); E is on r2 again; wraps to A (r1).
  assertEquals(replicasOf(hosts, rf3, 5n), ["B", "C", "D"]);
  assertEquals(replicasOf(hosts, rf3, 35n), ["E", "A", "D"]);
  // RF 2: the first two racks met.
  assertEquals(replicasOf(hosts, { class: NTS, dc1: "2" }, 0n), ["A", "C"]);
});

Deno.test("NTS: fewer racks than RF, every rack once and the first repeats fill the rest", () => {
  // RF 3 on 2 racks: one repeat allowed. Cassandra takes the first repeat as it meets it (B),
  // rejects later ones (C), and still takes the first host of the unseen rack (D).
  const hosts = [
    host("A", "dc1", "r1", [0]),
    host("B", "dc1", "r1", [10]),
    host("C", "dc1", "r1", [20]),
    host("D", "dc1", "r2", [30]),
  ];
  assertEquals(replicasOf(hosts, { class: NTS, dc1: "3" }, 0n), ["A", "B", "D"]);
  assertEquals(replicasOf(hosts, { class: NTS, dc1: "3" }, 25n), ["D", "A", "B"]);
  // RF 4 on 3 racks, one repeat: the second r1 host is the repeat, the third is skipped.
  const four = [...hosts, host("E", "dc1", "r3", [40])];
  assertEquals(replicasOf(four, { class: NTS, dc1: "4" }, 0n), ["A", "B", "D", "E"]);
  // One rack: racks do not matter, the next hosts in ring order.
  const oneRack = hosts.map((h) => ({ ...h, rack: "r1" }));
  assertEquals(replicasOf(oneRack, { class: NTS, dc1: "3" }, 15n), ["C", "D", "A"]);
  // More replicas than hosts: all of them.
  assertEquals(replicasOf(hosts, { class: NTS, dc1: "9" }, 15n), ["C", "D", "A", "B"]);
});

Deno.test("NTS: data centers filled in one walk, their replicas in ring order", () => {
  const hosts = [
    host("a1", "dc1", "r1", [0]),
    host("b1", "dc2", "r1", [5]),
    host("a2", "dc1", "r2", [10]),
    host("b2", "dc2", "r1", [15]),
    host("a3", "dc1", "r3", [20]),
    host("b3", "dc2", "r2", [25]),
    host("x", "dc3", "r1", [27]), // a DC the keyspace does not replicate to
    host("u", undefined, undefined, [28]), // no DC known yet
  ];
  const ks = { class: NTS, dc1: "2", dc2: "2" };
  assertEquals(replicasOf(hosts, ks, 0n), ["a1", "b1", "a2", "b3"]);
  assertEquals(replicasOf(hosts, ks, 26n), ["a1", "b1", "a2", "b3"]); // x and u never count
  assertEquals(replicasOf(hosts, ks, 12n), ["b2", "a3", "b3", "a1"]);
  // A DC with fewer hosts than its RF gives what it has; a DC with no hosts is ignored.
  assertEquals(replicasOf(hosts, { class: NTS, dc3: "3", dc4: "2" }, 0n), ["x"]);
  assertEquals(replicasOf(hosts, { class: NTS, dc4: "2" }, 0n), []);
  // RF 0 in a DC: none there.
  assertEquals(replicasOf(hosts, { class: NTS, dc1: "1", dc2: "0" }, 4n), ["a2"]);
});

Deno.test("NTS: a rack name used in two DCs is two racks", () => {
  const hosts = [
    host("a1", "dc1", "r1", [0]),
    host("b1", "dc2", "r1", [10]),
    host("a2", "dc1", "r2", [20]),
    host("b2", "dc2", "r2", [30]),
  ];
  assertEquals(replicasOf(hosts, { class: NTS, dc1: "2", dc2: "2" }, 0n), ["a1", "b1", "a2", "b2"]);
});

Deno.test("NTS: transient factors count every replica", () => {
  const hosts = [
    host("A", "dc1", "r1", [0]),
    host("B", "dc1", "r2", [10]),
    host("C", "dc1", "r3", [20]),
  ];
  assertEquals(replicasOf(hosts, { class: NTS, dc1: "3/1" }, 0n), ["A", "B", "C"]);
});

Deno.test("Everywhere: every host, from the token's owner on; Local and unknown: none", () => {
  const hosts = [
    host("A", "dc1", "r1", [0, 20]),
    host("B", "dc2", "r1", [10]),
    host("C", undefined, undefined, [30]),
  ];
  const everywhere = { class: "org.apache.cassandra.locator.EverywhereStrategy" };
  assertEquals(replicasOf(hosts, everywhere, 15n), ["A", "C", "B"]);
  assertEquals(replicasOf(hosts, everywhere, 31n), ["A", "B", "C"]);
  assertEquals(replicasOf(hosts, { class: "org.apache.cassandra.locator.LocalStrategy" }, 1n), []);
  assertEquals(replicasOf(hosts, { class: "com.example.MyStrategy" }, 1n), []);
});

Deno.test("TokenMap: replicas, ranges, shared placements, tokenOf", () => {
  const hosts = [
    host("A", "dc1", "r1", [-100]),
    host("B", "dc1", "r2", [0]),
    host("C", "dc1", "r3", [100]),
  ];
  const keyspaces = new Map<string, ReplicationOptions>([
    ["ks1", { class: NTS, dc1: "2" }],
    ["ks2", new Map([["class", "NetworkTopologyStrategy"], ["dc1", "2"]])],
    ["simple", { class: "SimpleStrategy", replication_factor: "1" }],
    ["system", { class: "org.apache.cassandra.locator.LocalStrategy" }],
  ]);
  const tm = TokenMap.build("org.apache.cassandra.dht.Murmur3Partitioner", hosts, keyspaces);
  assertEquals(tm.partitioner.name, "Murmur3Partitioner");
  assertEquals(names(tm.replicas("ks1", 50n)), ["C", "A"]);
  assertEquals(names(tm.replicas("ks1", 101n)), ["A", "B"]);
  assert(tm.replicas("ks1", 50n) === tm.replicas("ks2", 50n), "same settings, same placement");
  assertEquals(names(tm.replicas("simple", -100n)), ["A"]);
  assertEquals(tm.replicas("system", 0n), []);
  assertEquals(tm.replicas("nope", 0n), []);
  assertEquals(tm.strategy("simple"), { kind: "simple", replicationFactor: 1 });
  assertEquals([...tm.keyspaces()], ["ks1", "ks2", "simple", "system"]);

  const ranges = tm.tokenRanges("ks1");
  assertEquals(ranges.map((r) => [r.start, r.end, names(r.replicas)]), [
    [100n, -100n, ["A", "B"]], // wraps
    [-100n, 0n, ["B", "C"]],
    [0n, 100n, ["C", "A"]],
  ]);
  assertEquals(tm.tokenRanges().map((r) => names(r.replicas)), [["A"], ["B"], ["C"]]);

  const key = new TextEncoder().encode("hello");
  assertEquals(tm.tokenOf(key), -3758069500696749310n);
  assertEquals(names(tm.replicas("ks1", tm.tokenOf(key))), ["A", "B"]); // a token below -100

  // A schema change: ks1 kept (its placement reused), ks3 added.
  const next = tm.withKeyspaces(
    new Map<string, ReplicationOptions>([["ks1", { class: NTS, dc1: "2" }], ["ks3", {
      class: NTS,
      dc1: "3",
    }]]),
  );
  assert(next.ring === tm.ring);
  assert(next.replicas("ks1", 50n) === tm.replicas("ks1", 50n), "placement reused");
  assertEquals(names(next.replicas("ks3", 50n)), ["C", "A", "B"]);
  assertEquals(next.replicas("ks2", 50n), []);
});

Deno.test("TokenMap: one token is one range, the whole ring; no tokens, no replicas", () => {
  const tm = TokenMap.build(
    "Murmur3Partitioner",
    [host("A", "dc1", "r1", [42])],
    new Map([["ks", {
      class: "SimpleStrategy",
      replication_factor: "3",
    }]]),
  );
  assertEquals(tm.tokenRanges("ks").map((r) => [r.start, r.end, names(r.replicas)]), [[42n, 42n, [
    "A",
  ]]]);
  assertEquals(names(tm.replicas("ks", MIN)), ["A"]);
  const none = TokenMap.build<TestHost>(
    "Murmur3Partitioner",
    [host("A", "dc1", "r1", [])],
    new Map([["ks", {
      class: "SimpleStrategy",
      replication_factor: "3",
    }]]),
  );
  assertEquals(none.replicas("ks", 0n), []);
  assertEquals(none.tokenRanges("ks"), []);
});

Deno.test("TokenMap: RandomPartitioner rings; other partitioners refused", () => {
  const big = (1n << 126n).toString();
  const hosts = [{ ...host("A", "dc1", "r1", []), tokens: ["0"] }, {
    ...host("B", "dc1", "r1", []),
    tokens: [big],
  }];
  const tm = TokenMap.build(
    "org.apache.cassandra.dht.RandomPartitioner",
    hosts,
    new Map([["ks", {
      class: "SimpleStrategy",
      replication_factor: "1",
    }]]),
  );
  assertEquals(tm.ring.tokens, [0n, 1n << 126n]);
  assertEquals(names(tm.replicas("ks", 1n)), ["B"]);
  assertEquals(names(tm.replicas("ks", (1n << 126n) + 1n)), ["A"]);
  assertEquals(tm.tokenOf(new Uint8Array(0)), -1n);
  assertThrows(
    () => TokenMap.build("org.apache.cassandra.dht.ByteOrderedPartitioner", hosts, new Map()),
    TypeError,
    "ByteOrderedPartitioner",
  );
});

/**
 * Cassandra 5.0's NetworkTopologyStrategy.calculateNaturalReplicas, transcribed with Sets and
 * a fresh walk per token: the oracle for the precomputed, integer-indexed version.
 */
function cassandraNts(hosts: TestHost[], rf: Map<string, number>, token: bigint): string[] {
  const ring = hosts.flatMap((h) => h.tokens.map((t) => ({ token: BigInt(t), host: h })))
    .sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  let start = ring.findIndex((e) => e.token >= token);
  if (start < 0) start = 0;
  const replicas = new Set<TestHost>();
  const seenRacks = new Set<string>();
  const dcs = new Map<string, { rfLeft: number; repeats: number }>();
  for (const [dc, f] of rf) {
    const inDc = hosts.filter((h) => h.datacenter === dc && h.tokens.length > 0);
    const racks = new Set(inDc.map((h) => h.rack));
    if (f <= 0 || inDc.length === 0) continue;
    dcs.set(dc, { rfLeft: Math.min(f, inDc.length), repeats: f - racks.size });
  }
  let toFill = dcs.size;
  for (let k = 0; k < ring.length && toFill > 0; k++) {
    const h = ring[(start + k) % ring.length].host;
    const dc = h.datacenter === undefined ? undefined : dcs.get(h.datacenter);
    if (dc === undefined || dc.rfLeft === 0 || replicas.has(h)) continue;
    const location = `${h.datacenter}\u0000${h.rack}`;
    if (!seenRacks.has(location)) {
      seenRacks.add(location);
    } else if (dc.repeats > 0) {
      dc.repeats--;
    } else {
      continue;
    }
    replicas.add(h);
    if (--dc.rfLeft === 0) toFill--;
  }
  return names([...replicas]);
}

/**
 * The older description of NTS (the Java driver's): walk the ring taking hosts on unseen
 * racks, remember the others, and once every rack of the DC is seen fill up from those in
 * ring order. It yields the same replicas, in another order.
 */
function skipThenFill(hosts: TestHost[], rf: Map<string, number>, token: bigint): Set<string> {
  const ring = hosts.flatMap((h) => h.tokens.map((t) => ({ token: BigInt(t), host: h })))
    .sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  let start = ring.findIndex((e) => e.token >= token);
  if (start < 0) start = 0;
  const out = new Set<string>();
  for (const [dc, f] of rf) {
    const inDc = hosts.filter((h) => h.datacenter === dc);
    const allRacks = new Set(inDc.map((h) => h.rack));
    const want = Math.min(f, inDc.length);
    const taken = new Set<TestHost>(),
      racks = new Set<string | undefined>(),
      skipped: TestHost[] = [];
    for (let k = 0; k < ring.length && taken.size < want; k++) {
      const h = ring[(start + k) % ring.length].host;
      if (h.datacenter !== dc || taken.has(h)) continue;
      if (racks.size === allRacks.size) {
        taken.add(h);
      } else if (racks.has(h.rack)) {
        if (!skipped.includes(h)) skipped.push(h);
      } else {
        taken.add(h);
        racks.add(h.rack);
        if (racks.size === allRacks.size) {
          for (const s of skipped) if (taken.size < want) taken.add(s);
        }
      }
    }
    for (const h of taken) out.add(h.name);
  }
  return out;
}

Deno.test("NTS: random rings match Cassandra's algorithm; same replicas as skip-then-fill", () => {
  let seed = 12345;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  for (let round = 0; round < 150; round++) {
    const hosts: TestHost[] = [];
    const used = new Set<number>();
    const nHosts = 1 + rand(12);
    for (let h = 0; h < nHosts; h++) {
      const tokens: number[] = [];
      for (let v = 0, nv = 1 + rand(4); v < nv; v++) {
        let t = rand(1000);
        while (used.has(t)) t = rand(1000);
        used.add(t);
        tokens.push(t);
      }
      hosts.push(host(`h${h}`, `dc${1 + rand(3)}`, `r${1 + rand(3)}`, tokens));
    }
    const rf = new Map([["dc1", rand(5)], ["dc2", rand(4)], ["dc3", 1 + rand(3)]]);
    const options: Record<string, string> = { class: NTS };
    for (const [dc, f] of rf) options[dc] = String(f);
    const tm = TokenMap.build("Murmur3Partitioner", hosts, new Map([["ks", options]]));
    for (let probe = 0; probe < 20; probe++) {
      const token = BigInt(rand(1100) - 50);
      const got = names(tm.replicas("ks", token));
      assertEquals(got, cassandraNts(hosts, rf, token), `round ${round}, token ${token}`);
      assertEquals(got.toSorted(), [...skipThenFill(hosts, rf, token)].sort(), `round ${round}`);
    }
  }
});

// The cluster's Host is a RingHost: a TokenMap of Hosts type-checks (never called).
const _hostsFit = (hosts: Host[]): TokenMap<Host> =>
  TokenMap.build("Murmur3Partitioner", hosts, new Map());
