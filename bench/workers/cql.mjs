// @ts-check
/**
 * Worker for our own driver, `cql`. Plain JavaScript so it runs unchanged on every runtime, each
 * loading the driver the way its users do: Deno and Bun import the TypeScript sources (`mod.ts`,
 * as from JSR), Node imports the npm build in `dist/` (`npm run build`, which bench/run.ts runs
 * first). Job in, one JSON line out: see the contract at the top of bench/run.ts.
 *
 * Configured like the cassandra-driver worker: every statement prepared, default pooling (two
 * connections per node), consistency ONE (or the job's `consistency`), LZ4 for the `-lz4` jobs,
 * the driver's default load balancing unless the job asks for `loadBalancing: "round-robin"`
 * (the `cql-rr` contender of `--nodes 3` runs), every node of `hosts` as a contact point.
 *
 * @module
 */

import { emit, readJob, runLoops } from "./harness.mjs";
import {
  BLOB_ROWS,
  blobKey,
  blobValue,
  CQL,
  kvKey,
  kvRow,
  READ_ROWS,
  SCAN_PAGE_SIZE,
  WRITE_KEYS,
} from "../workloads.mjs";

const g = /** @type {Record<string, unknown>} */ (globalThis);
const isNode = !("Deno" in g) && !("Bun" in g);
/** @type {typeof import("../../mod.ts")} */
const driver = await import(isNode ? "../../dist/mod.js" : "../../mod.ts");

const job = readJob();
if (job.loadBalancing !== undefined && job.loadBalancing !== "round-robin") {
  throw new Error(`unknown loadBalancing ${job.loadBalancing}`);
}
const client = new driver.Client({
  contactPoints: job.hosts ?? [`${job.host}:${job.port}`],
  localDataCenter: job.localDataCenter,
  keyspace: job.keyspace,
  consistency: job.consistency ?? "ONE",
  compression: job.compression === "lz4" ? "lz4" : undefined,
  protocolVersion: job.protocolVersion,
  ...(job.loadBalancing === "round-robin"
    ? { loadBalancing: new driver.RoundRobinPolicy(job.localDataCenter) }
    : {}),
});
await client.connect();

const opts = { prepare: true };
/** @type {import("./harness.mjs").Op} */
let op;
switch (job.workload) {
  case "insert": {
    const c = job.concurrency;
    op = async (loop, n) => {
      await client.execute(CQL.insert, kvRow((n * c + loop) % WRITE_KEYS), opts);
      return 1;
    };
    break;
  }
  case "select": {
    op = async (loop, n) => {
      const rs = await client.execute(CQL.select, [kvKey((loop * 7919 + n) % READ_ROWS)], opts);
      if (rs.rowLength !== 1) throw new Error("select found no row");
      return 1;
    };
    break;
  }
  case "scan": {
    /** @type {(Uint8Array | undefined)[]} */
    const state = [];
    op = async (loop) => {
      const rs = await client.execute(CQL.scan, [], {
        prepare: true,
        pageSize: SCAN_PAGE_SIZE,
        pagingState: state[loop],
      });
      let n = 0;
      for (const row of rs.rows) if (row.ck !== undefined) n++;
      state[loop] = rs.pagingState ?? undefined;
      return n;
    };
    break;
  }
  case "blob-insert": {
    const blob = blobValue();
    op = async (loop, n) => {
      await client.execute(CQL.blobInsert, [blobKey((loop + n) % BLOB_ROWS), blob], opts);
      return 1;
    };
    break;
  }
  case "blob-select": {
    op = async (loop, n) => {
      const rs = await client.execute(CQL.blobSelect, [blobKey((loop + n) % BLOB_ROWS)], opts);
      const data = /** @type {Uint8Array} */ (rs.rows[0].data);
      if (data.length !== 65536) throw new Error("short blob");
      return 1;
    };
    break;
  }
  default:
    throw new Error(`unknown workload ${job.workload}`);
}
try {
  emit(await runLoops(job, op));
} catch (e) {
  emit({ ok: false, reason: String(e) });
} finally {
  await client.close();
}
