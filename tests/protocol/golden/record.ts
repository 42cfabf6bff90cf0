/**
 * Records golden response frames from a real Cassandra into `tests/fixtures/frames/`.
 *
 *   node_modules/.bin/deno run -A tests/protocol/golden/record.ts
 *
 * Talks raw protocol (our encoders, FrameDecoder/SegmentDecoder, nothing else of the driver) to
 * the local node on 127.0.0.1:9042 (started if nothing answers) in four wire modes: v4, v4 with
 * LZ4 bodies, v5, v5 with LZ4 segments. For AUTHENTICATE it starts a second node with
 * PasswordAuthenticator on 127.0.0.31 and stops it at the end.
 *
 * Each fixture is one response frame as `decodeResponseBytes` takes it (header + body, segments
 * and compression undone), described in `index.json`. A few request frames we sent are kept
 * too (`req-*.bin`), so the golden test can compare our encoder's output byte for byte with
 * what the spec says AND with what the server accepted. `vector-check.json` holds the result of
 * the vector serialization experiment.
 *
 * Rerunning drops and recreates the `golden` keyspaces, so the recorded values are stable;
 * server-generated bits (ids, paging states, host ids) change and are kept in the index.
 *
 * @module
 */
import { loadLz4 } from "../../../src/compression/lz4.ts";
import { ByteWriter, toHex } from "../../../src/protocol/bytes.ts";
import type { Compressor } from "../../../src/protocol/compression.ts";
import {
  encodeAuthResponse,
  encodeBatch,
  encodeExecute,
  encodeOptions,
  encodePrepare,
  encodeQuery,
  encodeRegister,
  encodeStartup,
  type QueryParameters,
} from "../../../src/protocol/requests.ts";
import {
  decodeResponseBytes,
  type PreparedResult,
  type Response,
  type RowsResult,
  type SchemaChangeResult,
} from "../../../src/protocol/responses.ts";
import { writeValue } from "../../../src/protocol/types/codec.ts";
import { typeToString } from "../../../src/protocol/types/datatype.ts";
import { createRowDecoder } from "../../../src/protocol/types/row-decoder.ts";
import { ensureCassandra } from "../../support/cassandra.ts";
import { RawConn, type Received, type WireMode } from "./raw-conn.ts";
import { ALL_TYPES, bigBlob, KS, PAGED_ROWS, UDT_DDL, VECTOR_COLUMNS } from "./schema.ts";

const OUT = new URL("../../fixtures/frames/", import.meta.url);
const AUTH_HOST = "127.0.0.31";

/** One entry of index.json. */
interface FixtureMeta {
  /** File name without `.bin`. */
  name: string;
  /** Protocol version of the connection. */
  version: 4 | 5;
  /** Wire mode of the connection it was received on. */
  mode: string;
  /** Whether the frame travelled compressed. */
  compressed: boolean;
  /** What was sent to provoke it. */
  sent: string;
  /** Server-generated values the test needs (hex for bytes). */
  facts?: Record<string, unknown>;
  /** Set when the body was cut to keep the fixture small (the test then only parses the header). */
  truncatedFrom?: number;
}

const index: FixtureMeta[] = [];
const MAX_FIXTURE = 32 * 1024;

function modeName(m: WireMode): string {
  return `v${m.version}${m.compressor ? "-lz4" : ""}`;
}

function describe(r: Received): string {
  const res = decodeResponseBytes(r.bytes);
  const m = res.message;
  if (m.kind === "error") return `ERROR ${m.error.name}: ${m.error.message}`;
  return m.kind;
}

async function save(
  conn: RawConn,
  name: string,
  r: Received,
  sent: string,
  facts?: Record<string, unknown>,
): Promise<void> {
  let bytes = r.bytes;
  const meta: FixtureMeta = {
    name,
    version: conn.mode.version,
    mode: modeName(conn.mode),
    compressed: r.compressed,
    sent,
  };
  if (facts) meta.facts = facts;
  if (bytes.length > MAX_FIXTURE) {
    meta.truncatedFrom = bytes.length;
    bytes = bytes.slice(0, MAX_FIXTURE);
  }
  if (index.some((e) => e.name === name)) throw new Error(`duplicate fixture ${name}`);
  await Deno.writeFile(new URL(`${name}.bin`, OUT), bytes);
  index.push(meta);
  console.log(`  ${name}.bin  ${bytes.length} B  ${describe(r)}`);
}

async function saveRequest(name: string, request: Uint8Array): Promise<void> {
  await Deno.writeFile(new URL(`req-${name}.bin`, OUT), request);
  console.log(`  req-${name}.bin  ${request.length} B`);
}

function decoded(r: Received): Response {
  return decodeResponseBytes(r.bytes);
}

/** Fails the recording when a response is not what the step needs. */
function expectKind(r: Received, kind: string, what: string): Response {
  const res = decoded(r);
  if (res.message.kind !== kind) {
    throw new Error(`${what}: expected ${kind}, got ${describe(r)}`);
  }
  return res;
}

async function connect(host: string, port: number, mode: WireMode): Promise<RawConn> {
  return await RawConn.open(host, port, mode);
}

async function startup(conn: RawConn): Promise<Received> {
  const r = await conn.request((w, f) => encodeStartup(w, f, conn.startupOptions()));
  expectKind(r, "ready", "STARTUP");
  return r;
}

function query(conn: RawConn, cql: string, params: Partial<QueryParameters> = {}) {
  return conn.request((w, f) => encodeQuery(w, f, cql, { consistency: "ONE", ...params }));
}

/** Runs a statement that must succeed (setup steps). */
async function run(conn: RawConn, cql: string): Promise<Response> {
  const r = await query(conn, cql);
  const res = decoded(r);
  if (res.message.kind === "error") throw new Error(`${cql}: ${res.message.error.message}`);
  return res;
}

async function prepare(conn: RawConn, cql: string): Promise<Received & { p: PreparedResult }> {
  const r = await conn.request((w, f) => encodePrepare(w, f, cql));
  const res = expectKind(r, "prepared", `PREPARE ${cql}`);
  return { ...r, p: res.message as PreparedResult };
}

function intValue(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v);
  return b;
}

function textValue(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

// ---------------------------------------------------------------------------------------------

async function setupSchema(conn: RawConn): Promise<void> {
  for (const ks of [KS, `${KS}_rf3`, `${KS}_sc`]) await run(conn, `DROP KEYSPACE IF EXISTS ${ks}`);
  await run(
    conn,
    `CREATE KEYSPACE ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  await run(conn, UDT_DDL);
  const cols = ALL_TYPES.map((c) => `${c.name} ${c.cql}${c.name === "k" ? " PRIMARY KEY" : ""}`);
  await run(conn, `CREATE TABLE ${KS}.all_types (${cols.join(", ")})`);
  await run(
    conn,
    `INSERT INTO ${KS}.all_types (${ALL_TYPES.map((c) => c.name).join(", ")}) VALUES (${
      ALL_TYPES.map((c) => c.literal).join(", ")
    })`,
  );
  await run(conn, `INSERT INTO ${KS}.all_types (k) VALUES (2)`);
  await run(conn, `CREATE TABLE ${KS}.counters (k text PRIMARY KEY, c counter)`);
  await run(conn, `UPDATE ${KS}.counters SET c = c + 50 WHERE k = 'a'`);
  await run(conn, `UPDATE ${KS}.counters SET c = c - 8 WHERE k = 'a'`);
  await run(conn, `CREATE TABLE ${KS}.paged (p int, c int, v text, PRIMARY KEY (p, c))`);
  for (const row of PAGED_ROWS) {
    await run(conn, `INSERT INTO ${KS}.paged (p, c, v) VALUES (1, ${row.c}, '${row.v}')`);
  }
  await run(
    conn,
    `CREATE TABLE ${KS}.pk_test (a int, b text, c int, v text, PRIMARY KEY ((a, b), c))`,
  );
  await run(conn, `CREATE TABLE ${KS}.mc (k int PRIMARY KEY, a int)`);
  await run(conn, `CREATE TABLE ${KS}.big (k int PRIMARY KEY, b blob)`);
  await run(conn, `INSERT INTO ${KS}.mc (k, a) VALUES (1, 10)`);
  await run(
    conn,
    `CREATE TABLE ${KS}.vectors (k int PRIMARY KEY, ${
      VECTOR_COLUMNS.map((c) => `${c.name} ${c.cql}`).join(", ")
    })`,
  );
  await run(
    conn,
    `CREATE FUNCTION ${KS}.boom(x int) RETURNS NULL ON NULL INPUT RETURNS int ` +
      `LANGUAGE java AS 'return x / 0;'`,
  );
}

/** Records what every wire mode must handle: handshake, a few results. */
async function perMode(host: string, port: number, mode: WireMode): Promise<void> {
  const m = modeName(mode);
  console.log(`${m}:`);
  const conn = await connect(host, port, mode);
  try {
    if (!mode.compressor) {
      const r = await conn.request((w, f) => encodeOptions(w, f));
      await save(conn, `${m}-supported`, r, "OPTIONS");
    }
    await save(
      conn,
      `${m}-ready`,
      await startup(conn),
      `STARTUP ${JSON.stringify(conn.startupOptions())}`,
    );
    const local = "SELECT * FROM system.local";
    await save(conn, `${m}-rows-system-local`, await query(conn, local), local, {
      host,
    });
    const all = `SELECT ${
      ALL_TYPES.map((c) => c.name).join(", ")
    } FROM ${KS}.all_types WHERE k IN (1, 2)`;
    conn.captureWire();
    await save(conn, `${m}-rows-all-types`, await query(conn, all), all);
    if (mode.compressor) {
      // The same response as it travelled: LZ4 segments (v5) or an LZ4 body (v4), so the test
      // can run our decoders over real server bytes too.
      const wire = conn.takeWire();
      await Deno.writeFile(new URL(`wire-${m}-rows-all-types.bin`, OUT), wire);
      console.log(`  wire-${m}-rows-all-types.bin  ${wire.length} B`);
    } else conn.takeWire();
    if (mode.version === 5 && mode.compressor) {
      // A request and a response each larger than one segment: our encodeSegments splits the
      // INSERT, the server splits the Rows; only the (small, compressed) wire bytes are kept.
      const ins = await query(conn, `INSERT INTO ${KS}.big (k, b) VALUES (1, ?)`, {
        values: [bigBlob()],
      });
      expectKind(ins, "void", "INSERT of a multi-segment blob");
      conn.captureWire();
      const sel = await query(conn, `SELECT b FROM ${KS}.big WHERE k = 1`);
      const wire = conn.takeWire();
      const r = decoded(sel).message as RowsResult;
      const { buf, offset, end } = r.content;
      const [row] = createRowDecoder(r.metadata.columns!).decodeRows(buf, offset, end, 1);
      if (toHex(row.b as Uint8Array) !== toHex(bigBlob())) {
        throw new Error("the big blob did not round-trip");
      }
      await Deno.writeFile(new URL(`wire-${m}-rows-big-blob.bin`, OUT), wire);
      console.log(
        `  wire-${m}-rows-big-blob.bin  ${wire.length} B (frame of ${sel.bytes.length} B)`,
      );
    }
    const ins = `INSERT INTO ${KS}.paged (p, c, v) VALUES (2, 1, 'void')`;
    await save(conn, `${m}-void`, await query(conn, ins), ins);
    await save(conn, `${m}-set-keyspace`, await query(conn, `USE ${KS}`), `USE ${KS}`);
  } finally {
    await conn.close();
  }
}

/** Paging, prepared statements, errors, events, schema changes: on v4 and v5. */
async function perVersion(host: string, port: number, version: 4 | 5): Promise<void> {
  const m = `v${version}`;
  console.log(`${m} details:`);
  const mode: WireMode = { version };
  const conn = await connect(host, port, mode);
  await startup(conn);
  try {
    // --- Rows: counter, paging, tracing, warnings.
    const counter = `SELECT k, c FROM ${KS}.counters`;
    await save(conn, `${m}-rows-counter`, await query(conn, counter), counter);
    const paged = `SELECT c, v FROM ${KS}.paged WHERE p = 1`;
    const p1 = await query(conn, paged, { pageSize: 2 });
    const state1 = (decoded(p1).message as RowsResult).metadata.pagingState!;
    await save(conn, `${m}-rows-page1`, p1, `${paged} (page size 2)`, {
      pagingState: toHex(state1),
    });
    const p2 = await query(conn, paged, { pageSize: 2, pagingState: state1 });
    const state2 = (decoded(p2).message as RowsResult).metadata.pagingState!;
    const p3 = await query(conn, paged, { pageSize: 2, pagingState: state2 });
    await save(conn, `${m}-rows-page3`, p3, `${paged} (page size 2, third page)`);
    const traced = `SELECT v FROM ${KS}.paged WHERE p = 1 AND c = 1`;
    await save(
      conn,
      `${m}-rows-traced`,
      await conn.request((w, f) => encodeQuery(w, f, traced, { consistency: "ONE" }), {
        tracing: true,
      }),
      `${traced} (tracing flag)`,
    );

    // --- Prepared: partition key indexes, named markers, v5 result metadata id.
    const insert = `INSERT INTO ${KS}.pk_test (v, b, a, c) VALUES (?, ?, ?, ?)`;
    const pi = await prepare(conn, insert);
    await save(conn, `${m}-prepared-insert`, pi, `PREPARE ${insert}`);
    const select = `SELECT c, v FROM ${KS}.paged WHERE p = :p AND c > :after`;
    const ps = await prepare(conn, select);
    await save(conn, `${m}-prepared-select`, ps, `PREPARE ${select}`, {
      id: toHex(ps.p.id),
      resultMetadataId: ps.p.resultMetadataId && toHex(ps.p.resultMetadataId),
    });
    const execParams: QueryParameters = {
      consistency: "ONE",
      values: [intValue(1), intValue(3)],
      skipMetadata: true,
    };
    const ex = await conn.request((w, f) =>
      encodeExecute(w, f, ps.p.id, ps.p.resultMetadataId, execParams)
    );
    await save(conn, `${m}-rows-no-metadata`, ex, `EXECUTE (${select}) p=1 after=3, skip metadata`);

    // --- Schema changes, with an EVENT on a second connection registered for them.
    const listener = await connect(host, port, mode);
    try {
      await startup(listener);
      const reg = await listener.request((w, f) => encodeRegister(w, f, ["SCHEMA_CHANGE"]));
      expectKind(reg, "ready", "REGISTER");
      const sc = `${KS}_sc`;
      const ddl: [string, string][] = [
        [
          "create-keyspace",
          `CREATE KEYSPACE ${sc} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
        ],
        ["create-table", `CREATE TABLE ${sc}.t (k int PRIMARY KEY, v text)`],
        ["alter-table", `ALTER TABLE ${sc}.t ADD w int`],
        ["create-type", `CREATE TYPE ${sc}.pt (x int, y int)`],
        [
          "create-function",
          `CREATE FUNCTION ${sc}.plus(a int, b text) CALLED ON NULL INPUT RETURNS int ` +
          `LANGUAGE java AS 'return a;'`,
        ],
        [
          "create-aggregate",
          `CREATE AGGREGATE ${sc}.agg(text) SFUNC plus STYPE int INITCOND 0`,
        ],
        ["drop-aggregate", `DROP AGGREGATE ${sc}.agg`],
        ["drop-function", `DROP FUNCTION ${sc}.plus`],
        ["drop-type", `DROP TYPE ${sc}.pt`],
        ["drop-table", `DROP TABLE ${sc}.t`],
        ["drop-keyspace", `DROP KEYSPACE ${sc}`],
      ];
      for (const [name, cql] of ddl) {
        const r = await query(conn, cql);
        await save(conn, `${m}-schema-${name}`, r, cql);
        // The event matching this DDL's result; the server may push others (none seen so far),
        // so match on the change itself rather than trusting the order.
        const want = JSON.stringify((decoded(r).message as SchemaChangeResult).change);
        for (;;) {
          const e = await listener.receive(-1);
          const got = decoded(e).message;
          if (got.kind === "event" && got.type === "SCHEMA_CHANGE") {
            if (JSON.stringify(got.change) === want) {
              await save(listener, `${m}-event-${name}`, e, `pushed after: ${cql}`);
              break;
            }
          }
          console.log(`  (skipped event ${describe(e)})`);
        }
      }
    } finally {
      await listener.close();
    }

    // --- Errors.
    const err = async (name: string, cql: string, params: Partial<QueryParameters> = {}) => {
      await save(conn, `${m}-error-${name}`, await query(conn, cql, params), cql);
    };
    await err("syntax", "SELEC * FROM system.local");
    await err("invalid-keyspace", "SELECT * FROM no_such_ks.t");
    await err("invalid-table", `SELECT * FROM ${KS}.no_such_table`);
    await err(
      "already-exists-keyspace",
      `CREATE KEYSPACE ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await err("already-exists-table", `CREATE TABLE ${KS}.paged (k int PRIMARY KEY)`);
    await err(
      "config",
      `CREATE KEYSPACE ${KS}_bad WITH replication = {'class': 'NoSuchStrategy'}`,
    );
    await err("function-failure", `SELECT ${KS}.boom(k) FROM ${KS}.all_types WHERE k = 1`);
    const rf3 = `${KS}_rf3`;
    if (version === 4) {
      // Creating a keyspace with RF 3 on one node succeeds with a warning (WARNING flag).
      const r = await query(
        conn,
        `CREATE KEYSPACE ${rf3} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}`,
      );
      await save(conn, `${m}-schema-warning`, r, "CREATE KEYSPACE golden_rf3 ... RF 3 on one node");
      await run(conn, `CREATE TABLE ${rf3}.t (k int PRIMARY KEY)`);
    }
    await err("unavailable-quorum", `INSERT INTO ${rf3}.t (k) VALUES (1)`, {
      consistency: "QUORUM",
    });
    await err("unavailable-all", `SELECT * FROM ${rf3}.t WHERE k = 1`, { consistency: "ALL" });
    const bogusId = new Uint8Array(16).fill(0xfe);
    const unprep = await conn.request((w, f) =>
      encodeExecute(w, f, bogusId, version === 5 ? new Uint8Array(16).fill(0xab) : null, {
        consistency: "ONE",
      })
    );
    await save(conn, `${m}-error-unprepared`, unprep, "EXECUTE with id fe*16", {
      id: toHex(bogusId),
    });
  } finally {
    await conn.close();
  }

  // A bad opcode: the server answers with a protocol error (and may close the connection).
  const bad = await connect(host, port, mode);
  try {
    await startup(bad);
    const stream = 0x42;
    await bad.sendRaw(new Uint8Array([version, 0, 0, stream, 0x42, 0, 0, 0, 0]));
    await save(
      bad,
      `${m}-error-protocol-opcode`,
      await bad.receive(stream),
      "frame with opcode 0x42",
    );
  } finally {
    await bad.close();
  }
}

/** AUTHENTICATE, AUTH_SUCCESS and a bad-credentials error against the auth node. */
async function authNode(version: 4 | 5): Promise<void> {
  const m = `v${version}`;
  console.log(`${m} auth:`);
  const mode: WireMode = { version };
  const token = (user: string, pass: string) => new TextEncoder().encode(`\0${user}\0${pass}`);
  for (
    const [user, pass, name] of [["cassandra", "wrong", "bad"], ["cassandra", "cassandra", "ok"]]
  ) {
    const conn = await connect(AUTH_HOST, 9042, mode);
    try {
      const a = await conn.request((w, f) => encodeStartup(w, f, conn.startupOptions()));
      expectKind(a, "authenticate", "STARTUP on the auth node");
      if (name === "ok") {
        await save(conn, `${m}-authenticate`, a, "STARTUP to a PasswordAuthenticator node");
      }
      const r = await conn.request((w, f) => encodeAuthResponse(w, f, token(user, pass)));
      await save(
        conn,
        name === "ok" ? `${m}-auth-success` : `${m}-error-bad-credentials`,
        r,
        `AUTH_RESPONSE ${user}/${pass}`,
      );
    } finally {
      await conn.close();
    }
  }
}

/** v5: EXECUTE with a stale result metadata id gets Rows with METADATA_CHANGED and the new id. */
async function metadataChanged(host: string, port: number): Promise<void> {
  console.log("v5 metadata changed:");
  const conn = await connect(host, port, { version: 5 });
  try {
    await startup(conn);
    const cql = `SELECT * FROM ${KS}.mc WHERE k = ?`;
    const before = await prepare(conn, cql);
    const oldId = before.p.resultMetadataId!;
    await run(conn, `ALTER TABLE ${KS}.mc ADD b text`);
    await run(conn, `UPDATE ${KS}.mc SET b = 'new' WHERE k = 1`);
    const params: QueryParameters = {
      consistency: "ONE",
      values: [intValue(1)],
      skipMetadata: true,
    };
    let id = before.p.id;
    let r = await conn.request((w, f) => encodeExecute(w, f, id, oldId, params));
    const first = decoded(r).message;
    if (first.kind === "error") {
      // The server dropped the statement on ALTER: prepare again, keep the stale metadata id.
      await save(conn, "v5-error-unprepared-after-alter", r, "EXECUTE after ALTER TABLE", {
        id: toHex(id),
      });
      const again = await prepare(conn, cql);
      id = again.p.id;
      r = await conn.request((w, f) => encodeExecute(w, f, id, oldId, params));
    }
    await save(
      conn,
      "v5-rows-metadata-changed",
      r,
      `EXECUTE (${cql}) with the pre-ALTER result metadata id`,
      {
        oldResultMetadataId: toHex(oldId),
      },
    );
  } finally {
    await conn.close();
  }
}

/**
 * The request frames the golden test checks byte for byte against the spec, sent to the server
 * to prove it accepts them; their responses are recorded too.
 */
async function requestChecks(host: string, port: number): Promise<void> {
  console.log("request checks:");
  for (const version of [4, 5] as const) {
    const m = `v${version}`;
    const conn = await connect(host, port, { version });
    try {
      await startup(conn);
      const paged = `SELECT c, v FROM ${KS}.paged WHERE p = ?`;
      const p1 = await query(conn, paged, { values: [intValue(1)], pageSize: 2 });
      const state = (decoded(p1).message as RowsResult).metadata.pagingState!;
      // QUERY with values, page size, paging state and serial consistency.
      const q = await conn.request(
        (w, f) =>
          encodeQuery(w, f, paged, {
            consistency: "ONE",
            values: [intValue(1)],
            pageSize: 2,
            pagingState: state,
            serialConsistency: "LOCAL_SERIAL",
          }),
        { stream: 0x0123 },
      );
      await saveRequest(`${m}-query`, q.request);
      await save(conn, `${m}-rows-query-check`, q, `${paged} p=1, page 2 of 2 rows`, {
        pagingState: toHex(state),
      });

      const ins = `INSERT INTO ${KS}.pk_test (a, b, c, v) VALUES (?, ?, ?, ?)`;
      const prepared = await prepare(conn, ins);
      const batch = await conn.request(
        (w, f) =>
          encodeBatch(w, f, {
            type: 0,
            statements: [
              {
                query: ins,
                values: [intValue(version), textValue("q"), intValue(1), textValue("by query")],
              },
              {
                id: prepared.p.id,
                values: [intValue(version), textValue("q"), intValue(2), null],
              },
            ],
            consistency: "ONE",
            serialConsistency: "LOCAL_SERIAL",
            timestamp: 1_700_000_000_000_000n,
          }),
        { stream: 0x0456 },
      );
      await saveRequest(`${m}-batch`, batch.request);
      await save(conn, `${m}-void-batch-check`, batch, "BATCH of a query and a prepared INSERT", {
        id: toHex(prepared.p.id),
      });
      const check =
        `SELECT a, b, c, v, writetime(v) AS wt FROM ${KS}.pk_test WHERE a = ${version} AND b = 'q'`;
      await save(conn, `${m}-rows-batch-readback`, await query(conn, check), check);

      if (version === 5) {
        const sel = await prepare(conn, paged);
        const ex = await conn.request(
          (w, f) =>
            encodeExecute(w, f, sel.p.id, sel.p.resultMetadataId, {
              consistency: "QUORUM",
              values: [intValue(1)],
              pageSize: 100,
            }),
          { stream: 0x0789 },
        );
        await saveRequest(`${m}-execute`, ex.request);
        await save(conn, `${m}-rows-execute-check`, ex, `EXECUTE (${paged}) p=1`, {
          id: toHex(sel.p.id),
          resultMetadataId: toHex(sel.p.resultMetadataId!),
        });
      }
    } finally {
      await conn.close();
    }
  }
}

/**
 * Vector element serialization: row 1 by CQL literal (the server's own encoding), row 2 column
 * by column through a prepared INSERT carrying our `writeValue` bytes.
 */
async function vectorCheck(host: string, port: number): Promise<void> {
  console.log("vector check:");
  const conn = await connect(host, port, { version: 5 });
  const results: Record<string, unknown>[] = [];
  try {
    await startup(conn);
    await run(
      conn,
      `INSERT INTO ${KS}.vectors (k, ${VECTOR_COLUMNS.map((c) => c.name).join(", ")}) VALUES (1, ${
        VECTOR_COLUMNS.map((c) => c.literal).join(", ")
      })`,
    );
    for (const col of VECTOR_COLUMNS) {
      const p = await prepare(conn, `INSERT INTO ${KS}.vectors (k, ${col.name}) VALUES (2, ?)`);
      const type = p.p.variables.columns[0].type;
      const w = new ByteWriter();
      writeValue(w, type, col.value, col.name);
      const ours = w.toBytes();
      const r = await conn.request((wr, f) =>
        encodeExecute(wr, f, p.p.id, p.p.resultMetadataId, {
          consistency: "ONE",
          values: [ours.subarray(4)],
        })
      );
      const res = decoded(r).message;
      const entry = {
        column: col.name,
        type: typeToString(type),
        ours: toHex(ours.subarray(4)),
        accepted: res.kind === "void",
        error: res.kind === "error" ? `${res.error.name}: ${res.error.message}` : undefined,
      };
      results.push(entry);
      if (!entry.accepted) {
        await save(
          conn,
          `v5-error-vector-${col.name}`,
          r,
          `EXECUTE INSERT ${col.name} with our bytes`,
        );
      }
    }
    const sel = `SELECT k, ${
      VECTOR_COLUMNS.map((c) => c.name).join(", ")
    } FROM ${KS}.vectors WHERE k IN (1, 2)`;
    await save(conn, "v5-rows-vectors", await query(conn, sel), sel);
  } finally {
    await conn.close();
  }
  await Deno.writeTextFile(
    new URL("vector-check.json", OUT),
    JSON.stringify(results, null, 2) + "\n",
  );
  for (const e of results) {
    console.log(
      `  ${e.column}: ${e.accepted ? "accepted" : `REJECTED (${e.error})`} ours=${e.ours}`,
    );
  }
}

async function cassandraCli(args: string[]): Promise<void> {
  const deno = new URL("../../../node_modules/.bin/deno", import.meta.url).pathname;
  const cli = new URL("../../../tools/cassandra/cli.ts", import.meta.url).pathname;
  const { code } = await new Deno.Command(deno, {
    args: ["run", "-A", cli, ...args],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new Error(`cassandra ${args.join(" ")} failed with ${code}`);
}

async function main(): Promise<void> {
  const { host, port } = await ensureCassandra();
  if (!host.startsWith("127.0.0.")) throw new Error(`refusing to record from ${host}`);
  await Deno.mkdir(OUT, { recursive: true });
  for await (const e of Deno.readDir(OUT)) {
    if (e.name.endsWith(".bin")) await Deno.remove(new URL(e.name, OUT));
  }
  const lz4: Compressor = await loadLz4();
  const setup = await connect(host, port, { version: 4 });
  try {
    await startup(setup);
    await setupSchema(setup);
  } finally {
    await setup.close();
  }
  for (
    const mode of [
      { version: 4 },
      { version: 4, compressor: lz4 },
      { version: 5 },
      { version: 5, compressor: lz4 },
    ] as WireMode[]
  ) {
    await perMode(host, port, mode);
  }
  await perVersion(host, port, 4);
  await perVersion(host, port, 5);
  await metadataChanged(host, port);
  await requestChecks(host, port);
  await vectorCheck(host, port);

  await cassandraCli([
    "start",
    "--name",
    "auth",
    "--address",
    AUTH_HOST,
    "--auth",
    "--heap",
    "512",
  ]);
  try {
    await authNode(4);
    await authNode(5);
  } finally {
    await cassandraCli(["stop", "--name", "auth"]);
  }

  index.sort((a, b) => a.name.localeCompare(b.name));
  await Deno.writeTextFile(new URL("index.json", OUT), JSON.stringify(index, null, 2) + "\n");
  let total = 0;
  for await (const e of Deno.readDir(OUT)) total += (await Deno.stat(new URL(e.name, OUT))).size;
  console.log(`${index.length} fixtures, ${total} bytes in ${OUT.pathname}`);
}

if (import.meta.main) await main();
