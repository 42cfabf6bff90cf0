// @ts-check
/**
 * The measuring half of every JS worker (cassandra-driver on Node/Bun/Deno, the ceiling, and the
 * `cql` worker once it is written): reads the job, runs N independent request loops for a
 * warm-up and then a measured window, and prints the one JSON result line the orchestrator
 * expects. Plain JavaScript so Node runs it without a TypeScript step. The contract itself is
 * documented at the top of bench/run.ts.
 *
 * @module
 */

import { load } from "../builtins.mjs";

/** @type {{ readFileSync(path: string | number, encoding: "utf8"): string }} */
const fs = await load("node:fs");
/** Node, Bun and Deno 2 all have a global `process`. */
const process = /** @type {any} */ (globalThis).process;

/**
 * @typedef {object} Job
 * @property {string} workload insert | select | scan | blob-insert | blob-select
 * @property {number} concurrency requests in flight (independent loops)
 * @property {number} durationSec measured window
 * @property {number} warmupSec unmeasured time before it (JIT, prepared statements, pools)
 * @property {number} [maxOps] stop the window early after this many operations
 * @property {string} host
 * @property {number} port
 * @property {string[]} [hosts] every node as "host:port", the contact points of a cluster run
 *   (`host`/`port` are then its first entry); absent: the single node `host`:`port`
 * @property {"ONE" | "LOCAL_ONE" | "QUORUM" | "LOCAL_QUORUM" | "ALL"} [consistency] of every
 *   request (cql and cassandra-driver workers); default ONE
 * @property {"round-robin"} [loadBalancing] cql worker only: RoundRobinPolicy instead of the
 *   driver's default load balancing
 * @property {string} keyspace
 * @property {string} localDataCenter
 * @property {"none" | "lz4"} compression
 * @property {4 | 5} [protocolVersion] our driver only: the protocol to ask for
 */

/**
 * The job: argv[2] if it is JSON, else stdin.
 * @returns {Job}
 */
export function readJob() {
  const arg = process.argv.slice(2).find((/** @type {string} */ a) => a.trim().startsWith("{"));
  return JSON.parse(arg ?? fs.readFileSync(0, "utf8"));
}

/**
 * Prints the result line and exits (drivers keep timers alive; waiting for them to unwind would
 * only add noise to the runtime of the whole benchmark).
 * @param {Record<string, unknown>} result
 */
export function emit(result) {
  process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(0));
}

/**
 * Reports that this contender cannot run this job, with the reason; the orchestrator prints a
 * skipped row.
 * @param {string} reason
 */
export function skip(reason) {
  emit({ ok: false, skipped: true, reason });
}

/**
 * CPU time of this process (user + sys, all threads) in ms. Node and Bun have
 * process.cpuUsage(); Deno's node:process may lack it or return zeros, and then /proc/self/stat
 * (clock ticks, 10 ms resolution, fine over a window of seconds) is read instead.
 * @returns {number}
 */
export function cpuMs() {
  try {
    const u = process.cpuUsage();
    if (u.user + u.system > 0) return (u.user + u.system) / 1000;
  } catch { /* fall through */ }
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

/**
 * Peak resident set size of this process in MiB (VmHWM).
 * @returns {number}
 */
export function peakRssMb() {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

/**
 * Latency histogram with fixed memory: 1 µs buckets below 1 ms, then 64 sub-buckets per power
 * of two (≤ 1.6 % error), so recording costs a few arithmetic operations whatever the run length.
 */
export class Histogram {
  constructor() {
    /** @type {Float64Array} */
    this.counts = new Float64Array(1024 + 64 * 40);
    this.total = 0;
  }
  /** @param {number} ms */
  record(ms) {
    const us = Math.max(0, Math.round(ms * 1000));
    let i;
    if (us < 1024) i = us;
    else {
      const e = Math.floor(Math.log2(us)); // ≥ 10
      i = 1024 + (e - 10) * 64 + Math.floor((us / 2 ** e - 1) * 64);
    }
    this.counts[Math.min(i, this.counts.length - 1)]++;
    this.total++;
  }
  /**
   * Value at quantile q (0..1) in ms.
   * @param {number} q
   */
  quantile(q) {
    if (this.total === 0) return 0;
    const target = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= target) {
        if (i < 1024) return i / 1000;
        const e = Math.floor((i - 1024) / 64) + 10;
        const sub = (i - 1024) % 64;
        return (2 ** e * (1 + (sub + 0.5) / 64)) / 1000;
      }
    }
    return 0;
  }
}

/**
 * One request of a loop. Resolves with how many operations it did: 1, or the rows of a scan
 * page (the scan counts rows).
 * @typedef {(loop: number, n: number) => Promise<number>} Op
 */

/**
 * Runs `job.concurrency` independent loops of `op`: warm-up, then the measured window. Only
 * requests that start inside the window count; CPU is sampled at its edges.
 * @param {Job} job
 * @param {Op} op
 * @returns {Promise<Record<string, unknown>>} the result fields of the contract
 */
export async function runLoops(job, op) {
  const hist = new Histogram();
  const now = () => performance.now();
  const warmEnd = now() + job.warmupSec * 1000;
  let measuring = false;
  let stopped = false;
  let ops = 0;
  let cpuStart = 0;
  let start = 0;
  let end = 0;
  let cpuEnd = 0;
  const maxOps = job.maxOps ?? Infinity;
  /** @type {(v?: unknown) => void} */
  let finish = () => {};
  const finished = new Promise((r) => (finish = r));
  const stop = () => {
    if (stopped) return;
    stopped = true;
    end = now();
    cpuEnd = cpuMs();
    finish();
  };
  const begin = () => {
    measuring = true;
    cpuStart = cpuMs();
    start = now();
    setTimeout(stop, job.durationSec * 1000);
  };
  if (job.warmupSec > 0) setTimeout(begin, job.warmupSec * 1000);
  else begin();
  let failure = /** @type {unknown} */ (null);
  /** @param {number} loop */
  const loop = async (loop) => {
    let n = 0;
    while (!stopped) {
      const counted = measuring;
      const t0 = now();
      const done = await op(loop, n++);
      if (counted && !stopped) {
        hist.record(now() - t0);
        ops += done;
        if (ops >= maxOps) stop();
      }
      // A loop that never yields (a fake or cached answer) would starve the timers.
      if (!counted && now() > warmEnd + 1000) await new Promise((r) => setTimeout(r, 0));
    }
  };
  const loops = [];
  for (let i = 0; i < job.concurrency; i++) {
    loops.push(
      loop(i).catch((e) => {
        failure = e;
        stop();
      }),
    );
  }
  await finished;
  await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 5000))]);
  if (failure) throw failure;
  return windowResult({ ops, start, end, cpuStart, cpuEnd, hist });
}

/**
 * The result line of a measured window (the contract at the top of bench/run.ts).
 * @param {{ ops: number, start: number, end: number, cpuStart: number, cpuEnd: number,
 *   hist: Histogram }} w  times in ms: `start`/`end` from performance.now(), CPU from cpuMs()
 */
export function windowResult({ ops, start, end, cpuStart, cpuEnd, hist }) {
  const seconds = (end - start) / 1000;
  return {
    ok: true,
    ops,
    seconds,
    ops_per_sec: ops / seconds,
    p50_ms: hist.quantile(0.5),
    p99_ms: hist.quantile(0.99),
    cpu_ms_per_1k_ops: ops ? ((cpuEnd - cpuStart) / ops) * 1000 : 0,
    peak_rss_mb: peakRssMb(),
  };
}
