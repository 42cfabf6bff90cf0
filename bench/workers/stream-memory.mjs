// @ts-check
/**
 * Child of bench/stream-memory.ts: streams `rows` rows of `bench.stream_rows` with `for await`
 * and prints `{"rows", "ms", "peak_rss_mb"}`. Plain JavaScript so each runtime loads the driver
 * as its users do (Node the npm build in dist/, Deno and Bun the TypeScript sources).
 *
 *   <runtime> bench/workers/stream-memory.mjs <rows> [pageSize] [cql|cassandra-driver]
 *
 * @module
 */
import { peakRssMb } from "./harness.mjs";

const g = /** @type {Record<string, unknown>} */ (globalThis);
const isNode = !("Deno" in g) && !("Bun" in g);
/** @type {typeof import("../../mod.ts")} */
const driver = await import(isNode ? "../../dist/mod.js" : "../../mod.ts");
const argv = "Deno" in g
  ? /** @type {{ args: string[] }} */ (g.Deno).args
  : /** @type {{ argv: string[] }} */ (g.process).argv.slice(2);

/** Rows per partition of bench.stream_rows (bench/stream-memory.ts fills it). */
const PER_PARTITION = 10_000;
const n = Number(argv[0]);
const pageSize = Number(argv[1] ?? 5000);
const QUERY = "SELECT p, c, v FROM bench.stream_rows WHERE p IN ? LIMIT ?";
const params = [Array.from({ length: Math.ceil(n / PER_PARTITION) }, (_, i) => i), n];

/**
 * Every row of the query, through the driver named by the third argument: ours, or
 * cassandra-driver's `client.stream()` (a Node Readable, iterated the same way), for comparison.
 * @returns {Promise<{ rows: AsyncIterable<{ v: unknown }>, close: () => Promise<void> }>}
 */
async function open() {
  if (argv[2] === "cassandra-driver") {
    const { default: cassandra } = await import("cassandra-driver");
    const client = new cassandra.Client({
      contactPoints: ["127.0.0.1"],
      localDataCenter: "datacenter1",
    });
    await client.connect();
    return {
      rows: client.stream(QUERY, params, { prepare: true, fetchSize: pageSize }),
      close: () => client.shutdown(),
    };
  }
  const client = new driver.Client({ contactPoints: ["127.0.0.1"], pageSize });
  return { rows: client.stream(QUERY, params), close: () => client.close() };
}

const { rows, close } = await open();
let count = 0;
const t0 = performance.now();
for await (const row of rows) {
  if (row.v !== null) count++;
}
const ms = performance.now() - t0;
await close();
console.log(
  JSON.stringify({ rows: count, ms: Math.round(ms), peak_rss_mb: Math.round(peakRssMb()) }),
);
