/**
 * Worker for the DataStax Node.js driver (`cassandra-driver` 4.x): runs unchanged on Node, Bun
 * and Deno (npm compatibility). Job in, one JSON line out: see the contract at the top of
 * bench/run.ts.
 *
 * Configured the way its documentation recommends for throughput: every statement prepared
 * (`prepare: true`), the default pooling (one connection per host, up to 2048 requests in flight
 * on it with protocol v4) except where its documented `pooling.coreConnectionsPerHost` measured
 * better here: two connections for `select` (2026-12-02, alternating 1 and 2 at 512: +5% to
 * +21% in 3 of 3 rounds; insert -17% to +1% and blob-select -4% to -6% with 2, so those keep
 * 1), and the default load-balancing policy with the node's data center (token-aware over
 * DC-aware round robin), every node of the job's `hosts` as a contact point. Consistency ONE, or
 * the job's `consistency`. The driver has no frame compression, so the LZ4 jobs are skipped.
 *
 * @module
 */

import { load } from "../builtins.mjs";
import { emit, readJob, runLoops, skip } from "./harness.mjs";
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

// Loaded through load() so that `deno check bench` does not follow it into the driver's
// typings, which reference @types/node, a package this repo does not install.
const cassandra = (await load("cassandra-driver")).default;

const job = readJob();

/** The driver's code for a consistency name: "LOCAL_QUORUM" is `consistencies.localQuorum`. */
const consistency = (() => {
  const name = job.consistency ?? "ONE";
  const key = name.toLowerCase().replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  const code = cassandra.types.consistencies[key];
  if (code === undefined) throw new Error(`unknown consistency ${name}`);
  return code;
})();

if (job.compression !== "none") {
  skip("cassandra-driver 4.x has no protocol compression (no LZ4/Snappy support in the driver)");
} else {
  const client = new cassandra.Client({
    contactPoints: job.hosts ?? [`${job.host}:${job.port}`],
    localDataCenter: job.localDataCenter,
    keyspace: job.keyspace,
    queryOptions: { prepare: true, consistency },
    // The driver reports usage to DataStax Insights when it connects to DSE/Astra; not here.
    monitorReporting: { enabled: false },
    // Documented option: bigint columns as JS BigInt, like every other contender here.
    encoding: { useBigIntAsLong: true },
    ...(job.workload === "select"
      ? { pooling: { coreConnectionsPerHost: { [cassandra.types.distance.local]: 2 } } }
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
      /** @type {(string | undefined)[]} */
      const state = [];
      op = async (loop) => {
        const rs = await client.execute(CQL.scan, [], {
          prepare: true,
          fetchSize: SCAN_PAGE_SIZE,
          pageState: state[loop],
        });
        // Touch every row's columns so that lazily built rows are really built.
        let n = 0;
        for (const row of rs.rows) if (row.ck !== undefined) n++;
        state[loop] = rs.pageState ?? undefined;
        return n;
      };
      break;
    }
    case "blob-insert": {
      const blob = Buffer.from(blobValue());
      op = async (loop, n) => {
        await client.execute(CQL.blobInsert, [blobKey((loop + n) % BLOB_ROWS), blob], opts);
        return 1;
      };
      break;
    }
    case "blob-select": {
      op = async (loop, n) => {
        const rs = await client.execute(CQL.blobSelect, [blobKey((loop + n) % BLOB_ROWS)], opts);
        if (rs.rows[0].data.length !== 65536) throw new Error("short blob");
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
  }
}
