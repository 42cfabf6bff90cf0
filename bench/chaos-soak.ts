/**
 * Chaos soak (issue 21), run by hand, not in CI: the `faults` test cluster (127.0.0.101-103),
 * each node behind the CQL-aware fault proxy (tests/support/cql-proxy.ts). 64 concurrent
 * workers issue a mix of idempotent QUORUM reads and QUORUM writes (half of them marked
 * idempotent) while a random fault hits a random node every few seconds and one node is killed
 * (SIGKILL) and restarted every two minutes. At the end every acknowledged write is read back at
 * QUORUM: an acknowledged write that is missing is lost, and must never happen.
 *
 *   node_modules/.bin/deno run -A bench/chaos-soak.ts [--minutes=10] [--faultEvery=3000] [--seed=1]
 *
 * Prints: requests, failures by error type, acknowledged writes lost, p50/p99/max latency, the
 * requests that took longer than their timeout plus a second, unhandled rejections, stream ids
 * still reserved once the load stopped, and RSS at start and end. Every 30 s it prints RSS and the
 * live heap; run with `--v8-flags=--expose-gc` to measure the heap after a full collection, which
 * tells a leak (live heap growing with the requests) from V8 keeping memory it may reuse.
 *
 * @module
 */
import { Client, type ConsistencyLevel } from "../mod.ts";
import { killNode, start, startNode } from "../tools/cassandra/launcher.ts";
import { type ProxySet, type Rule, startCqlProxies } from "../tests/support/cql-proxy.ts";
import { Opcode } from "../src/protocol/opcodes.ts";

const flag = (name: string) =>
  Deno.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const minutes = Number(flag("minutes") ?? 10);
const faultEvery = Number(flag("faultEvery") ?? 3000);
/** A small deterministic generator, so that a run can be repeated (mulberry32). */
let seed = Number(flag("seed") ?? 1) >>> 0;
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

const CONCURRENCY = 64;
const REQUEST_TIMEOUT = 2000;
const KILL_EVERY = 120_000;
const FIRST_KILL = 60_000;
const KEYSPACE = "chaos_soak";
const QUORUM: ConsistencyLevel = "QUORUM";

const unhandled: unknown[] = [];
globalThis.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  unhandled.push(e.reason);
});

const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
const rssStart = Deno.memoryUsage().rss;
const info = await start({
  name: "faults",
  address: "127.0.0.101",
  nodes: 3,
  heapMb: 512,
  log: () => {},
});
console.log(`cluster ${info.name} up: ${info.nodes.map((n) => n.address).join(", ")}`);
const px: ProxySet = await startCqlProxies(
  info.nodes.map((n) => ({ host: n.address, port: n.port })),
);
const byNode = new Map(info.nodes.map((n, i) => [`${n.address}:${n.port}`, px.proxies[i]]));
const client = new Client({
  contactPoints: px.proxies.map((p) => `${p.host}:${p.port}`),
  localDataCenter: "datacenter1",
  addressTranslator: {
    translate: ({ host, port }) => {
      const p = byNode.get(`${host}:${port}`);
      return p ? { host: p.host, port: p.port } : { host, port };
    },
  },
  requestTimeout: REQUEST_TIMEOUT,
  heartbeatInterval: 1000,
});
await client.connect();
console.log("connected through the proxies");
/** Runs a setup statement, saying every 10 s what it still waits for (a setup once hung here). */
async function setup(cql: string): Promise<void> {
  const t0 = performance.now();
  const watch = setInterval(() => {
    const hosts = client.hosts.map((h) => `${h.address} up=${h.isUp} inFlight=${h.inFlight}`);
    console.log(`  still waiting ${((performance.now() - t0) / 1000).toFixed(0)} s for: ${cql}`);
    console.log(`    ${hosts.join("; ")}`);
  }, 10_000);
  try {
    await client.execute(cql);
  } finally {
    clearInterval(watch);
  }
  console.log(`  ${cql.split(" (")[0]}: ${(performance.now() - t0).toFixed(0)} ms`);
}
let settingUp = true;
client.on("log", (e) => {
  if (settingUp && e.level !== "debug") console.log(`  log ${e.level}: ${e.message}`);
});
await setup(
  `CREATE KEYSPACE IF NOT EXISTS ${KEYSPACE} WITH replication = ` +
    `{'class': 'SimpleStrategy', 'replication_factor': 3}`,
);
await setup(`DROP TABLE IF EXISTS ${KEYSPACE}.kv`);
await setup(`CREATE TABLE ${KEYSPACE}.kv (k bigint PRIMARY KEY, v bigint)`);
settingUp = false;
console.log("schema ready");
const rssLoaded = Deno.memoryUsage().rss;

const INSERT = `INSERT INTO ${KEYSPACE}.kv (k, v) VALUES (?, ?)`;
const SELECT = `SELECT v FROM ${KEYSPACE}.kv WHERE k = ?`;

/** The faults drawn from, on the workload's statements of one node (not heartbeats, not schema). */
const FAULTS: readonly { name: string; rule: (node: number) => Rule }[] = [
  ...([
    ["Overloaded", { code: "overloaded" }],
    ["IsBootstrapping", { code: "isBootstrapping" }],
    ["Unavailable", { code: "unavailable", consistency: "QUORUM", required: 2, alive: 1 }],
    [
      "ReadTimeout no data",
      { code: "readTimeout", consistency: "QUORUM", received: 2, blockFor: 2, dataPresent: false },
    ],
    [
      "WriteTimeout SIMPLE",
      {
        code: "writeTimeout",
        consistency: "QUORUM",
        received: 1,
        blockFor: 2,
        writeType: "SIMPLE",
      },
    ],
    ["ServerError", { code: "serverError" }],
  ] as const).map(([name, error]) => ({
    name,
    rule: (node: number): Rule => ({
      when: { node, statement: KEYSPACE, times: 50 },
      then: { kind: "error", error },
    }),
  })),
  {
    name: "delay 300 ms",
    rule: (node) => ({ when: { node, statement: KEYSPACE }, then: { kind: "delay", ms: 300 } }),
  },
  {
    name: "response sliced",
    rule: (node) => ({
      when: { node, statement: KEYSPACE, direction: "response", times: 20 },
      then: { kind: "slice", size: 7 },
    }),
  },
  {
    name: "drop one",
    rule: (node) => ({ when: { node, statement: KEYSPACE, times: 1 }, then: { kind: "drop" } }),
  },
  ...(["fin", "rst"] as const).map((how) => ({
    name: `cut ${how} mid-frame`,
    rule: (node: number): Rule => ({
      when: { node, statement: KEYSPACE, times: 1 },
      then: { kind: "cut", how, midFrame: true },
    }),
  })),
  {
    name: "response corrupted",
    rule: (node) => ({
      when: { node, statement: KEYSPACE, direction: "response", times: 1 },
      then: { kind: "corrupt", offset: 0 },
    }),
  },
  {
    name: "black hole",
    rule: (node) => ({
      when: { node, statement: KEYSPACE, times: 1 },
      then: { kind: "blackhole" },
    }),
  },
];

let stopping = false;
let nextKey = 0;
let requests = 0;
let reads = 0;
let writes = 0;
let overBound = 0;
/** Keys whose write was acknowledged (v = 3k + 1). */
const acked: number[] = [];
const failures = new Map<string, number>();
const latencies: number[] = [];
const faultsInjected = new Map<string, number>();
const events: string[] = [];
const t0 = performance.now();
const at = () => `${((performance.now() - t0) / 1000).toFixed(0)}s`;

function record(started: number, error?: unknown): void {
  const took = performance.now() - started;
  requests++;
  latencies.push(took);
  // A request may be retried on other nodes, each attempt with its own timeout: the liveness
  // bound is per attempt, and a request that never settles would never be recorded at all.
  if (took > 3 * (REQUEST_TIMEOUT + 1000)) overBound++;
  if (error !== undefined) {
    const name = error instanceof Error ? error.constructor.name : typeof error;
    failures.set(name, (failures.get(name) ?? 0) + 1);
  }
}

async function worker(): Promise<void> {
  while (!stopping) {
    const started = performance.now();
    if (random() < 0.5 && nextKey > 0) {
      reads++;
      const k = Math.floor(random() * nextKey);
      try {
        await client.execute(SELECT, [BigInt(k)], { consistency: QUORUM, idempotent: true });
        record(started);
      } catch (e) {
        record(started, e);
      }
    } else {
      writes++;
      const k = nextKey++;
      try {
        await client.execute(INSERT, [BigInt(k), BigInt(3 * k + 1)], {
          consistency: QUORUM,
          idempotent: random() < 0.5,
        });
        acked.push(k);
        record(started);
      } catch (e) {
        record(started, e);
      }
    }
  }
}

async function chaos(): Promise<void> {
  while (!stopping) {
    await sleep(faultEvery * (0.5 + random()));
    if (stopping) return;
    const f = pick(FAULTS);
    const node = 1 + Math.floor(random() * px.proxies.length);
    const rule = px.add(f.rule(node));
    faultsInjected.set(f.name, (faultsInjected.get(f.name) ?? 0) + 1);
    await sleep(1500);
    px.remove(rule);
  }
}

async function killer(): Promise<void> {
  let victim = 3;
  let next = FIRST_KILL;
  while (!stopping) {
    const wait = next - (performance.now() - t0);
    if (wait > 0) {
      await sleep(Math.min(wait, 1000));
      continue;
    }
    next += KILL_EVERY;
    await killNode("faults", victim);
    events.push(`${at()} killed node${victim}`);
    await sleep(10_000);
    const took = await startNode("faults", victim, { log: () => {} });
    events.push(`${at()} node${victim} answers again (restart took ${(took / 1000).toFixed(0)}s)`);
    victim = victim === 1 ? 3 : victim - 1;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

console.log(`chaos soak: ${minutes} min, ${CONCURRENCY} workers, a fault every ~${faultEvery} ms`);
const workers = Array.from({ length: CONCURRENCY }, worker);
const background = [chaos(), killer()];
const gc = (globalThis as { gc?: () => void }).gc;
/** Live heap (after a full collection when `gc` is exposed) at each progress line. */
const heapSamples: number[] = [];
let seenExecutes = 0;
const progress = setInterval(() => {
  const bad = [...failures.values()].reduce((a, b) => a + b, 0);
  // The proxies keep every request they saw: counted and forgotten here, or they would be
  // the growing part of this process's heap.
  seenExecutes += px.seen.filter((s) => s.opcode === Opcode.Execute).length;
  px.reset();
  gc?.();
  const m = Deno.memoryUsage();
  heapSamples.push(m.heapUsed);
  console.log(
    `${at()}: ${requests} requests, ${bad} failed, ${acked.length} writes acked, ` +
      `rss ${mib(m.rss)}, heap ${mib(m.heapUsed)}${gc ? " after GC" : ""}`,
  );
}, 30_000);
await sleep(minutes * 60_000);
stopping = true;
await Promise.all(workers);
const loadEnd = performance.now();
clearInterval(progress);
// A restart under way finishes: the read-back wants every node.
await Promise.all(background);
px.clear();

// Stream ids still reserved once the load stopped (each dropped answer keeps one: see the
// faults test), after the heartbeats had time to retire silenced connections.
await sleep(5000);
const reserved = client.hosts.map((h) => `${h.address}=${h.inFlight}`).join(" ");
const rssEnd = Deno.memoryUsage().rss;

// Every acknowledged write read back at QUORUM, 100 keys a request.
let lost = 0;
let readBackErrors = 0;
const chunks: number[][] = [];
for (let i = 0; i < acked.length; i += 100) chunks.push(acked.slice(i, i + 100));
let chunk = 0;
await Promise.all(Array.from({ length: 16 }, async () => {
  while (chunk < chunks.length) {
    const keys = chunks[chunk++];
    for (let attempt = 0;; attempt++) {
      try {
        const rs = await client.execute(
          `SELECT k, v FROM ${KEYSPACE}.kv WHERE k IN ?`,
          [keys.map(BigInt)],
          { consistency: QUORUM, idempotent: true },
        );
        const found = new Map(rs.rows.map((r) => [Number(r.k), r.v]));
        for (const k of keys) if (found.get(k) !== BigInt(3 * k + 1)) lost++;
        break;
      } catch (e) {
        readBackErrors++;
        if (attempt === 5) throw e;
        await sleep(500);
      }
    }
  }
}));
seenExecutes += px.seen.filter((s) => s.opcode === Opcode.Execute).length;
await client.close();
await px.close();

latencies.sort((a, b) => a - b);
const q = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
const failed = [...failures.values()].reduce((a, b) => a + b, 0);
console.log("\nevents:");
for (const e of events) console.log(`  ${e}`);
console.log(`\nfaults injected: ${JSON.stringify(Object.fromEntries(faultsInjected))}`);
console.log("\n| figure | value |\n| --- | ---: |");
const rows: [string, string | number][] = [
  ["duration of load", `${((loadEnd - t0) / 1000).toFixed(0)} s`],
  ["requests", requests],
  ["  reads / writes", `${reads} / ${writes}`],
  ["  per second", Math.round(requests / ((loadEnd - t0) / 1000))],
  ["EXECUTEs the proxies saw", seenExecutes],
  ["failed requests", `${failed} (${(100 * failed / requests).toFixed(2)} %)`],
  ...[...failures].sort((a, b) => b[1] - a[1]).map(([k, v]): [string, number] => [`  ${k}`, v]),
  ["writes acknowledged", acked.length],
  ["acknowledged writes lost", lost],
  ["read-back requests that failed (retried)", readBackErrors],
  ["latency p50", `${q(0.5).toFixed(1)} ms`],
  ["latency p99", `${q(0.99).toFixed(1)} ms`],
  ["latency max", `${q(1).toFixed(1)} ms`],
  ["requests over 3 x (timeout + 1 s)", overBound],
  ["unhandled rejections", unhandled.length],
  ["stream ids reserved after the load", reserved],
  ["RSS at start (before connect)", mib(rssStart)],
  ["RSS once connected", mib(rssLoaded)],
  ["RSS at end of load", mib(rssEnd)],
  [
    `live heap${gc ? " after GC" : ""} at 1 min / half-way / end of load`,
    [heapSamples[1], heapSamples[heapSamples.length >> 1], heapSamples.at(-1)]
      .map((x) => x === undefined ? "-" : mib(x)).join(" / "),
  ],
];
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
if (lost > 0 || unhandled.length > 0) Deno.exitCode = 1;
