/**
 * Creates the benchmark keyspace and tables and populates the tables that the read workloads
 * use, once: a row in `bench.meta` remembers the data version, so later runs skip the 100k-row
 * load. Speaks the protocol through bench/proto.ts rather than through any contender, so no
 * driver gets its statements or connections warmed up by the setup.
 *
 *   node_modules/.bin/deno run -A bench/schema.ts [--host=127.0.0.1] [--port=9042] [--force]
 *     [--rf=3]   (a keyspace of three replicas, for a cluster of at least three nodes)
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
  replication,
  SCAN_ROWS,
  scanRow,
  schema,
} from "./workloads.mjs";

/** What the workers need to know about the node. */
export interface NodeInfo {
  /** Data center of the node, for drivers that insist on `localDataCenter`. */
  dataCenter: string;
  /**
   * Every node of the cluster as "host:port": the one asked first, then its peers (their
   * `rpc_address` in system.peers, on the same port).
   */
  hosts: string[];
}

/** Options of {@link ensureSchema}. */
export interface SchemaOptions {
  /**
   * Replicas of the keyspace. 1 (default): SimpleStrategy, as the single-node runs have it; more:
   * NetworkTopologyStrategy on the node's data center. A keyspace made with another factor is
   * altered and repopulated.
   */
  replicationFactor?: number;
  /** Nodes the cluster must have: waits (up to a minute) until the node sees that many. */
  nodes?: number;
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

/**
 * The cells of a one-column result whose values all have `size` bytes (inet: 4, uuid: 16), read
 * from the end of the body (rows come last). Null when a cell has another size (a null).
 */
function fixedColumn(body: Uint8Array, size: number): Uint8Array[] | null {
  const { rows } = rowsSummary(body);
  const start = body.length - rows * (4 + size);
  if (start < 0) return null;
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const out: Uint8Array[] = [];
  for (let p = start; p < body.length; p += 4 + size) {
    if (dv.getInt32(p) !== size) return null;
    out.push(body.subarray(p + 4, p + 4 + size));
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The peers' `rpc_address`es (IPv4), or null while one of them is not known yet. */
async function peersOf(conn: SimpleConnection): Promise<string[] | null> {
  const cells = fixedColumn(await conn.query("SELECT rpc_address FROM system.peers"), 4);
  return cells && cells.map((c) => c.join("."));
}

/**
 * Waits until every node reports the same schema version (system.local and system.peers of the
 * node asked), as drivers do after DDL: the workers' first requests go to every node.
 */
async function waitSchemaAgreement(conn: SimpleConnection, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const local = fixedColumn(await conn.query("SELECT schema_version FROM system.local"), 16);
    const peers = fixedColumn(await conn.query("SELECT schema_version FROM system.peers"), 16);
    if (local && peers) {
      const versions = new Set([...local, ...peers].map((v) => v.join(",")));
      if (versions.size === 1) return;
    }
    if (Date.now() > deadline) throw new Error("the nodes did not agree on the schema in time");
    await sleep(200);
  }
}

/** QUORUM: with RF 3, a row written at QUORUM is on two replicas, which LOCAL_QUORUM reads meet. */
const CONSISTENCY_QUORUM = 0x0004;

/** {@link executeBody} at `consistency`: the two bytes after the prepared id ([short bytes]). */
function executeAt(
  consistency: number,
  id: Uint8Array,
  values: (Uint8Array | null)[],
): Uint8Array {
  const body = executeBody(id, values);
  new DataView(body.buffer, body.byteOffset).setUint16(2 + id.length, consistency);
  return body;
}

/** The keyspace's replication map (system_schema.keyspaces), or null when it has none. */
async function replicationOf(conn: SimpleConnection): Promise<Map<string, string> | null> {
  const body = await conn.query(
    `SELECT JSON replication FROM system_schema.keyspaces WHERE keyspace_name = '${KEYSPACE}'`,
  );
  if (rowsSummary(body).rows !== 1) return null;
  // One text cell, the last [bytes] of the body: its length is the only int among the last
  // bytes that counts them (4 bytes of JSON text make a number far larger than the body).
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  for (let p = body.length - 4; p >= 0; p--) {
    if (dv.getInt32(p) !== body.length - p - 4) continue;
    const json = JSON.parse(decoder.decode(body.subarray(p + 4)));
    return new Map(Object.entries(json.replication as Record<string, string>));
  }
  return null;
}

/** Whether `replication` is what {@link replication}(rf, dataCenter) asks for. */
function sameReplication(m: Map<string, string>, rf: number, dataCenter: string): boolean {
  const cls = m.get("class") ?? "";
  return rf === 1
    ? cls.endsWith("SimpleStrategy") && m.get("replication_factor") === "1"
    : cls.endsWith("NetworkTopologyStrategy") && m.size === 2 &&
      m.get(dataCenter) === String(rf);
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
  opts: SchemaOptions = {},
): Promise<NodeInfo> {
  const rf = opts.replicationFactor ?? 1;
  const conn = await SimpleConnection.open(host, port);
  try {
    const dataCenter = await dataCenterOf(conn);
    let peers = await peersOf(conn);
    const deadline = Date.now() + 60_000;
    while ((opts.nodes ?? 1) > 1 && (peers === null || peers.length + 1 < opts.nodes!)) {
      if (Date.now() > deadline) {
        throw new Error(
          `${host}:${port} sees ${(peers?.length ?? 0) + 1} node(s), not ${opts.nodes}`,
        );
      }
      await sleep(500);
      peers = await peersOf(conn);
    }
    const hosts = [`${host}:${port}`, ...(peers ?? []).map((p) => `${p}:${port}`)];
    if (rf > hosts.length) throw new Error(`replication factor ${rf} on ${hosts.length} node(s)`);
    for (const ddl of schema(rf, dataCenter)) await conn.query(ddl);
    if (hosts.length > 1) await waitSchemaAgreement(conn);
    // A keyspace made with another factor (by a run of the other mode against this cluster).
    const made = await replicationOf(conn);
    if (made && !sameReplication(made, rf, dataCenter)) {
      log(`${KEYSPACE} has replication ${JSON.stringify(Object.fromEntries(made))}: altering…`);
      await conn.query(
        `ALTER KEYSPACE ${KEYSPACE} WITH replication = ${replication(rf, dataCenter)}`,
      );
      if (hosts.length > 1) await waitSchemaAgreement(conn);
      force = true;
    }
    const marker = await conn.query(`SELECT v FROM ${KEYSPACE}.meta WHERE k = 'data'`);
    // One int cell: it is the last 4 bytes of the body.
    const current = rowsSummary(marker).rows === 1
      ? new DataView(marker.buffer, marker.byteOffset).getInt32(marker.length - 4)
      : -1;
    if (current === DATA_VERSION && !force) return { dataCenter, hosts };
    // Written at QUORUM when there are replicas to agree: a LOCAL_QUORUM read then always finds
    // the row on one of the two replicas it asks.
    const cl = rf > 1 ? CONSISTENCY_QUORUM : 0x0001;
    log(
      `populating ${KEYSPACE} (${READ_ROWS} kv rows, ${SCAN_ROWS} scan rows, blobs; ` +
        `${rf} replica(s))…`,
    );
    const t0 = performance.now();
    for (const t of ["kv_read", "scan", "blob_read", "kv_write", "blob_write"]) {
      await conn.query(`TRUNCATE ${KEYSPACE}.${t}`);
    }
    const kvId = await conn.prepare(CQL.populateRead);
    await pipelined(READ_ROWS, 128, (i) => {
      const [id, c1, c2, c3, c4, c5] = kvRow(i);
      return conn.expect(
        Op.EXECUTE,
        executeAt(cl, kvId, [
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
        executeAt(cl, scanId, [
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
      (i) => conn.expect(Op.EXECUTE, executeAt(cl, blobId, [enc.text(blobKey(i)), blob])),
    );
    await conn.query(`INSERT INTO ${KEYSPACE}.meta (k, v) VALUES ('data', ${DATA_VERSION})`);
    log(`populated in ${((performance.now() - t0) / 1000).toFixed(1)} s (first key ${kvKey(0)})`);
    return { dataCenter, hosts };
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
    { replicationFactor: Number(arg("rf") ?? 1) },
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
