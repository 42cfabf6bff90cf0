/**
 * Worker for `@lambda-group/scylladb` (napi bindings over the ScyllaDB Rust driver), the
 * `lambda-scylladb` contender: Node only, since it is a native addon. Job in, one JSON line out:
 * see the contract at the top of bench/run.ts.
 *
 * What this driver (0.7.x) can and cannot do shapes the cells it runs: a failed request resolves
 * with an Error instead of rejecting (counted as a failure here, which ends the job), a JS number
 * binds as an int (the double column takes its `Double`), it binds no blob and no null, and a
 * result is one page with no paging state. So blob-insert and scan are skipped with the reason;
 * insert, select and blob-select run. It has no options for a local data center or a pool size:
 * its defaults (the Rust driver's) are what is measured. Every statement is prepared once.
 *
 * @module
 */

import { load } from "../builtins.mjs";
import { emit, readJob, runLoops, skip } from "./harness.mjs";
import {
  BLOB_ROWS,
  BLOB_SIZE,
  blobKey,
  CQL,
  kvKey,
  kvRow,
  READ_ROWS,
  WRITE_KEYS,
} from "../workloads.mjs";

const job = readJob();

/** Why a workload cannot run on this driver. */
const UNSUPPORTED = {
  "scan": "@lambda-group/scylladb returns one page and no paging state: it cannot page a scan",
  "blob-insert": "@lambda-group/scylladb binds no blob parameters",
};

/**
 * The driver's answer, or the Error it resolved with thrown as a failure.
 * @template T
 * @param {T | Error} r
 * @returns {T}
 */
function check(r) {
  if (r instanceof Error) throw r;
  return r;
}

const reason = /** @type {Record<string, string>} */ (UNSUPPORTED)[job.workload];
if (reason) {
  skip(reason);
} else if (job.hosts && job.hosts.length > 1) {
  skip("@lambda-group/scylladb has no local data center option for a cluster run");
} else {
  // Loaded through load() so that `deno check bench` does not need the package's typings.
  const scylla = await load("@lambda-group/scylladb");
  const cluster = new scylla.Cluster({
    nodes: [`${job.host}:${job.port}`],
    keyspace: job.keyspace,
    compression: job.compression === "lz4" ? 1 : 0, // Compression.Lz4 / None (a const enum)
    defaultExecutionProfile: { consistency: 1 }, // Consistency.One
  });
  const session = await cluster.connect();

  /** @type {import("./harness.mjs").Op} */
  let op;
  switch (job.workload) {
    case "insert": {
      const stmt = check(await session.prepare(CQL.insert));
      const c = job.concurrency;
      op = async (loop, n) => {
        const [id, c1, c2, c3, c4, c5] = kvRow((n * c + loop) % WRITE_KEYS);
        check(await session.execute(stmt, [id, c1, c2, c3, c4, new scylla.Double(c5)]));
        return 1;
      };
      break;
    }
    case "select": {
      const stmt = check(await session.prepare(CQL.select));
      op = async (loop, n) => {
        const rows = check(await session.execute(stmt, [kvKey((loop * 7919 + n) % READ_ROWS)]));
        if (rows.length !== 1) throw new Error("select found no row");
        return 1;
      };
      break;
    }
    case "blob-select": {
      const stmt = check(await session.prepare(CQL.blobSelect));
      op = async (loop, n) => {
        const rows = check(await session.execute(stmt, [blobKey((loop + n) % BLOB_ROWS)]));
        if (rows[0]?.data?.length !== BLOB_SIZE) throw new Error("short blob");
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
