/**
 * Benchmark orchestrator: runs every (workload, contender, runtime, concurrency) as its own child
 * process, one after another (the machine has two cores and Cassandra needs one), prints a
 * table, writes bench/results/latest.json and an SVG chart. Before each job the tables the write
 * workloads fill are truncated, so every contender starts from the same server state.
 *
 *   npm run bench                     full run against a fresh node of its own (bench/node.ts:
 *                                     127.0.0.51, started empty, warmed up, stopped at the end;
 *                                     --keep-node leaves it running), ~50 minutes
 *   npm run bench -- --quick          under 2 minutes: fewer cells, short windows
 *   npm run bench -- --host=H --port=P   against a node already running instead
 *   npm run bench -- --driver-bound   select/scan against the replay server (bench/replay.ts)
 *   filters (comma lists): --workload=insert,blob --driver=cql,ceiling --runtime=node
 *                          --concurrency=512   also: --host= --port= --duration= --warmup=
 *   --rounds=N                        every cell N times (default 1; the headline cells, insert
 *                                     and select at 1 and 512 and both blob cells (driver-bound:
 *                                     select at 512 and scan), run at least 3 times, in rotated
 *                                     order, and report the median round)
 *   --merge                           a filtered run's rows replace those cells in latest.json
 *                                     (the other cells stay) instead of going to -filtered.json
 *   --cql-protocol=4                  our driver on protocol v4 (as the other contenders speak)
 *                                     instead of the highest the server offers; a filtered run
 *   --nodes=3 (or --nodes 3)          routing on a cluster: a bench cluster of three nodes of its
 *                                     own (bench/node.ts: `bench3`, 127.0.0.55-57, 2 GiB heap
 *                                     each, warmed up and stopped at the end as the single node
 *                                     is; --keep-node, --host/--port as above, every node then
 *                                     found in the host's system.peers), keyspace RF 3
 *                                     (NetworkTopologyStrategy), insert and select at 64 and 512,
 *                                     LOCAL_QUORUM, every node a contact point: cql (its default
 *                                     load balancing) against cql-rr (RoundRobinPolicy) and
 *                                     cassandra-driver (token-aware by default); results in
 *                                     bench/results/latest-3nodes.json (--quick: -3nodes-quick)
 *   --rf=N                            the cluster keyspace's replication factor (default 3; 1 to
 *                                     show routing: every request then has one replica; results
 *                                     in latest-3nodes-rf1.json)
 *
 * ## Worker contract (how to plug a contender in)
 * A worker is a script run as `<runtime> <script> '<job json>'` (the job is also accepted on
 * stdin). Job fields: `workload` (insert | select | scan | blob-insert | blob-select),
 * `concurrency` (that many independent loops, each with one request in flight), `durationSec`
 * (measured window), `warmupSec` (unmeasured time before it), optional `maxOps`, `host`,
 * `port`, `keyspace`, `localDataCenter`, `compression` ("none" | "lz4"), optional
 * `protocolVersion` (our driver only). Cluster runs (`--nodes 3`) add `hosts` (every node as
 * "host:port", the contact points; `host`/`port` are its first) and `consistency`
 * ("LOCAL_QUORUM"; absent means ONE), which the cql and cassandra-driver workers honour, and
 * `cql-rr` jobs `loadBalancing: "round-robin"` (cql worker only). Tables, statements and
 * row values come from bench/workloads.mjs (bench/python/common.py for Python).
 * The worker prints, as its last stdout line, one JSON object:
 *   {"ok": true, "ops_per_sec", "p50_ms", "p99_ms", "cpu_ms_per_1k_ops", "peak_rss_mb", ...}
 * or {"ok": false, "skipped": true, "reason": "..."} when it cannot run that job (shown as a
 * skipped row), or {"ok": false, "reason": "..."} on failure. The scan counts rows as
 * operations and its latencies are per page. CPU is the process's user+sys over the window;
 * peak RSS is VmHWM at the end. JS workers get all of this from bench/workers/harness.mjs:
 * build an `op(loop, n) => Promise<number>` and call `emit(await runLoops(job, op))`.
 * Native contenders are binaries run as `<binary> '<job json>'` (runtime `rust`: bench/rust/, the
 * scylla crate; `go`: bench/go/, gocql v2), built when missing by nativeSetup(), which also
 * installs @lambda-group/scylladb (napi) into bench/node_modules; all three are gitignored.
 * bench/workers/cql.mjs is the worker of our own driver; on Node it imports the npm build in
 * dist/, which this script builds first (`npm run build`).
 *
 * @module
 */

import { ensureSchema, resetForJob } from "./schema.ts";
import { DEFAULT_RECORDING, record } from "./replay.ts";
import { BENCH_CLUSTER, benchCluster, startBenchNode, stopBenchNode } from "./node.ts";

/** One line of bench/results/latest.json: exactly these fields. */
export interface ResultRow {
  /** Workload name (LZ4 variants end in `-lz4`, driver-bound ones in `-replay`). */
  workload: string;
  /** Contender. */
  driver: string;
  /** Runtime of the client process. */
  runtime: string;
  /** Requests in flight. */
  concurrency: number;
  /** Operations per second (rows per second for scan). */
  ops_per_sec: number;
  /** Median latency (per page for scan). */
  p50_ms: number;
  /** 99th percentile latency. */
  p99_ms: number;
  /** Client CPU (user+sys) per 1000 operations. */
  cpu_ms_per_1k_ops: number;
  /** Peak RSS of the client process. */
  peak_rss_mb: number;
}

type Runtime = "node" | "deno" | "bun" | "python" | "rust" | "go";

interface Contender {
  driver: string;
  runtimes: Runtime[];
  script: string;
  /** Drivers that can run against the replay server (v4, handshake recorded from cassandra-driver). */
  replay: boolean;
  /** Fields added to every job of this contender. */
  job?: Record<string, unknown>;
}

interface Cell {
  workload: string; // base workload, as in the job
  concurrency: number;
  compression: "none" | "lz4";
}

const HERE = new URL(".", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;
const DENO = `${ROOT}node_modules/.bin/deno`;
const BUN = `${ROOT}node_modules/.bin/bun`;
const PYTHON = `${HERE}.venv/bin/python`;

/** The scylla-rust worker's release binary (built by {@link nativeSetup}). */
const RUST_WORKER = "rust/target/release/scylla-bench-worker";
/** The gocql worker's binary (built by {@link nativeSetup}). */
const GO_WORKER = "go/gocql-worker";
/** The napi driver, installed into bench/node_modules (gitignored) when missing. */
const LAMBDA_PACKAGE = "@lambda-group/scylladb@0.7.1";

const CONTENDERS: Contender[] = [
  { driver: "cql", runtimes: ["node", "deno", "bun"], script: "workers/cql.mjs", replay: true },
  {
    driver: "cassandra-driver",
    runtimes: ["node", "bun", "deno"],
    script: "workers/cassandra-driver.mjs",
    replay: true,
  },
  // Bun is usually ahead on small requests and Deno on big responses; Node shows what a raw
  // node:net client costs (the floor under any Node driver's CPU). All three run in full runs and
  // the best one per cell is the 100 % mark. Node runs a bundle of the same file (see command()).
  {
    driver: "ceiling",
    runtimes: ["bun", "deno", "node"],
    script: "workers/ceiling.ts",
    replay: true,
  },
  // Our driver on protocol v4, the one scylla-rust and lambda-scylladb speak: every pair is then
  // also compared on equal protocol (on Cassandra 5, v4 costs the server more for some workloads).
  {
    driver: "cql-v4",
    runtimes: ["node", "deno", "bun"],
    script: "workers/cql.mjs",
    replay: false,
    job: { protocolVersion: 4 },
  },
  // The scylla crate's documented defaults, pool included (PerShard(1): one connection to a
  // Cassandra node, which has no shards); the worker takes `rustPoolSize` to try others.
  {
    driver: "scylla-rust",
    runtimes: ["rust"],
    script: RUST_WORKER,
    replay: false,
  },
  { driver: "gocql", runtimes: ["go"], script: GO_WORKER, replay: false },
  {
    driver: "lambda-scylladb",
    runtimes: ["node"],
    script: "workers/lambda-scylladb.mjs",
    replay: false,
  },
  {
    driver: "async-cassandra",
    runtimes: ["python"],
    script: "python/async_cassandra_worker.py",
    replay: false,
  },
  { driver: "scyllapy", runtimes: ["python"], script: "python/scyllapy_worker.py", replay: false },
  { driver: "acsylla", runtimes: ["python"], script: "python/acsylla_worker.py", replay: false },
  {
    driver: "python-driver",
    runtimes: ["python"],
    script: "python/python_driver.py",
    replay: false,
  },
];

/**
 * Contenders of a cluster run (`--nodes 3`): our driver with its default load balancing on every
 * runtime, with round robin (the same worker, `loadBalancing: "round-robin"`) and
 * cassandra-driver, whose default policy is token-aware, on Node.
 */
const CLUSTER_CONTENDERS: Contender[] = [
  { driver: "cql", runtimes: ["node", "deno", "bun"], script: "workers/cql.mjs", replay: false },
  {
    driver: "cql-rr",
    runtimes: ["node"],
    script: "workers/cql.mjs",
    replay: false,
    job: { loadBalancing: "round-robin" },
  },
  {
    driver: "cassandra-driver",
    runtimes: ["node"],
    script: "workers/cassandra-driver.mjs",
    replay: false,
  },
];

/** Consistency of every request in a cluster run. */
const CLUSTER_CONSISTENCY = "LOCAL_QUORUM";

/** PyPI package behind each Python contender (for install-status.json). */
const PYPI: Record<string, string> = {
  "async-cassandra": "async-cassandra",
  "scyllapy": "scyllapy",
  "acsylla": "acsylla",
  "python-driver": "cassandra-driver",
};

/** Flags that take a value: `--name=value`, or `--name value` as well. */
const VALUE_FLAGS = new Set([
  "host",
  "port",
  "duration",
  "warmup",
  "rounds",
  "workload",
  "driver",
  "runtime",
  "concurrency",
  "cql-protocol",
  "nodes",
  "rf",
]);

function flag(name: string): string | undefined {
  const at = Deno.args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  const found = Deno.args[at];
  if (found.includes("=")) return found.slice(found.indexOf("=") + 1);
  const next = Deno.args[at + 1];
  return VALUE_FLAGS.has(name) && next !== undefined && !next.startsWith("--") ? next : "true";
}

function list(name: string): string[] | undefined {
  return flag(name)?.split(",").map((s) => s.trim()).filter(Boolean);
}

function cells(quick: boolean, driverBound: boolean, cluster: boolean): Cell[] {
  const none = "none" as const;
  if (cluster) {
    // Routing shows with many requests in flight; --quick only shortens the windows.
    return ["insert", "select"].flatMap((workload) =>
      [64, 512].map((concurrency) => ({ workload, concurrency, compression: none }))
    );
  }
  if (driverBound) {
    return [
      ...(quick ? [64] : [1, 64, 512]).map((c) => ({
        workload: "select",
        concurrency: c,
        compression: none,
      })),
      { workload: "scan", concurrency: 1, compression: none },
    ];
  }
  const out: Cell[] = [];
  for (const w of ["insert", "select"]) {
    for (const c of quick ? [64] : [1, 64, 512]) {
      out.push({ workload: w, concurrency: c, compression: none });
    }
  }
  out.push({ workload: "scan", concurrency: 1, compression: none });
  // 64 KiB values: 16 in flight keeps a MiB on the wire without turning it into a queueing test.
  for (const compression of quick ? [none] : [none, "lz4" as const]) {
    for (const w of ["blob-insert", "blob-select"]) {
      out.push({ workload: w, concurrency: 16, compression });
    }
  }
  return out;
}

/** Rounds of the headline cells in a full run (see {@link headline}). */
const HEADLINE_ROUNDS = 3;

/**
 * The cells the issue sets targets on (throughput at 512, client CPU at 1 and 512) and the two
 * a Python driver contests (64 KiB values): a single round of them moves by 10 to 30% on this
 * shared machine, a margin as wide as the targets' own.
 */
function headline(cell: Cell, driverBound: boolean): boolean {
  if (cell.compression !== "none") return false;
  if (driverBound) return cell.workload === "scan" || cell.concurrency === 512;
  if (cell.workload === "blob-insert" || cell.workload === "blob-select") return true;
  return (cell.workload === "insert" || cell.workload === "select") &&
    (cell.concurrency === 1 || cell.concurrency === 512);
}

/** The round with the median throughput (all its figures, so they stay consistent). */
function median(outcomes: Outcome[]): Outcome {
  const ok = outcomes.filter((o) => o.row).sort((a, b) => a.row!.ops_per_sec - b.row!.ops_per_sec);
  // A contender that failed or was skipped in any round says so.
  if (ok.length < outcomes.length) return outcomes.find((o) => !o.row)!;
  return ok[(ok.length - 1) >> 1];
}

function cellName(cell: Cell, driverBound: boolean): string {
  return cell.workload + (cell.compression === "lz4" ? "-lz4" : "") +
    (driverBound ? "-replay" : "");
}

const decoder = new TextDecoder();

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Creates bench/.venv when missing; returns PyPI package → reason it could not install. */
async function pythonSetup(): Promise<Map<string, string>> {
  const status = `${HERE}.venv/install-status.json`;
  if (!(await exists(status))) {
    console.log("creating bench/.venv (bench/python/setup.sh)…");
    await new Deno.Command("bash", { args: [`${HERE}python/setup.sh`], stdout: "null" }).output();
  }
  const failed = new Map<string, string>();
  try {
    const parsed = JSON.parse(await Deno.readTextFile(status)) as Record<
      string,
      { ok: boolean; reason?: string }
    >;
    for (const [name, s] of Object.entries(parsed)) {
      if (!s.ok) failed.set(name, `pip install failed: ${s.reason}`);
    }
  } catch (e) {
    for (const p of Object.values(PYPI)) failed.set(p, `no Python venv: ${e}`);
  }
  return failed;
}

/**
 * Builds what the native and napi contenders need when it is missing, as pythonSetup() does the
 * venv: the Rust worker (cargo, release), the Go worker (go build) and @lambda-group/scylladb
 * (npm, into bench/node_modules, which Node finds from bench/workers/). Returns driver → reason
 * it could not be built; those contenders' rows are skipped with it.
 */
async function nativeSetup(drivers: Set<string>): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  const steps: { driver: string; done: string; cmd: string; args: string[]; cwd: string }[] = [
    {
      driver: "scylla-rust",
      done: `${HERE}${RUST_WORKER}`,
      cmd: "cargo",
      args: ["build", "--release", "--quiet"],
      cwd: `${HERE}rust`,
    },
    {
      driver: "gocql",
      done: `${HERE}${GO_WORKER}`,
      cmd: "go",
      args: ["build", "-o", "gocql-worker", "."],
      cwd: `${HERE}go`,
    },
    {
      driver: "lambda-scylladb",
      done: `${HERE}node_modules/@lambda-group/scylladb/package.json`,
      cmd: "npm",
      args: ["install", "--no-save", "--no-package-lock", "--prefix", HERE, LAMBDA_PACKAGE],
      cwd: HERE,
    },
  ];
  for (const step of steps) {
    if (!drivers.has(step.driver) || (await exists(step.done))) continue;
    console.log(`building ${step.driver} (${step.cmd} ${step.args.join(" ")})…`);
    try {
      const out = await new Deno.Command(step.cmd, {
        args: step.args,
        cwd: step.cwd,
        stdout: "null",
        stderr: "piped",
      }).output();
      if (!out.success || !(await exists(step.done))) {
        const err = decoder.decode(out.stderr).trim().split("\n").slice(-2).join(" | ");
        failed.set(step.driver, `${step.cmd} failed: ${err.slice(0, 200)}`);
      }
    } catch (e) {
      failed.set(step.driver, `${step.cmd} could not run: ${e}`);
    }
  }
  return failed;
}

/** Where TypeScript workers are bundled for Node, which cannot run TypeScript itself. */
const NODE_BUNDLES = `${ROOT}.cache/bench/`;

function nodeBundle(script: string): string {
  return `${NODE_BUNDLES}${script.replace(/^.*\//, "").replace(/\.ts$/, ".mjs")}`;
}

/** Bundles every TypeScript worker for Node (plain JavaScript workers run as they are). */
async function bundleForNode(contenders: Contender[]): Promise<void> {
  for (const c of contenders) {
    if (!c.script.endsWith(".ts") || !c.runtimes.includes("node")) continue;
    const out = await new Deno.Command(DENO, {
      args: ["bundle", "--quiet", `${HERE}${c.script}`, "-o", nodeBundle(c.script)],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`deno bundle ${c.script} failed: ${decoder.decode(out.stderr).slice(-500)}`);
    }
  }
}

function command(runtime: Runtime, script: string): string[] {
  const path = `${HERE}${script}`;
  switch (runtime) {
    case "node":
      return ["node", script.endsWith(".ts") ? nodeBundle(script) : path];
    case "deno":
      return [DENO, "run", "-A", path];
    case "bun":
      return [BUN, path];
    case "python":
      return [PYTHON, path];
    case "rust":
    case "go":
      return [path];
  }
}

interface Outcome {
  row?: ResultRow;
  skipped?: string;
  failed?: string;
}

/**
 * A fresh JVM interprets before it compiles, so the first jobs would meet a slower server than
 * the last (on this machine select at 512 climbed from 31k to 88k ops/s over its first minutes
 * of load). Before anything is measured, the server's v4 and v5 request paths get two minutes of
 * writes and reads (the ceiling speaks v4 like most contenders, cql on Deno v5); then the write
 * tables are emptied again. A cluster (`hosts` given) is warmed up the same way by cql on Deno
 * on v4 and on v5, with every node a contact point and the run's consistency, so that every node
 * coordinates and serves replica reads and writes (the ceiling talks to one node only).
 */
async function warmUp(
  host: string,
  port: number,
  dataCenter: string,
  quick: boolean,
  cluster?: { hosts: string[]; consistency: string },
): Promise<void> {
  console.log(`warming the server up (${quick ? "10 s" : "about 2 minutes"}, not measured)…`);
  const clients: [Runtime, string, Record<string, unknown>][] = cluster
    ? [
      ["deno", "workers/cql.mjs", { protocolVersion: 4, ...cluster }],
      ["deno", "workers/cql.mjs", cluster],
    ]
    : [["bun", "workers/ceiling.ts", {}], ["deno", "workers/cql.mjs", {}]];
  for (let pass = 0; pass < (quick ? 1 : 3); pass++) {
    for (const [runtime, script, extra] of clients) {
      for (const workload of ["insert", "select"]) {
        const o = await runOne(command(runtime, script), {
          workload,
          concurrency: 512,
          durationSec: quick ? 1 : 8,
          warmupSec: 0,
          host,
          port,
          keyspace: "bench",
          localDataCenter: dataCenter,
          compression: "none",
          ...extra,
        });
        if (!o.row) throw new Error(`warm-up ${workload} (${script}): ${o.failed ?? o.skipped}`);
      }
    }
  }
  await resetForJob(host, port);
}

async function runOne(argv: string[], job: Record<string, unknown>): Promise<Outcome> {
  const limit = (Number(job.durationSec) + Number(job.warmupSec)) * 1000 + 60_000;
  const child = new Deno.Command(argv[0], {
    args: [...argv.slice(1), JSON.stringify(job)],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    cwd: ROOT,
    env: { NODE_ENV: "production" },
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, limit);
  const out = await child.output();
  clearTimeout(timer);
  const lines = decoder.decode(out.stdout).trim().split("\n").filter((l) => l.startsWith("{"));
  if (!lines.length) {
    const err = decoder.decode(out.stderr).trim().split("\n").slice(-3).join(" | ");
    return { failed: `exit ${out.code}: ${err.slice(0, 300)}` };
  }
  const r = JSON.parse(lines[lines.length - 1]);
  if (r.skipped) return { skipped: r.reason };
  if (!r.ok) return { failed: String(r.reason).split("\n")[0].slice(0, 300) };
  return {
    row: {
      workload: "",
      driver: "",
      runtime: "",
      concurrency: 0,
      ops_per_sec: r.ops_per_sec,
      p50_ms: r.p50_ms,
      p99_ms: r.p99_ms,
      cpu_ms_per_1k_ops: r.cpu_ms_per_1k_ops,
      peak_rss_mb: r.peak_rss_mb,
    },
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function fmt(n: number): string {
  if (n >= 100) return Math.round(n).toLocaleString("en-US");
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** Best ceiling ops/s per workload@concurrency. */
function ceilings(rows: ResultRow[]): Map<string, number> {
  const best = new Map<string, number>();
  for (const r of rows) {
    if (r.driver !== "ceiling") continue;
    const k = `${r.workload}@${r.concurrency}`;
    best.set(k, Math.max(best.get(k) ?? 0, r.ops_per_sec));
  }
  return best;
}

interface Printed {
  key: string;
  row?: ResultRow;
  label: [string, number, string, string];
  note?: string;
}

function table(items: Printed[], rows: ResultRow[]): string {
  const best = ceilings(rows);
  const head = [
    "workload",
    "conc",
    "driver",
    "runtime",
    "ops/s",
    "% ceil",
    "p50 ms",
    "p99 ms",
    "cpu ms/1k",
    "rss MB",
  ];
  const body = items.map((it) => {
    const [w, c, d, rt] = it.label;
    if (!it.row) return [w, String(c), d, rt, it.note ?? "", "", "", "", "", ""];
    const r = it.row;
    const ceil = best.get(`${r.workload}@${r.concurrency}`);
    return [
      w,
      String(c),
      d,
      rt,
      fmt(r.ops_per_sec),
      ceil ? `${Math.round((r.ops_per_sec / ceil) * 100)}%` : "",
      fmt(r.p50_ms),
      fmt(r.p99_ms),
      fmt(r.cpu_ms_per_1k_ops),
      fmt(r.peak_rss_mb),
    ];
  });
  // Skipped rows carry their reason in the ops/s column: keep it out of the widths.
  const widths = head.map((h, i) =>
    Math.max(h.length, ...body.map((b) => (i >= 4 && !b[6] ? 0 : b[i].length)))
  );
  const line = (cols: string[]) =>
    cols.map((c, i) => (i >= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
  const out = [line(head), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const b of body) {
    // A skipped or failed row carries its reason in the ops/s column: print it unpadded.
    if (!b[6] && b[4]) out.push(line(b.slice(0, 4)) + "  " + b[4]);
    else out.push(line(b));
  }
  return out.join("\n");
}

/** Rows of an earlier result file whose cells this run did not measure. */
async function mergeBase(path: string, rows: ResultRow[]): Promise<ResultRow[]> {
  const key = (r: ResultRow) => [r.workload, r.concurrency, r.driver, r.runtime].join("|");
  const fresh = new Set(rows.map(key));
  try {
    const old = JSON.parse(await Deno.readTextFile(path)) as ResultRow[];
    return old.filter((r) => !fresh.has(key(r)));
  } catch {
    return [];
  }
}

/** The peers the issue's targets name, each against cql on Node on its default protocol and v4. */
const PEERS: [string, string][] = [
  ["scylla-rust", "rust"],
  ["gocql", "go"],
  ["lambda-scylladb", "node"],
  ["cassandra-driver", "node"],
];

/**
 * cql on Node (default protocol and v4) against each native and JavaScript peer in the same run:
 * ops/s ratio (above 1: cql faster) and client CPU per operation ratio (below 1: cql cheaper).
 */
export function ratios(rows: ResultRow[]): string {
  const find = (w: string, c: number, d: string, rt: string) =>
    rows.find((r) => r.workload === w && r.concurrency === c && r.driver === d && r.runtime === rt);
  const out: string[] = [];
  const cellKeys = [...new Set(rows.map((r) => `${r.workload}@${r.concurrency}`))];
  for (const k of cellKeys) {
    const [w, c] = [k.slice(0, k.lastIndexOf("@")), Number(k.slice(k.lastIndexOf("@") + 1))];
    for (const ours of ["cql", "cql-v4"]) {
      const us = find(w, c, ours, "node");
      if (!us) continue;
      for (const [d, rt] of PEERS) {
        const peer = find(w, c, d, rt);
        if (!peer || !peer.ops_per_sec || !peer.cpu_ms_per_1k_ops) continue;
        out.push(
          `${w.padEnd(18)} ${String(c).padStart(4)}  ${ours.padEnd(6)}/node vs ` +
            `${`${d}/${rt}`.padEnd(22)} ops ${(us.ops_per_sec / peer.ops_per_sec).toFixed(2)}x  ` +
            `cpu/op ${(us.cpu_ms_per_1k_ops / peer.cpu_ms_per_1k_ops).toFixed(2)}x`,
        );
      }
    }
  }
  return out.length ? "ratios (cql / peer, same run)\n" + out.join("\n") : "";
}

const COLORS: Record<string, string> = {
  "ceiling": "#9e9e9e",
  "cql": "#d62728",
  "cql-rr": "#e377c2",
  "cassandra-driver": "#1f77b4",
  "async-cassandra": "#2ca02c",
  "scyllapy": "#9467bd",
  "acsylla": "#ff7f0e",
  "python-driver": "#8c564b",
  "cql-v4": "#ff9896",
  "scylla-rust": "#bcbd22",
  "gocql": "#17becf",
  "lambda-scylladb": "#7f7f7f",
};

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Grouped bar chart, one group per workload@concurrency. Each group has its own scale (a scan
 * counts rows, a blob counts 64 KiB values: one shared axis would flatten all but one group),
 * with every bar labelled by its ops/s and its share of the ceiling.
 */
export function svgChart(rows: ResultRow[], title: string): string {
  const best = ceilings(rows);
  const groups = new Map<string, ResultRow[]>();
  for (const r of rows) {
    const k = `${r.workload} @${r.concurrency}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const barH = 14, gap = 4, labelW = 190, plotW = 420, left = 12, groupGap = 26;
  let y = 64;
  const parts: string[] = [];
  for (const [name, rs] of groups) {
    parts.push(
      `<text x="${left}" y="${y}" font-weight="bold" font-size="13">${esc(name)}</text>`,
    );
    y += 8;
    const max = Math.max(...rs.map((r) => r.ops_per_sec), 1);
    const ceil = best.get(`${rs[0].workload}@${rs[0].concurrency}`);
    for (const r of rs) {
      const w = Math.max(1, (r.ops_per_sec / max) * plotW);
      const pct = ceil ? ` (${Math.round((r.ops_per_sec / ceil) * 100)}%)` : "";
      parts.push(
        `<text x="${left + labelW - 6}" y="${y + barH - 3}" text-anchor="end" font-size="11">` +
          `${esc(r.driver)} / ${r.runtime}</text>`,
        `<rect x="${left + labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" ` +
          `fill="${COLORS[r.driver] ?? "#17becf"}"/>`,
        `<text x="${(left + labelW + w + 4).toFixed(1)}" y="${y + barH - 3}" font-size="11">` +
          `${esc(fmt(r.ops_per_sec))}${pct}</text>`,
      );
      y += barH + gap;
    }
    y += groupGap;
  }
  const width = left + labelW + plotW + 130;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" ` +
    `font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n` +
    `<text x="${left}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>\n` +
    `<text x="${left}" y="38" font-size="11" fill="#555">ops/s per workload @ concurrency ` +
    `(scan: rows/s); bars scaled per group; % of the ceiling in brackets</text>\n` +
    parts.join("\n") + "\n</svg>\n";
}

async function main(): Promise<void> {
  const quick = flag("quick") !== undefined;
  const rounds = Math.max(1, Number(flag("rounds") ?? 1));
  const driverBound = flag("driver-bound") !== undefined;
  const nodes = Number(flag("nodes") ?? 1);
  const benchNodes = benchCluster(nodes); // 1 or 3, else an error
  const cluster = nodes > 1;
  // RF 1 on a cluster shows what routing buys: only a replica can answer without a second hop.
  const rf = Number(flag("rf") ?? (cluster ? 3 : 1));
  if (!Number.isInteger(rf) || rf < 1 || rf > nodes) {
    throw new Error(`--rf is a whole number from 1 to the node count (${nodes})`);
  }
  if (cluster && driverBound) throw new Error("--driver-bound replays one node: no --nodes");
  const contenders = cluster ? CLUSTER_CONTENDERS : CONTENDERS;
  const external = flag("host") !== undefined || flag("port") !== undefined;
  let host = flag("host") ?? "127.0.0.1";
  let port = Number(flag("port") ?? 9042);
  const durationSec = Number(flag("duration") ?? (quick ? 1 : 8));
  const warmupSec = Number(flag("warmup") ?? (quick ? 0.3 : 2));
  const wl = list("workload"), dl = list("driver"), rl = list("runtime"), cl = list("concurrency");
  const cqlProtocol = flag("cql-protocol") === undefined ? undefined : Number(flag("cql-protocol"));
  if (cqlProtocol !== undefined && cqlProtocol !== 4 && cqlProtocol !== 5) {
    throw new Error("--cql-protocol is 4 or 5");
  }
  if (!/^127\./.test(host)) throw new Error("the benchmark only talks to 127.0.0.x");

  const t0 = performance.now();
  const recording = driverBound &&
    (flag("record") !== undefined || !(await exists(DEFAULT_RECORDING)));
  // Without --host/--port the run gets a node of its own (bench/node.ts); driver-bound runs need
  // one only to record from.
  const ownNode = !external && (!driverBound || recording);
  if (ownNode) ({ host, port } = await startBenchNode(console.log, benchNodes));
  try {
    await measure();
  } finally {
    if (ownNode && flag("keep-node") === undefined) await stopBenchNode(console.log, benchNodes);
  }

  async function measure(): Promise<void> {
    const info = driverBound && !recording
      ? { dataCenter: BENCH_CLUSTER.dataCenter, hosts: [`${host}:${port}`] }
      : await ensureSchema(host, port, false, console.log, {
        replicationFactor: rf,
        nodes,
      });
    // Cluster jobs name every node (the contact points) and their consistency.
    const clusterJob = cluster
      ? { hosts: info.hosts, consistency: CLUSTER_CONSISTENCY }
      : undefined;
    if (cluster) {
      console.log(
        `cluster of ${info.hosts.length} nodes (${info.hosts.join(", ")}), data center ` +
          `${info.dataCenter}, keyspace RF ${rf}, ${CLUSTER_CONSISTENCY}`,
      );
    }
    if (ownNode && !driverBound) await warmUp(host, port, info.dataCenter, quick, clusterJob);
    let replay: Deno.ChildProcess | undefined;
    if (driverBound) {
      if (recording) {
        console.log("recording select/scan responses from the real node…");
        await record(host, port, DEFAULT_RECORDING, info.dataCenter, console.log);
        // An idle JVM still takes CPU: the measurement needs only the replay server.
        if (ownNode) await stopBenchNode(console.log);
      }
      replay = new Deno.Command(DENO, {
        args: ["run", "-A", `${HERE}replay.ts`, "serve"],
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const reader = replay.stdout.getReader();
      const { value } = await reader.read();
      reader.releaseLock();
      // The replay server listens on 127.0.0.1, whichever node the recording came from.
      host = "127.0.0.1";
      port = JSON.parse(decoder.decode(value)).listening;
      console.log(`replay server on 127.0.0.1:${port}`);
    }
    // The venv is built only when a Python contender is in the run.
    const python = contenders.some((c) => PYPI[c.driver] && (!dl || dl.includes(c.driver)));
    const pyFailed = driverBound || cluster || !python
      ? new Map<string, string>()
      : await pythonSetup();
    const nativeFailed = driverBound || cluster ? new Map<string, string>() : await nativeSetup(
      new Set(contenders.map((c) => c.driver).filter((d) => !dl || dl.includes(d))),
    );
    const cqlOnNode = contenders.some((c) =>
      c.script === "workers/cql.mjs" && (!dl || dl.includes(c.driver)) &&
      c.runtimes.includes("node") && (!rl || rl.includes("node"))
    );
    if (cqlOnNode) {
      // Node users get the npm build, so that is what the Node rows measure.
      const b = await new Deno.Command(DENO, { args: ["task", "build"], cwd: ROOT }).output();
      if (!b.success) throw new Error("npm run build failed");
    }

    const rows: ResultRow[] = [];
    const printed: Printed[] = [];
    const ceilingRuntimes: Runtime[] = quick ? ["bun"] : ["bun", "deno", "node"];
    await bundleForNode(contenders);
    for (const cell of cells(quick, driverBound, cluster)) {
      const name = cellName(cell, driverBound);
      if (wl && !wl.some((w) => name === w || name.startsWith(w + "-") || cell.workload === w)) {
        continue;
      }
      if (cl && !cl.includes(String(cell.concurrency))) continue;
      const jobs: { c: Contender; runtime: Runtime }[] = [];
      for (const c of contenders) {
        if (dl && !dl.includes(c.driver)) continue;
        if (driverBound && !c.replay) continue;
        const runtimes = c.driver === "ceiling" && !rl ? ceilingRuntimes : c.runtimes;
        for (const runtime of runtimes) {
          if (!rl || rl.includes(runtime)) jobs.push({ c, runtime });
        }
      }
      // The headline cells run in several rounds, each in a rotated order, and report each
      // contender's median round: one round's figures swing by 20% on a shared machine, and
      // whoever runs first meets a different server state than whoever runs last.
      const nRounds = !quick && headline(cell, driverBound)
        ? Math.max(rounds, HEADLINE_ROUNDS)
        : rounds;
      const outcomes = new Map<string, Outcome[]>();
      for (let r = 0; r < nRounds; r++) {
        for (let j = 0; j < jobs.length; j++) {
          const { c, runtime } = jobs[(j + r) % jobs.length];
          const key = [name, cell.concurrency, c.driver, runtime].join("|");
          const pypi = PYPI[c.driver];
          let outcome: Outcome;
          if (pypi && pyFailed.has(pypi)) outcome = { skipped: pyFailed.get(pypi) };
          else if (nativeFailed.has(c.driver)) outcome = { skipped: nativeFailed.get(c.driver) };
          else {
            const job = {
              workload: cell.workload,
              concurrency: cell.concurrency,
              durationSec,
              warmupSec,
              host,
              port,
              keyspace: "bench",
              localDataCenter: info.dataCenter,
              compression: cell.compression,
              ...(c.script === "workers/cql.mjs" && cqlProtocol
                ? { protocolVersion: cqlProtocol }
                : {}),
              ...clusterJob,
              ...c.job,
            };
            try {
              if (!driverBound) await resetForJob(host, port);
              outcome = await runOne(command(runtime, c.script), job);
            } catch (e) {
              outcome = { failed: String(e) };
            }
          }
          const round = nRounds > 1 ? ` (round ${r + 1}/${nRounds})` : "";
          console.log(
            `${name} c=${cell.concurrency} ${c.driver}/${runtime}${round}: ${
              outcome.row
                ? `${fmt(outcome.row.ops_per_sec)} ops/s`
                : outcome.skipped
                ? `skipped: ${outcome.skipped}`
                : `FAILED: ${outcome.failed}`
            }`,
          );
          outcomes.set(key, [...(outcomes.get(key) ?? []), outcome]);
        }
      }
      for (const { c, runtime } of jobs) {
        const label: Printed["label"] = [name, cell.concurrency, c.driver, runtime];
        const key = label.join("|");
        const outcome = median(outcomes.get(key)!);
        if (outcome.row) {
          const row: ResultRow = {
            ...outcome.row,
            workload: name,
            driver: c.driver,
            runtime,
            concurrency: cell.concurrency,
          };
          for (
            const f of [
              "ops_per_sec",
              "p50_ms",
              "p99_ms",
              "cpu_ms_per_1k_ops",
              "peak_rss_mb",
            ] as const
          ) {
            row[f] = round(row[f], 3);
          }
          rows.push(row);
          printed.push({ key, row, label });
        } else {
          const note = outcome.skipped
            ? `skipped: ${outcome.skipped}`
            : `FAILED: ${outcome.failed}`;
          printed.push({ key, label, note });
        }
      }
    }
    replay?.kill("SIGTERM");
    await replay?.status;

    console.log("\n" + table(printed, rows));
    const vs = ratios(rows);
    if (vs) console.log("\n" + vs);
    const base = driverBound
      ? "latest-driver-bound"
      : cluster
      ? `latest-${nodes}nodes${rf === 3 ? "" : `-rf${rf}`}`
      : "latest";
    await Deno.mkdir(`${HERE}results`, { recursive: true });
    // A filtered run must not silently replace a complete result set.
    const filtered = wl || dl || rl || cl || cqlProtocol;
    // --merge: a filtered run's rows replace the same cells of the full result set, the rest stay.
    const merge = filtered && !quick && flag("merge") !== undefined;
    const name = merge ? base : filtered ? `${base}-filtered` : quick ? `${base}-quick` : base;
    if (merge) rows.splice(0, 0, ...(await mergeBase(`${HERE}results/${name}.json`, rows)));
    await Deno.writeTextFile(`${HERE}results/${name}.json`, JSON.stringify(rows, null, 2) + "\n");
    const title = `cql bench ${driverBound ? "(driver-bound, replay server)" : ""}${
      cluster ? `(${nodes} nodes, RF ${rf}, ${CLUSTER_CONSISTENCY})` : ""
    }${quick ? " --quick" : ""} ${new Date().toISOString().slice(0, 16)}`;
    await Deno.writeTextFile(`${HERE}results/${name}.svg`, svgChart(rows, title));
    console.log(
      `\nwrote bench/results/${name}.json and .svg in ${
        ((performance.now() - t0) / 1000).toFixed(0)
      } s`,
    );
  }
}

if (import.meta.main) await main();
