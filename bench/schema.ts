/**
 * Creates the benchmark keyspace and tables and populates the tables that the read workloads
 * use, once: a row in `bench.meta` remembers the data version, so later runs skip the 100k-row
 * load. Speaks the protocol through bench/proto.ts rather than through any contender, so no
 * driver gets its statements or connections warmed up by the setup.
 *
 *   node_modules/.bin/deno run -A bench/schema.ts [--host=127.0.0.1] [--port=9042] [--force]
 *
 * @module
 */

import { enc, executeBody, Op, rowsSummary, SimpleConnection } from "./proto.ts";
import {
  BLOB_ROWS,
  blobKey,
  blobValue,
  CQL,
  DATA_VERSION,
  KEYSPACE,
  kvKey,
  kvRow,
  READ_ROWS,
  SCAN_ROWS,
  scanRow,
  SCHEMA,
} from "./workloads.mjs";

/** What the workers need to know about the node. */
export interface NodeInfo {
  /** Data center of the node, for drivers that insist on `localDataCenter`. */
  dataCenter: string;
}

const decoder = new TextDecoder();

/** Reads `data_center` from system.local (one text column, one row). */
async function dataCenterOf(conn: SimpleConnection): Promise<string> {
  const body = await conn.query("SELECT data_center FROM system.local");
  const { rows } = rowsSummary(body);
  if (rows !== 1) return "datacenter1";
  // The single cell is the last [bytes] of the body.
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  for (let p = body.length - 4; p >= 0; p--) {
    const n = dv.getInt32(p);
    if (n === body.length - p - 4) return decoder.decode(body.subarray(p + 4));
  }
  return "datacenter1";
}

/** Runs `count` requests with at most `window` in flight. */
async function pipelined(
  count: number,
  window: number,
  send: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await send(next++);
  };
  await Promise.all(Array.from({ length: window }, lane));
}

/** Makes sure the schema exists and the read tables hold the current data. */
export async function ensureSchema(
  host: string,
  port: number,
  force = false,
  log: (s: string) => void = () => {},
): Promise<NodeInfo> {
  const conn = await SimpleConnection.open(host, port);
  try {
    const dataCenter = await dataCenterOf(conn);
    for (const ddl of SCHEMA) await conn.query(ddl);
    const marker = await conn.query(`SELECT v FROM ${KEYSPACE}.meta WHERE k = 'data'`);
    // One int cell: it is the last 4 bytes of the body.
    const current = rowsSummary(marker).rows === 1
      ? new DataView(marker.buffer, marker.byteOffset).getInt32(marker.length - 4)
      : -1;
    if (current === DATA_VERSION && !force) return { dataCenter };
    log(`populating ${KEYSPACE} (${READ_ROWS} kv rows, ${SCAN_ROWS} scan rows, blobs)…`);
    const t0 = performance.now();
    for (const t of ["kv_read", "scan", "blob_read", "kv_write", "blob_write"]) {
      await conn.query(`TRUNCATE ${KEYSPACE}.${t}`);
    }
    const kvId = await conn.prepare(CQL.populateRead);
    await pipelined(READ_ROWS, 128, (i) => {
      const [id, c1, c2, c3, c4, c5] = kvRow(i);
      return conn.expect(
        Op.EXECUTE,
        executeBody(kvId, [
          enc.text(id),
          enc.text(c1),
          enc.text(c2),
          enc.int(c3),
          enc.bigint(c4),
          enc.double(c5),
        ]),
      );
    });
    const scanId = await conn.prepare(CQL.populateScan);
    await pipelined(SCAN_ROWS, 256, (i) => {
      const r = scanRow(i);
      return conn.expect(
        Op.EXECUTE,
        executeBody(scanId, [
          enc.int(r[0]),
          enc.int(r[1]),
          enc.text(r[2]),
          enc.int(r[3]),
          enc.bigint(r[4]),
          enc.double(r[5]),
          enc.bool(r[6]),
          enc.uuid(r[7]),
          enc.bigint(r[8]),
          r[9],
        ]),
      );
    });
    const blobId = await conn.prepare(CQL.populateBlob);
    const blob = blobValue();
    await pipelined(
      BLOB_ROWS,
      16,
      (i) => conn.expect(Op.EXECUTE, executeBody(blobId, [enc.text(blobKey(i)), blob])),
    );
    await conn.query(`INSERT INTO ${KEYSPACE}.meta (k, v) VALUES ('data', ${DATA_VERSION})`);
    log(`populated in ${((performance.now() - t0) / 1000).toFixed(1)} s (first key ${kvKey(0)})`);
    return { dataCenter };
  } finally {
    conn.close();
  }
}

if (import.meta.main) {
  const arg = (name: string) => Deno.args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const info = await ensureSchema(
    arg("host") ?? "127.0.0.1",
    Number(arg("port") ?? 9042),
    Deno.args.includes("--force"),
    console.log,
  );
  console.log(JSON.stringify(info));
}

/** Tables the write workloads fill. */
const WRITE_TABLES = ["kv_write", "blob_write"];

/**
 * Empties the tables the write workloads fill, before every job: each contender then writes into
 * an empty table rather than one its predecessors grew (whoever runs first had the easiest time),
 * and no read job shares the server with flushes and compactions left behind by earlier writes.
 */
export async function resetForJob(host: string, port: number): Promise<void> {
  const conn = await SimpleConnection.open(host, port);
  try {
    for (const table of WRITE_TABLES) {
      await conn.query(`TRUNCATE ${KEYSPACE}.${table}`);
    }
  } finally {
    conn.close();
  }
}
