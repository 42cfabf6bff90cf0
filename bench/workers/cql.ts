/**
 * Worker for our own driver, `cql`: to be filled in when its client lands. It already follows
 * the worker contract (top of bench/run.ts) and runs on all three runtimes:
 *
 *   node_modules/.bin/deno run -A bench/workers/cql.ts '<job json>'
 *   node_modules/.bin/bun bench/workers/cql.ts '<job json>'
 *   node bench/workers/cql.ts …   (needs the built dist/ or a type-stripping Node; see run.ts)
 *
 * To implement: connect to `job.host:job.port` (keyspace `job.keyspace`, LZ4 when
 * `job.compression === "lz4"`), prepare the statement of `job.workload` from
 * `../workloads.mjs` (CQL.insert / select / scan / blobInsert / blobSelect, values from kvRow,
 * kvKey, blobKey, blobValue, exactly as workers/cassandra-driver.mjs does: copy its switch),
 * then `emit(await runLoops(job, op))` from `./harness.mjs`. Until then it reports itself as
 * skipped, which the orchestrator prints as a skipped row with this reason.
 *
 * @module
 */

import { readJob, skip } from "./harness.mjs";

const job = readJob();
skip(`cql worker not implemented yet (the client is being written; ${job.workload} skipped)`);
