// @ts-check
/**
 * One cold start, for bench/cold-start.ts: import a driver, connect, run one SELECT, print when
 * its rows arrived, exit. Plain JavaScript so it runs unchanged on Node, Bun and Deno. Each
 * driver runs with its defaults (cassandra-driver reads the whole schema during connect();
 * cql reads it in the background, after connect()), given the same contact point and data
 * center.
 *
 * Job (argv[2], JSON): `driver` ("cql" | "cassandra-driver"), `contactPoints`,
 * `localDataCenter`. Output, one JSON line: `rowsAt` (epoch ms when the rows were in hand, which
 * the orchestrator subtracts its spawn time from), `importMs`, `connectMs`, `queryMs` (the
 * phases, in-process), `cpuMs` (user + system CPU of the process until then) and `release`.
 *
 * @module
 */

import { load } from "../builtins.mjs";

/** Node, Bun and Deno 2 all have a global `process`. */
const process = /** @type {any} */ (globalThis).process;
const job = JSON.parse(process.argv.slice(2).find((/** @type {string} */ a) => a.startsWith("{")));
const g = /** @type {Record<string, unknown>} */ (globalThis);
const isNode = !("Deno" in g) && !("Bun" in g);
const QUERY = "SELECT release_version FROM system.local";

const t0 = performance.now();
/** @type {{ connect(): Promise<unknown>, execute(q: string): Promise<{ rows: any[] }> }} */
let client;
if (job.driver === "cql") {
  // Node users get the npm build; Deno and Bun import the TypeScript sources, as from JSR.
  /** @type {typeof import("../../mod.ts")} */
  const driver = await import(isNode ? "../../dist/mod.js" : "../../mod.ts");
  client = new driver.Client({
    contactPoints: job.contactPoints,
    localDataCenter: job.localDataCenter,
  });
} else if (job.driver === "cassandra-driver") {
  const cassandra = (await load("cassandra-driver")).default;
  client = new cassandra.Client({
    contactPoints: job.contactPoints,
    localDataCenter: job.localDataCenter,
  });
} else {
  throw new Error(`unknown driver ${job.driver}`);
}
const t1 = performance.now();
await client.connect();
const t2 = performance.now();
const rs = await client.execute(QUERY);
const t3 = performance.now();
const rowsAt = Date.now();
const cpu = process.cpuUsage();
const release = String(rs.rows[0]?.release_version ?? rs.rows[0]?.get?.("release_version"));
process.stdout.write(
  JSON.stringify({
    rowsAt,
    importMs: t1 - t0,
    connectMs: t2 - t1,
    queryMs: t3 - t2,
    cpuMs: (cpu.user + cpu.system) / 1000,
    release,
  }) + "\n",
  // Shutting down is not part of a cold start; drivers' timers would only add noise.
  () => process.exit(0),
);
