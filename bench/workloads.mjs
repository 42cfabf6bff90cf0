// @ts-check
/**
 * The benchmark's shared definition of its data: tables, statements, row values. Plain
 * JavaScript so that the same file is imported by the schema step and the ceiling (Deno/Bun,
 * TypeScript) and by the cassandra-driver worker (Node, Bun and Deno, no TypeScript), which keeps
 * every JS contender reading and writing exactly the same rows. bench/python/common.py mirrors
 * it for the Python contenders; change both together.
 *
 * @module
 */

/** Keyspace everything lives in. */
export const KEYSPACE = "bench";

/** Rows in the table the `select` workload reads. */
export const READ_ROWS = 10_000;
/** Rows the `scan` workload pages through. */
export const SCAN_ROWS = 100_000;
/** Scan rows per partition (100 partitions, so a full scan crosses partitions too). */
export const SCAN_ROWS_PER_PARTITION = 1_000;
/** Page size of the `scan` workload. */
export const SCAN_PAGE_SIZE = 5_000;
/** Size of one `blob` value. */
export const BLOB_SIZE = 64 * 1024;
/** Rows in the table `blob-select` reads. */
export const BLOB_ROWS = 64;
/** Distinct keys `insert` cycles through (overwrites cost the same as inserts in Cassandra). */
export const WRITE_KEYS = 100_000;
/** Bump when the data below changes, so that the schema step repopulates. */
export const DATA_VERSION = 2;

/**
 * The keyspace's replication map: SimpleStrategy with one replica on a single node (as it always
 * was), NetworkTopologyStrategy with `replicationFactor` replicas in `dataCenter` on a cluster.
 * @param {number} [replicationFactor]
 * @param {string} [dataCenter]
 */
export function replication(replicationFactor = 1, dataCenter = "datacenter1") {
  return replicationFactor === 1
    ? `{'class': 'SimpleStrategy', 'replication_factor': 1}`
    : `{'class': 'NetworkTopologyStrategy', '${dataCenter}': ${replicationFactor}}`;
}

/**
 * CREATE statements, in order, for a keyspace of `replicationFactor` replicas.
 * @param {number} [replicationFactor]
 * @param {string} [dataCenter]
 */
export function schema(replicationFactor = 1, dataCenter = "datacenter1") {
  return [
    `CREATE KEYSPACE IF NOT EXISTS ${KEYSPACE} WITH replication = ` +
    replication(replicationFactor, dataCenter),
    ...TABLES,
  ];
}

/** CREATE TABLE statements, in order. */
const TABLES = [
  `CREATE TABLE IF NOT EXISTS ${KEYSPACE}.meta (k text PRIMARY KEY, v int)`,
  `CREATE TABLE IF NOT EXISTS ${KEYSPACE}.kv_write ` +
  `(id text PRIMARY KEY, c1 text, c2 text, c3 int, c4 bigint, c5 double)`,
  `CREATE TABLE IF NOT EXISTS ${KEYSPACE}.kv_read ` +
  `(id text PRIMARY KEY, c1 text, c2 text, c3 int, c4 bigint, c5 double)`,
  `CREATE TABLE IF NOT EXISTS ${KEYSPACE}.scan (pk int, ck int, name text, qty int, ` +
  `total bigint, price double, active boolean, ref uuid, created timestamp, payload blob, ` +
  `PRIMARY KEY (pk, ck))`,
  `CREATE TABLE IF NOT EXISTS ${KEYSPACE}.blob_write (id text PRIMARY KEY, data blob)`,
  `CREATE TABLE IF NOT EXISTS ${KEYSPACE}.blob_read (id text PRIMARY KEY, data blob)`,
];

/** CREATE statements of the single-node keyspace (one replica), in order. */
export const SCHEMA = schema();

/** Statements, all prepared by every contender. */
export const CQL = {
  insert: `INSERT INTO ${KEYSPACE}.kv_write (id, c1, c2, c3, c4, c5) VALUES (?, ?, ?, ?, ?, ?)`,
  select: `SELECT id, c1, c2, c3, c4, c5 FROM ${KEYSPACE}.kv_read WHERE id = ?`,
  populateRead:
    `INSERT INTO ${KEYSPACE}.kv_read (id, c1, c2, c3, c4, c5) VALUES (?, ?, ?, ?, ?, ?)`,
  scan: `SELECT pk, ck, name, qty, total, price, active, ref, created, payload ` +
    `FROM ${KEYSPACE}.scan`,
  populateScan: `INSERT INTO ${KEYSPACE}.scan (pk, ck, name, qty, total, price, active, ref, ` +
    `created, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  blobInsert: `INSERT INTO ${KEYSPACE}.blob_write (id, data) VALUES (?, ?)`,
  blobSelect: `SELECT id, data FROM ${KEYSPACE}.blob_read WHERE id = ?`,
  populateBlob: `INSERT INTO ${KEYSPACE}.blob_read (id, data) VALUES (?, ?)`,
};

/** The two 80-character text columns of a kv row: with the key and numbers, ~200 bytes. */
export const C1 =
  "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor i";
/** Second text column. */
export const C2 =
  "ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliqu";

/**
 * Key of kv row `i`: fixed width so every request has the same size.
 * @param {number} i
 */
export function kvKey(i) {
  // Made once per key: string building was 8% of the Bun select worker's CPU profile, which
  // measured the harness rather than the driver.
  return i < WRITE_KEYS
    ? (KEYS[i] ??= "key-" + String(100_000_000 + i).slice(1))
    : "key-" + String(100_000_000 + i).slice(1);
}
/** @type {(string | undefined)[]} */
const KEYS = new Array(WRITE_KEYS);

/**
 * Values of kv row `i` as JS values, in statement order.
 * @param {number} i
 * @returns {[string, string, string, number, bigint, number]}
 */
export function kvRow(i) {
  return [kvKey(i), C1, C2, i, BigInt(i) * 1_000_003n, i / 7];
}

/**
 * Values of scan row `i` in statement order (uuid as text, timestamp as ms since epoch).
 * @param {number} i
 * @returns {[number, number, string, number, bigint, number, boolean, string, bigint, Uint8Array]}
 */
export function scanRow(i) {
  const pk = Math.floor(i / SCAN_ROWS_PER_PARTITION);
  const ck = i % SCAN_ROWS_PER_PARTITION;
  const hex = i.toString(16).padStart(12, "0");
  const payload = new Uint8Array(16);
  for (let k = 0; k < 16; k++) payload[k] = (i * 31 + k) & 0xff;
  return [
    pk,
    ck,
    "item-" + i,
    i % 1000,
    BigInt(i) * 12_345n,
    i * 0.25,
    i % 2 === 0,
    `00000000-0000-4000-8000-${hex}`,
    1_700_000_000_000n + BigInt(i) * 1000n,
    payload,
  ];
}

/**
 * Key of blob row `i`.
 * @param {number} i
 */
export function blobKey(i) {
  return "blob-" + String(i).padStart(4, "0");
}

/**
 * The 64 KiB blob: words from a small vocabulary in a pseudo-random order, so LZ4 has
 * something to do (random bytes would not compress and would make LZ4 a pure cost).
 * @returns {Uint8Array}
 */
export function blobValue() {
  const words = [
    "cassandra",
    "driver",
    "bench",
    "token",
    "replica",
    "partition",
    "stream",
    "frame",
  ];
  const out = new Uint8Array(BLOB_SIZE);
  let seed = 12345;
  let p = 0;
  while (p < BLOB_SIZE) {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    const w = words[(seed >>> 16) % words.length] + " ";
    for (let k = 0; k < w.length && p < BLOB_SIZE; k++) out[p++] = w.charCodeAt(k);
    if (((seed >>> 8) & 0xff) === 7) out[p++ % BLOB_SIZE] = seed & 0xff; // a little noise
  }
  return out;
}
