/**
 * What the compat entry costs over the native API: the same prepared SELECTs and INSERTs at
 * `--concurrency` in flight through the native Client, the compat Client (`@cql/driver/compat`)
 * and cassandra-driver itself, in one Deno process, rounds alternating so that a drift of the
 * machine's speed hits them all. Prints ops/s and client CPU per 1,000 operations, with the
 * ratios to native. Against 127.0.0.1:9042 (the test node).
 *
 *   node_modules/.bin/deno run -A bench/compat-cost.ts [--total 20000] [--concurrency 512] [--rounds 5]
 *
 * @module
 */
import cassandra from "cassandra-driver";
import { Client } from "../mod.ts";
import compat from "../src/compat/mod.ts";
import { cpuMs } from "./workers/harness.mjs";

const args = Deno.args;
const arg = (n: string, d: string) => {
  const i = args.indexOf(`--${n}`);
  return Number(i >= 0 ? args[i + 1] : d);
};
const total = arg("total", "20000");
const concurrency = arg("concurrency", "512");
const rounds = arg("rounds", "5");
const KS = "bench_compat";

type Exec = (cql: string, params: unknown[]) => Promise<unknown>;

const native = new Client({ contactPoints: ["127.0.0.1:9042"] });
await native.execute(
  `CREATE KEYSPACE IF NOT EXISTS ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
);
await native.execute(`CREATE TABLE IF NOT EXISTS ${KS}.kv (k int PRIMARY KEY, v text, n bigint)`);
for (let k = 0; k < 100; k++) {
  await native.execute(`INSERT INTO ${KS}.kv (k, v, n) VALUES (?, ?, ?)`, [k, `value ${k}`, 1n], {
    prepare: true,
  });
}
const opts = { contactPoints: ["127.0.0.1:9042"], localDataCenter: "datacenter1" };
const ours = new compat.Client(opts);
const theirs = new cassandra.Client(opts);
await ours.connect();
await theirs.connect();

const drivers: [string, Exec][] = [
  ["native", (q, p) => native.execute(q, p, { prepare: true })],
  ["compat", (q, p) => ours.execute(q, p, { prepare: true })],
  ["cassandra-driver", (q, p) => theirs.execute(q, p, { prepare: true })],
];
const workloads: [string, (i: number) => [string, unknown[]]][] = [
  ["select", (i) => [`SELECT k, v, n FROM ${KS}.kv WHERE k = ?`, [i % 100]]],
  ["insert", (i) => [`INSERT INTO ${KS}.kv (k, v, n) VALUES (?, ?, ?)`, [i % 100, "x", 2]]],
];

async function round(exec: Exec, make: (i: number) => [string, unknown[]]) {
  let next = 0;
  const cpu0 = cpuMs();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const [q, p] = make(next++);
      await exec(q, p);
    }
  }));
  return { ops: total / (performance.now() - t0) * 1000, cpu: (cpuMs() - cpu0) / total * 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(
  `${total} requests × ${rounds} rounds, concurrency ${concurrency}, Deno ${Deno.version.deno}`,
);
console.log("| workload | driver | ops/s | ×native | CPU ms/1k | ×native |");
console.log("|---|---|---:|---:|---:|---:|");
for (const [wname, make] of workloads) {
  for (const [, exec] of drivers) await round(exec, make); // warm-up
  const res = drivers.map(() => ({ ops: [] as number[], cpu: [] as number[] }));
  for (let r = 0; r < rounds; r++) {
    for (let d = 0; d < drivers.length; d++) {
      const { ops, cpu } = await round(drivers[d][1], make);
      res[d].ops.push(ops);
      res[d].cpu.push(cpu);
    }
  }
  const base = { ops: median(res[0].ops), cpu: median(res[0].cpu) };
  drivers.forEach(([name], d) => {
    const ops = median(res[d].ops);
    const cpu = median(res[d].cpu);
    console.log(
      `| ${wname} | ${name} | ${ops.toFixed(0)} | ${(ops / base.ops).toFixed(2)} | ${
        cpu.toFixed(1)
      } | ${(cpu / base.cpu).toFixed(2)} |`,
    );
  });
}
await ours.shutdown();
await theirs.shutdown();
await native.close();
