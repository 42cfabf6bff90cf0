/**
 * Costs of token-aware routing, run by hand:
 *
 *   node_modules/.bin/deno run --v8-flags=--expose-gc bench/token-map.ts
 *
 * 1. ns per token: Murmur3 on 16- and 100-byte keys, our 32-bit-pair version against the same
 *    algorithm on bigints (`BigInt.asUintN` after each step: the obvious way to write it), plus
 *    RandomPartitioner, a composite routing key and a full `tokenOf` + `replicas` lookup.
 * 2. TokenMap build time and retained heap, NetworkTopologyStrategy with 2 DCs at RF 3 each
 *    and 3 racks per DC, for 100 nodes × 16 tokens and for 256-vnode clusters.
 *
 * Times are process CPU time, not wall time, which on a shared machine mostly measures the
 * neighbours: per-call costs the fastest of 15 runs, build times the median of 9. Heap is
 * `Deno.memoryUsage().heapUsed` after a full GC with the map alive, minus before (without
 * --expose-gc the GC cannot be forced and the heap figures are noise).
 *
 * @module
 */
import { murmur3Token } from "../src/routing/murmur3.ts";
import { randomPartitionerToken } from "../src/routing/random-partitioner.ts";
import { routingKey } from "../src/routing/routing-key.ts";
import type { ReplicationOptions } from "../src/routing/replication.ts";
import { TokenMap } from "../src/routing/token-map.ts";

const gc = (globalThis as { gc?: () => void }).gc;

// ---- Murmur3 on bigints, for comparison --------------------------------------------------

const M = (x: bigint) => BigInt.asUintN(64, x);
const C1 = 0x87c37b91114253d5n, C2 = 0x4cf5ad432745937fn;
const rotl = (v: bigint, n: bigint) => M((v << n) | (v >> (64n - n)));
const fmix = (k: bigint) => {
  k ^= k >> 33n;
  k = M(k * 0xff51afd7ed558ccdn);
  k ^= k >> 33n;
  k = M(k * 0xc4ceb9fe1a85ec53n);
  return k ^ (k >> 33n);
};

/** The same token, every 64-bit step on bigints. */
function murmur3Bigint(key: Uint8Array): bigint {
  const len = key.length;
  if (len === 0) return -(1n << 63n);
  const dv = new DataView(key.buffer, key.byteOffset, len);
  let h1 = 0n, h2 = 0n;
  const end = len - (len & 15);
  for (let p = 0; p < end; p += 16) {
    h1 ^= M(rotl(M(dv.getBigUint64(p, true) * C1), 31n) * C2);
    h1 = M((rotl(h1, 27n) + h2) * 5n + 0x52dce729n);
    h2 ^= M(rotl(M(dv.getBigUint64(p + 8, true) * C2), 33n) * C1);
    h2 = M((rotl(h2, 31n) + h1) * 5n + 0x38495ab5n);
  }
  let k1 = 0n, k2 = 0n;
  for (let j = len - end - 1; j >= 0; j--) {
    const s = M(BigInt((key[end + j] << 24) >> 24));
    if (j >= 8) k2 ^= M(s << BigInt(8 * (j - 8)));
    else k1 ^= M(s << BigInt(8 * j));
  }
  if (len - end > 8) h2 ^= M(rotl(M(k2 * C2), 33n) * C1);
  if (len - end > 0) h1 ^= M(rotl(M(k1 * C1), 31n) * C2);
  h1 ^= BigInt(len);
  h2 ^= BigInt(len);
  h1 = M(h1 + h2);
  h2 = M(h2 + h1);
  h1 = BigInt.asIntN(64, fmix(h1) + fmix(h2));
  return h1 === -(1n << 63n) ? (1n << 63n) - 1n : h1;
}

// ---- timing helpers --------------------------------------------------------------------

function median(xs: number[]): number {
  const s = xs.toSorted((a, b) => a - b);
  return s[s.length >> 1];
}

/**
 * Process CPU time in µs. `Deno.cpuUsage` exists at run time (Deno 2) but is not in Deno's type
 * declarations; without it this falls back to wall time.
 */
const cpuUsage = (Deno as unknown as { cpuUsage?: () => { user: number; system: number } })
  .cpuUsage;
function cpuMicros(): number {
  if (cpuUsage === undefined) return performance.now() * 1000;
  const u = cpuUsage();
  return u.user + u.system;
}

/**
 * ns per operation: `run(n)` performs n operations in a loop of its own, so that each loop
 * calls one function (a shared loop calling several turns megamorphic and deoptimizes). The
 * figure is the fastest of 15 runs in process CPU time: on this shared machine wall time
 * mostly measures the neighbours.
 */
function nsPerOp(run: (n: number) => number, n: number): number {
  run(20_000); // JIT warm-up
  let best = Infinity;
  for (let r = 0; r < 15; r++) {
    const c0 = cpuMicros();
    run(n);
    best = Math.min(best, ((cpuMicros() - c0) * 1000) / n);
  }
  return best;
}

function keysOf(size: number, count = 1024): Uint8Array[] {
  return Array.from({ length: count }, () => crypto.getRandomValues(new Uint8Array(size)));
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padEnd(n) : s.padStart(n);
}

// ---- 1. per-request costs --------------------------------------------------------------

const k16 = keysOf(16), k100 = keysOf(100);
for (const k of [...k16, ...k100, ...keysOf(7), ...keysOf(33)]) {
  if (murmur3Token(k) !== murmur3Bigint(k)) throw new Error("the two Murmur3 versions disagree");
}

const N = 200_000;
const parts = Array.from({ length: 1024 }, () => [keysOf(4, 1)[0], keysOf(12, 1)[0]]);
// Each loop counts a result that never occurs, so that the work cannot be optimized away.
const rows: [string, number][] = [
  [
    "murmur3, 16-byte key (32-bit pairs)",
    nsPerOp((n) => {
      let c = 0;
      for (let i = 0; i < n; i++) if (murmur3Token(k16[i & 1023]) === 42n) c++;
      return c;
    }, N),
  ],
  [
    "murmur3, 16-byte key (bigint)",
    nsPerOp((n) => {
      let c = 0;
      for (let i = 0; i < n; i++) if (murmur3Bigint(k16[i & 1023]) === 42n) c++;
      return c;
    }, N / 4),
  ],
  [
    "murmur3, 100-byte key (32-bit pairs)",
    nsPerOp((n) => {
      let c = 0;
      for (let i = 0; i < n; i++) if (murmur3Token(k100[i & 1023]) === 42n) c++;
      return c;
    }, N),
  ],
  [
    "murmur3, 100-byte key (bigint)",
    nsPerOp((n) => {
      let c = 0;
      for (let i = 0; i < n; i++) if (murmur3Bigint(k100[i & 1023]) === 42n) c++;
      return c;
    }, N / 4),
  ],
  [
    "random partitioner (MD5), 16-byte key",
    nsPerOp((n) => {
      let c = 0;
      for (let i = 0; i < n; i++) if (randomPartitionerToken(k16[i & 1023]) === 42n) c++;
      return c;
    }, N / 4),
  ],
  [
    "routingKey (int, 12-byte text) + murmur3",
    nsPerOp((n) => {
      let c = 0;
      for (let i = 0; i < n; i++) if (murmur3Token(routingKey(parts[i & 1023])) === 42n) c++;
      return c;
    }, N),
  ],
];

console.log("\nper-call cost (fastest of 15 runs, CPU time)\n");
console.log(`${pad("operation", 44, true)} ${pad("ns/op", 8)}`);
for (const [name, ns] of rows) console.log(`${pad(name, 44, true)} ${pad(ns.toFixed(1), 8)}`);

// ---- 2. token map build -----------------------------------------------------------------

interface BenchHost {
  readonly tokens: readonly string[];
  readonly datacenter: string;
  readonly rack: string;
}

function randomToken(): string {
  const b = crypto.getRandomValues(new Uint8Array(8));
  return new DataView(b.buffer).getBigInt64(0).toString();
}

/** `perDc[d]` nodes in DC d, `vnodes` random tokens each, racks r1..r3 round robin. */
function cluster(perDc: number[], vnodes: number): BenchHost[] {
  const hosts: BenchHost[] = [];
  perDc.forEach((n, d) => {
    for (let i = 0; i < n; i++) {
      hosts.push({
        datacenter: `dc${d + 1}`,
        rack: `r${(i % 3) + 1}`,
        tokens: Array.from({ length: vnodes }, randomToken),
      });
    }
  });
  return hosts;
}

const NTS = "org.apache.cassandra.locator.NetworkTopologyStrategy";
const keyspaces = new Map<string, ReplicationOptions>([
  ["app", { class: NTS, dc1: "3", dc2: "3" }],
  // Typical system keyspaces: local ones place nothing, the others share few settings.
  ["system", { class: "org.apache.cassandra.locator.LocalStrategy" }],
  ["system_schema", { class: "org.apache.cassandra.locator.LocalStrategy" }],
  ["system_auth", {
    class: "org.apache.cassandra.locator.SimpleStrategy",
    replication_factor: "1",
  }],
  ["system_distributed", {
    class: "org.apache.cassandra.locator.SimpleStrategy",
    replication_factor: "3",
  }],
  ["system_traces", {
    class: "org.apache.cassandra.locator.SimpleStrategy",
    replication_factor: "2",
  }],
]);
const ntsOnly = new Map([...keyspaces].filter(([k]) => k === "app"));

const scenarios: [string, BenchHost[]][] = [
  ["100 nodes (50+50) x 16 tokens", cluster([50, 50], 16)],
  ["6 nodes (3+3) x 256 vnodes", cluster([3, 3], 256)],
  ["3 nodes (2+1) x 256 vnodes", cluster([2, 1], 256)],
];

function measureBuild(hosts: BenchHost[], ks: Map<string, ReplicationOptions>) {
  const times: number[] = [];
  for (let r = 0; r < 9; r++) {
    const c0 = cpuMicros();
    TokenMap.build("Murmur3Partitioner", hosts, ks);
    times.push((cpuMicros() - c0) / 1000);
  }
  // Each map stays alive while the next is measured: a delta then never sees the previous one
  // collected.
  const kept: TokenMap<BenchHost>[] = [];
  const deltas: number[] = [];
  for (let r = 0; r < 5; r++) {
    gc?.();
    gc?.();
    const before = Deno.memoryUsage().heapUsed;
    kept.push(TokenMap.build("Murmur3Partitioner", hosts, ks));
    gc?.();
    gc?.();
    deltas.push(Deno.memoryUsage().heapUsed - before);
  }
  return { ms: median(times), kib: median(deltas) / 1024, map: kept[0] };
}

console.log(
  `\ntoken map build (median of 9, CPU ms), retained heap (median of 5)${
    gc ? "" : " (no --expose-gc: noise)"
  }\n`,
);
console.log(
  `${pad("cluster", 32, true)} ${pad("tokens", 7)} ${pad("NTS ms", 8)} ${pad("NTS KiB", 8)} ` +
    `${pad("+sys ms", 8)} ${pad("+sys KiB", 9)} ${pad("lookup ns", 10)}`,
);
for (const [name, hosts] of scenarios) {
  const nts = measureBuild(hosts, ntsOnly);
  const all = measureBuild(hosts, keyspaces);
  const tm = nts.map;
  const lookups = nsPerOp((n) => {
    let c = 0;
    for (let i = 0; i < n; i++) c += tm.replicas("app", tm.tokenOf(k16[i & 1023])).length;
    return c;
  }, N);
  console.log(
    `${pad(name, 32, true)} ${pad(String(tm.ring.size), 7)} ${pad(nts.ms.toFixed(2), 8)} ` +
      `${pad(nts.kib.toFixed(0), 8)} ${pad(all.ms.toFixed(2), 8)} ${pad(all.kib.toFixed(0), 9)} ` +
      `${pad(lookups.toFixed(1), 10)}`,
  );
}
console.log(
  "\nNTS: keyspace app, {dc1: 3, dc2: 3}, 3 racks per DC. +sys: with the five usual system",
);
console.log("keyspaces too. lookup: tokenOf(16-byte key) + replicas(), per request.");
