/**
 * Golden frames: response frames recorded from a real Cassandra 5.0 by `record.ts`, decoded
 * here field by field against what the recorder sent. No server is needed: the fixtures are
 * committed. Also checks a few request frames byte for byte against layouts derived by hand
 * from the spec (the recorder sent those exact bytes and the server accepted them), and the
 * vector serialization of element types whose wire form was in doubt.
 *
 * @module
 */
import { assert, assertEquals } from "../../support/assert.ts";
import { loadLz4 } from "../../../src/compression/lz4.ts";
import { ByteWriter, fromHex, toHex } from "../../../src/protocol/bytes.ts";
import { decompressFrameV4 } from "../../../src/protocol/compression.ts";
import { FrameDecoder } from "../../../src/protocol/frame-decoder.ts";
import { RowsFlag } from "../../../src/protocol/metadata.ts";
import { encodeBatch, encodeExecute, encodeQuery } from "../../../src/protocol/requests.ts";
import {
  decodeResponse,
  decodeResponseBytes,
  type PreparedResult,
  type Response,
  type ResponseMessage,
  type RowsResult,
  type SchemaChange,
} from "../../../src/protocol/responses.ts";
import { SegmentDecoder } from "../../../src/protocol/segment.ts";
import {
  AlreadyExistsError,
  AuthenticationError,
  ConfigError,
  CqlSyntaxError,
  FunctionFailureError,
  InvalidQueryError,
  type ResponseError,
  ServerProtocolError,
  UnavailableError,
  UnpreparedError,
} from "../../../src/protocol/server-errors.ts";
import { decodeValue, encodeValue } from "../../../src/protocol/types/codec.ts";
import { type ColumnSpec, typeToString } from "../../../src/protocol/types/datatype.ts";
import { Duration } from "../../../src/protocol/types/duration.ts";
import { createRowDecoder, type Row } from "../../../src/protocol/types/row-decoder.ts";
import { hex } from "../helpers.ts";
import { frameBytes } from "./raw-conn.ts";
import { ALL_TYPES, bigBlob, KS, PAGED_ROWS, VECTOR_COLUMNS } from "./schema.ts";

const DIR = new URL("../../fixtures/frames/", import.meta.url);

/** An entry of index.json (see record.ts). */
interface FixtureMeta {
  name: string;
  version: 4 | 5;
  mode: string;
  compressed: boolean;
  sent: string;
  facts?: Record<string, string | null>;
  truncatedFrom?: number;
}

const INDEX: FixtureMeta[] = JSON.parse(Deno.readTextFileSync(new URL("index.json", DIR)));
const META = new Map(INDEX.map((m) => [m.name, m]));

function load(file: string): Uint8Array {
  return Deno.readFileSync(new URL(file, DIR));
}

/** Decodes a fixture and checks the header against the index. */
function decode(name: string): Response {
  const meta = META.get(name);
  assert(meta !== undefined, `fixture ${name} is not in index.json`);
  const res = decodeResponseBytes(load(`${name}.bin`));
  assertEquals(res.header.version, meta.version, `${name}: version`);
  assert(res.header.response, `${name}: response bit`);
  return res;
}

function facts(name: string): Record<string, string | null> {
  return META.get(name)?.facts ?? {};
}

function rows(res: Response): RowsResult {
  assertEquals(res.message.kind, "rows", "message kind");
  return res.message as RowsResult;
}

function decodeAll(r: RowsResult, columns = r.metadata.columns): Row[] {
  assert(columns !== null, "rows without column metadata");
  return createRowDecoder(columns).decodeRows(
    r.content.buf,
    r.content.offset,
    r.content.end,
    r.rowCount,
  );
}

/** The raw [bytes] cells of every row, walked by hand (independent of the row decoder). */
function cells(r: RowsResult): (Uint8Array | null)[][] {
  const { buf, offset, end } = r.content;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: (Uint8Array | null)[][] = [];
  let p = offset;
  for (let i = 0; i < r.rowCount; i++) {
    const row: (Uint8Array | null)[] = [];
    for (let c = 0; c < r.metadata.columnCount; c++) {
      const len = dv.getInt32(p);
      p += 4;
      row.push(len < 0 ? null : buf.subarray(p, p + len));
      if (len > 0) p += len;
    }
    out.push(row);
  }
  assertEquals(p, end, "rows content fully consumed");
  return out;
}

function columnSummary(cols: readonly ColumnSpec[] | null): string[] {
  assert(cols !== null, "column specs present");
  return cols.map((c) => `${c.keyspace}.${c.table}.${c.name} ${typeToString(c.type)}`);
}

function error<E extends ResponseError>(
  res: Response,
  type: new (...args: never[]) => E,
  code: number,
  includes: string,
): E {
  const m = res.message;
  assert(m.kind === "error", `expected an ERROR, got ${m.kind}`);
  assert(m.error instanceof type, `expected ${type.name}, got ${m.error.name}`);
  assertEquals(m.error.code, code, "error code");
  assert(m.error.message.includes(includes), `message "${m.error.message}" lacks "${includes}"`);
  return m.error as E;
}

function schemaChange(m: ResponseMessage): SchemaChange {
  if (m.kind === "schemaChange") return m.change;
  if (m.kind === "event" && m.type === "SCHEMA_CHANGE") return m.change;
  throw new Error(`expected a schema change, got ${m.kind}`);
}

const SC = `${KS}_sc`;
/** What each DDL of the recorder's schema-change sequence must report. */
const SCHEMA_CHANGES: Record<string, SchemaChange> = {
  "create-keyspace": { change: "CREATED", target: "KEYSPACE", keyspace: SC },
  "create-table": { change: "CREATED", target: "TABLE", keyspace: SC, name: "t" },
  "alter-table": { change: "UPDATED", target: "TABLE", keyspace: SC, name: "t" },
  "create-type": { change: "CREATED", target: "TYPE", keyspace: SC, name: "pt" },
  "create-function": {
    change: "CREATED",
    target: "FUNCTION",
    keyspace: SC,
    name: "plus",
    argTypes: ["int", "text"],
  },
  "create-aggregate": {
    change: "CREATED",
    target: "AGGREGATE",
    keyspace: SC,
    name: "agg",
    argTypes: ["text"],
  },
  "drop-aggregate": {
    change: "DROPPED",
    target: "AGGREGATE",
    keyspace: SC,
    name: "agg",
    argTypes: ["text"],
  },
  "drop-function": {
    change: "DROPPED",
    target: "FUNCTION",
    keyspace: SC,
    name: "plus",
    argTypes: ["int", "text"],
  },
  "drop-type": { change: "DROPPED", target: "TYPE", keyspace: SC, name: "pt" },
  "drop-table": { change: "DROPPED", target: "TABLE", keyspace: SC, name: "t" },
  "drop-keyspace": { change: "DROPPED", target: "KEYSPACE", keyspace: SC },
};

/**
 * The all-types rows. On v4 Cassandra sends `duration` as the custom class DurationType (the
 * 0x0015 type id is v5-only); it must decode as a duration all the same.
 */
function checkAllTypes(res: Response, _version: number): void {
  const r = rows(res);
  assertEquals(r.metadata.flags, RowsFlag.GlobalTablesSpec, "flags");
  assertEquals(r.rowCount, 2, "row count");
  const cols = r.metadata.columns!;
  assertEquals(cols.length, ALL_TYPES.length, "column count");
  const raw = cells(r);
  for (let i = 0; i < ALL_TYPES.length; i++) {
    const col = ALL_TYPES[i];
    assertEquals(cols[i].name, col.name, `column ${i}`);
    assertEquals(cols[i].keyspace, KS);
    assertEquals(cols[i].table, "all_types");
    assertEquals(typeToString(cols[i].type), col.rendered, `${col.name} type`);
    // Each cell alone, so one broken codec names itself.
    assertEquals(decodeValue(cols[i].type, raw[0][i]), col.expected, `${col.name} value`);
    // Our encoder must produce exactly the server's serialization of the same value.
    assertEquals(
      toHex(encodeValue(cols[i].type, col.expected, col.name)!),
      toHex(raw[0][i]!),
      `${col.name} encoding`,
    );
    assertEquals(raw[1][i], i === 0 ? raw[1][0] : null, `${col.name} row 2`);
  }
  // And the row decoder over the whole result.
  const [row1, row2] = decodeAll(r);
  for (const col of ALL_TYPES) {
    assertEquals(row1[col.name], col.expected, `row decoder: ${col.name}`);
    assertEquals(row2[col.name], col.name === "k" ? 2 : null, `row decoder: ${col.name} row 2`);
  }
}

function checkSystemLocal(res: Response, host: string): void {
  const r = rows(res);
  assertEquals(r.rowCount, 1);
  const cols = r.metadata.columns!;
  assert(cols.every((c) => c.keyspace === "system" && c.table === "local"), "system.local specs");
  const types = Object.fromEntries(cols.map((c) => [c.name, typeToString(c.type)]));
  assertEquals(types.key, "text");
  assertEquals(types.host_id, "uuid");
  assertEquals(types.rpc_address, "inet");
  assertEquals(types.tokens, "set<text>");
  assertEquals(types.truncated_at, "map<uuid, blob>");
  const [row] = decodeAll(r);
  assertEquals(row.key, "local");
  assertEquals(row.rpc_address, host);
  assertEquals(row.data_center, "datacenter1");
  assertEquals(row.partitioner, "org.apache.cassandra.dht.Murmur3Partitioner");
  assert(String(row.release_version).startsWith("5.0"), `release ${row.release_version}`);
  assert(/^[0-9a-f]{8}-[0-9a-f]{4}-/.test(String(row.host_id)), "host id is a uuid string");
  const tokens = row.tokens as string[];
  assert(tokens.length > 0 && tokens.every((t) => /^-?\d+$/.test(t)), "tokens");
}

function pagedRows(res: Response): Row[] {
  const r = rows(res);
  assertEquals(columnSummary(r.metadata.columns), [
    `${KS}.paged.c int`,
    `${KS}.paged.v text`,
  ]);
  return decodeAll(r);
}

/** Expectations by fixture name with the wire-mode prefix removed. */
const EXPECT: Record<string, (res: Response, meta: FixtureMeta) => void> = {
  supported(res) {
    const m = res.message;
    assert(m.kind === "supported");
    assert(m.options.PROTOCOL_VERSIONS.includes("4/v4"), "v4 listed");
    assert(m.options.PROTOCOL_VERSIONS.includes("5/v5"), "v5 listed");
    assert(m.options.COMPRESSION.includes("lz4"), "lz4 listed");
    assert(m.options.CQL_VERSION[0].startsWith("3."), "CQL version");
  },
  ready(res) {
    assertEquals(res.message, { kind: "ready" });
    assertEquals(res.header.length, 0);
  },
  "rows-system-local": (res, meta) => checkSystemLocal(res, meta.facts!.host!),
  "rows-all-types": (res, meta) => checkAllTypes(res, meta.version),
  void(res) {
    assertEquals(res.message, { kind: "void" });
  },
  "set-keyspace": (res) => assertEquals(res.message, { kind: "setKeyspace", keyspace: KS }),
  "rows-counter"(res) {
    const r = rows(res);
    assertEquals(columnSummary(r.metadata.columns), [
      `${KS}.counters.k text`,
      `${KS}.counters.c counter`,
    ]);
    assertEquals(decodeAll(r), [{ k: "a", c: 42n }]);
  },
  "rows-page1"(res, meta) {
    const r = rows(res);
    assertEquals(r.metadata.flags, RowsFlag.GlobalTablesSpec | RowsFlag.HasMorePages);
    assertEquals(toHex(r.metadata.pagingState!), meta.facts!.pagingState);
    assertEquals(pagedRows(res), PAGED_ROWS.slice(0, 2));
  },
  "rows-page3"(res) {
    const r = rows(res);
    assertEquals(r.metadata.flags, RowsFlag.GlobalTablesSpec, "no more pages");
    assertEquals(r.metadata.pagingState, null);
    assertEquals(pagedRows(res), PAGED_ROWS.slice(4));
  },
  "rows-traced"(res) {
    assertEquals(res.header.flags & 0x02, 0x02, "TRACING flag");
    assertEquals(res.tracingId?.length, 16, "tracing id");
    // A tracing session id is a time-based (version 1) UUID.
    assertEquals(res.tracingId![6] >> 4, 1, "tracing id version");
    assertEquals(decodeAll(rows(res)), [{ v: "row 1" }]);
  },
  "prepared-insert"(res, meta) {
    const m = res.message as PreparedResult;
    assertEquals(m.kind, "prepared");
    assertEquals(m.id.length, 16);
    // The bind markers in statement order; the partition key is (a, b), i.e. markers 2 then 1.
    assertEquals(columnSummary(m.variables.columns), [
      `${KS}.pk_test.v text`,
      `${KS}.pk_test.b text`,
      `${KS}.pk_test.a int`,
      `${KS}.pk_test.c int`,
    ]);
    assertEquals(m.variables.partitionKeyIndexes, [2, 1]);
    assertEquals(m.resultMetadata.flags, RowsFlag.NoMetadata);
    assertEquals(m.resultMetadata.columnCount, 0);
    // v5: the result metadata id of an empty result set is the MD5 of nothing.
    assertEquals(
      m.resultMetadataId && toHex(m.resultMetadataId),
      meta.version === 5 ? "d41d8cd98f00b204e9800998ecf8427e" : null,
    );
  },
  "prepared-select"(res, meta) {
    const m = res.message as PreparedResult;
    assertEquals(m.kind, "prepared");
    assertEquals(toHex(m.id), meta.facts!.id);
    // Named markers come back under their names.
    assertEquals(columnSummary(m.variables.columns), [
      `${KS}.paged.p int`,
      `${KS}.paged.after int`,
    ]);
    assertEquals(m.variables.partitionKeyIndexes, [0]);
    assertEquals(columnSummary(m.resultMetadata.columns), [
      `${KS}.paged.c int`,
      `${KS}.paged.v text`,
    ]);
    assertEquals(m.resultMetadataId?.length, meta.version === 5 ? 16 : undefined);
    // The same statement has the same id on both versions.
    const other = decode(`v${9 - meta.version}-prepared-select`).message as PreparedResult;
    assertEquals(toHex(other.id), toHex(m.id));
  },
  "rows-no-metadata"(res, meta) {
    const r = rows(res);
    // Cassandra leaves GLOBAL_TABLES_SPEC set next to NO_METADATA; only the latter matters.
    assertEquals(r.metadata.flags, RowsFlag.NoMetadata | RowsFlag.GlobalTablesSpec);
    assertEquals(r.metadata.columnCount, 2);
    assertEquals(r.metadata.columns, null);
    const prepared = decode(`v${meta.version}-prepared-select`).message as PreparedResult;
    assertEquals(decodeAll(r, prepared.resultMetadata.columns), PAGED_ROWS.slice(3));
  },
  "schema-warning"(res) {
    assertEquals(res.header.flags, 0x08, "WARNING flag");
    assertEquals(res.warnings?.length, 1);
    assert(res.warnings![0].includes("replication factor 3"), res.warnings![0]);
    assertEquals(schemaChange(res.message), {
      change: "CREATED",
      target: "KEYSPACE",
      keyspace: `${KS}_rf3`,
    });
  },
  "error-syntax": (res) => void error(res, CqlSyntaxError, 0x2000, "SELEC"),
  "error-invalid-keyspace": (res) =>
    void error(res, InvalidQueryError, 0x2200, "keyspace no_such_ks does not exist"),
  "error-invalid-table": (res) =>
    void error(res, InvalidQueryError, 0x2200, "table no_such_table does not exist"),
  "error-already-exists-keyspace"(res) {
    const e = error(res, AlreadyExistsError, 0x2400, KS);
    assertEquals([e.keyspace, e.table], [KS, ""]);
  },
  "error-already-exists-table"(res) {
    const e = error(res, AlreadyExistsError, 0x2400, "paged");
    assertEquals([e.keyspace, e.table], [KS, "paged"]);
  },
  "error-config": (res) => void error(res, ConfigError, 0x2300, "NoSuchStrategy"),
  "error-function-failure"(res) {
    const e = error(res, FunctionFailureError, 0x1400, "ArithmeticException");
    assertEquals([e.keyspace, e.functionName, e.argTypes], [KS, "boom", ["int"]]);
  },
  "error-unavailable-quorum"(res) {
    const e = error(res, UnavailableError, 0x1000, "QUORUM");
    assertEquals([e.consistency, e.required, e.alive], ["QUORUM", 2, 1]);
  },
  "error-unavailable-all"(res) {
    const e = error(res, UnavailableError, 0x1000, "ALL");
    assertEquals([e.consistency, e.required, e.alive], ["ALL", 3, 1]);
  },
  "error-unprepared"(res, meta) {
    const e = error(res, UnpreparedError, 0x2500, meta.facts!.id!);
    assertEquals(toHex(e.id), meta.facts!.id);
  },
  "error-unprepared-after-alter"(res, meta) {
    const e = error(res, UnpreparedError, 0x2500, meta.facts!.id!);
    assertEquals(toHex(e.id), meta.facts!.id);
  },
  "error-protocol-opcode"(res) {
    error(res, ServerProtocolError, 0x000a, "Unknown opcode 66");
    assertEquals(res.header.stream, 0x42, "answered on the bad frame's stream");
  },
  "error-bad-credentials": (res) =>
    void error(res, AuthenticationError, 0x0100, "username cassandra"),
  authenticate: (res) =>
    assertEquals(res.message, {
      kind: "authenticate",
      authenticator: "org.apache.cassandra.auth.PasswordAuthenticator",
    }),
  "auth-success": (res) => assertEquals(res.message, { kind: "authSuccess", token: null }),
  "rows-metadata-changed"(res, meta) {
    const r = rows(res);
    assertEquals(r.metadata.flags, RowsFlag.GlobalTablesSpec | RowsFlag.MetadataChanged);
    const id = r.metadata.newMetadataId;
    assertEquals(id?.length, 16, "new result metadata id");
    assert(toHex(id!) !== meta.facts!.oldResultMetadataId, "the id changed");
    // The metadata is sent in full (despite skip_metadata) and includes the added column.
    assertEquals(columnSummary(r.metadata.columns), [
      `${KS}.mc.k int`,
      `${KS}.mc.a int`,
      `${KS}.mc.b text`,
    ]);
    assertEquals(decodeAll(r), [{ k: 1, a: 10, b: "new" }]);
  },
  "rows-query-check"(res) {
    const r = rows(res);
    // Page 2 of 3: more to come.
    assertEquals(r.metadata.flags, RowsFlag.GlobalTablesSpec | RowsFlag.HasMorePages);
    assertEquals(res.header.stream, 0x0123);
    assertEquals(pagedRows(res), PAGED_ROWS.slice(2, 4));
  },
  "void-batch-check"(res) {
    assertEquals(res.message, { kind: "void" });
    assertEquals(res.header.stream, 0x0456);
  },
  "rows-batch-readback"(res, meta) {
    const v = meta.version;
    const ts = 1_700_000_000_000_000n;
    assertEquals(decodeAll(rows(res)), [
      { a: v, b: "q", c: 1, v: "by query", wt: ts },
      { a: v, b: "q", c: 2, v: null, wt: null },
    ]);
  },
  "rows-execute-check"(res) {
    assertEquals(res.header.stream, 0x0789);
    assertEquals(pagedRows(res), [...PAGED_ROWS]);
  },
  "rows-vectors"(res) {
    const r = rows(res);
    assertEquals(r.rowCount, 2);
    assertEquals(columnSummary(r.metadata.columns).slice(1), [
      ...VECTOR_COLUMNS.map((c) => `${KS}.vectors.${c.name} ${c.cql}`),
    ]);
  },
};
for (const name of Object.keys(SCHEMA_CHANGES)) {
  EXPECT[`schema-${name}`] = (res) => assertEquals(schemaChange(res.message), SCHEMA_CHANGES[name]);
  EXPECT[`event-${name}`] = (res, meta) => {
    assertEquals(res.header.stream, -1, "events arrive on stream -1");
    assertEquals(res.message.kind, "event");
    assertEquals(schemaChange(res.message), SCHEMA_CHANGES[name]);
    // The event reports the same change as the RESULT of the statement that caused it.
    const result = decode(meta.name.replace("-event-", "-schema-"));
    assertEquals(schemaChange(res.message), schemaChange(result.message));
  };
}

function expectationKey(name: string): string {
  return name.replace(/^v[45](-lz4)?-/, "");
}

for (const meta of INDEX) {
  Deno.test(`golden ${meta.name}: ${meta.sent.slice(0, 60)}`, () => {
    const res = decode(meta.name);
    assertEquals(meta.truncatedFrom, undefined, "fixture kept whole");
    if (meta.name.includes("-event-")) assertEquals(res.header.stream, -1);
    else assert(res.header.stream > 0, "request stream echoed");
    const check = EXPECT[expectationKey(meta.name)];
    assert(check !== undefined, `no expectation for ${meta.name}`);
    check(res, meta);
  });
}

Deno.test("golden: every fixture file is indexed and the set is small", () => {
  let total = 0;
  const files: string[] = [];
  for (const e of Deno.readDirSync(DIR)) {
    files.push(e.name);
    total += Deno.statSync(new URL(e.name, DIR)).size;
  }
  for (const f of files) {
    if (!f.endsWith(".bin") || f.startsWith("req-") || f.startsWith("wire-")) continue;
    assert(META.has(f.slice(0, -4)), `${f} is not described in index.json`);
  }
  assert(total < 256 * 1024, `fixtures take ${total} bytes`);
  // Every mode was recorded, and compressed modes really travelled compressed.
  for (const mode of ["v4", "v4-lz4", "v5", "v5-lz4"]) {
    assert(META.has(`${mode}-rows-all-types`), `${mode} all-types missing`);
    assertEquals(META.get(`${mode}-rows-all-types`)!.compressed, mode.endsWith("lz4"), mode);
  }
});

Deno.test("golden: the same data decodes identically in every wire mode", () => {
  for (const what of ["rows-all-types", "void", "set-keyspace"]) {
    const v4 = decode(`v4-${what}`).message;
    assertEquals(decode(`v4-lz4-${what}`).message, v4, `v4-lz4 ${what}`);
    const v5 = decode(`v5-${what}`).message;
    assertEquals(decode(`v5-lz4-${what}`).message, v5, `v5-lz4 ${what}`);
  }
  // v4 and v5 rows differ only in the duration column's type descriptor.
  const a = rows(decode("v4-rows-all-types"));
  const b = rows(decode("v5-rows-all-types"));
  assertEquals(cells(a), cells(b), "same cells on v4 and v5");
});

Deno.test("golden: LZ4 bodies and segments as they came off the wire", async () => {
  const lz4 = await loadLz4();
  // v5: compressed segments, checksums and all, through the SegmentDecoder.
  const seg = new SegmentDecoder({ compressor: lz4 });
  seg.push(load("wire-v5-lz4-rows-all-types.bin"));
  const frames = seg.drain();
  assertEquals(frames.length, 1);
  assertEquals(toHex(frameBytes(frames[0])), toHex(load("v5-lz4-rows-all-types.bin")));
  // v4: one frame whose body is [int] uncompressed length + an LZ4 block.
  const dec = new FrameDecoder();
  dec.push(load("wire-v4-lz4-rows-all-types.bin"));
  const [f] = dec.drain();
  assertEquals(f.header.flags & 0x01, 0x01, "COMPRESSION flag");
  const plain = decompressFrameV4(f, lz4);
  assertEquals(toHex(frameBytes(plain)), toHex(load("v4-lz4-rows-all-types.bin")));
  checkAllTypes(decodeResponse(f, { compressor: lz4 }), 4);
  // Cassandra 5.0 flags even the empty READY as compressed once LZ4 is negotiated: a zero
  // uncompressed length and the one-byte empty LZ4 block (captured by hand from the server).
  const ready = hex("84 01 0001 02 00000005 00000000 00");
  assertEquals(decodeResponseBytes(ready, { compressor: lz4 }).message, { kind: "ready" });
});

Deno.test("golden: a Rows frame spanning several LZ4 segments reassembles", async () => {
  // 200 kB in one envelope: more than one 128 KiB segment, so the server sent it as a run of
  // non-self-contained segments, each compressed on its own.
  const seg = new SegmentDecoder({ compressor: await loadLz4() });
  seg.push(load("wire-v5-lz4-rows-big-blob.bin"));
  const frames = seg.drain();
  assertEquals(frames.length, 1);
  const r = rows(decodeResponse(frames[0]));
  assertEquals(columnSummary(r.metadata.columns), [`${KS}.big.b blob`]);
  const [row] = decodeAll(r);
  assert(toHex(row.b as Uint8Array) === toHex(bigBlob()), "blob content");
});

// Cassandra 5 sends a v4 duration column as the custom class DurationType.
Deno.test({
  name: "golden v4 duration: custom DurationType decodes as a duration",
  fn() {
    const r = rows(decode("v4-rows-all-types"));
    const i = ALL_TYPES.findIndex((c) => c.name === "c_duration");
    const col = r.metadata.columns![i];
    assertEquals(typeToString(col.type), "duration");
    assertEquals(decodeAll(r)[0].c_duration, new Duration(14, 25, 18_367_008_009_010n));
  },
});

// ---------------------------------------------------------------------------------------------
// Requests, byte for byte. Each layout below is spelled out from the spec (v4 sections 2 and
// 4.1, v5 section 4.1: a v5 <flags> is an [int] where v4 has a [byte]). The server-issued parts
// (paging state, prepared ids) come from the index; the recorder sent exactly these frames and
// the server answered them (the response checks above).

const utf8Hex = (s: string) => toHex(new TextEncoder().encode(s));
const PAGED_QUERY = "SELECT c, v FROM golden.paged WHERE p = ?";
const INSERT = "INSERT INTO golden.pk_test (a, b, c, v) VALUES (?, ?, ?, ?)";

function queryBytes(version: 4 | 5, pagingState: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  encodeQuery(w, { version, stream: 0x0123 }, PAGED_QUERY, {
    consistency: "ONE",
    values: [hex("00000001")],
    pageSize: 2,
    pagingState,
    serialConsistency: "LOCAL_SERIAL",
  });
  return w.toBytes();
}

for (const version of [4, 5] as const) {
  Deno.test(`golden request: v${version} QUERY with values, paging and serial consistency`, () => {
    const state = facts(`v${version}-rows-query-check`).pagingState!;
    assertEquals(state.length / 2, 0x12, "18-byte paging state");
    const expected = hex(
      `0${version} 00 0123 07` + // version, flags, stream 0x0123, opcode QUERY
        (version === 4 ? "00000056" : "00000059") + // body length: 86, v5 3 more flag bytes
        `00000029 ${utf8Hex(PAGED_QUERY)}` + // [long string] of 41 bytes
        "0001" + // consistency ONE
        // flags VALUES 0x01 | PAGE_SIZE 0x04 | WITH_PAGING_STATE 0x08 | SERIAL 0x10
        (version === 4 ? "1d" : "0000001d") +
        "0001 00000004 00000001" + // one [value]: int 1
        "00000002" + // result_page_size 2
        `00000012 ${state}` + // paging_state [bytes]
        "0009", // serial_consistency LOCAL_SERIAL
    );
    assertEquals(toHex(load(`req-v${version}-query.bin`)), toHex(expected), "recorded request");
    assertEquals(toHex(queryBytes(version, fromHex(state))), toHex(expected), "encoder today");
  });

  Deno.test(`golden request: v${version} BATCH of a query and a prepared statement`, () => {
    const id = facts(`v${version}-void-batch-check`).id!;
    const v = `0000000${version}`;
    const expected = hex(
      `0${version} 00 0456 0d` + (version === 4 ? "000000a1" : "000000a4") +
        "00" + // LOGGED
        "0002" + // two statements
        `00 0000003b ${utf8Hex(INSERT)}` + // kind 0: [long string] query
        `0004 00000004 ${v} 00000001 71 00000004 00000001 00000008 ${utf8Hex("by query")}` +
        `01 0010 ${id}` + // kind 1: [short bytes] prepared id
        `0004 00000004 ${v} 00000001 71 00000004 00000002 ffffffff` + // v = null
        "0001" + // consistency ONE
        (version === 4 ? "30" : "00000030") + // flags SERIAL 0x10 | DEFAULT_TIMESTAMP 0x20
        "0009" + // serial consistency LOCAL_SERIAL
        "00060a24181e4000", // timestamp 1700000000000000 µs
    );
    assertEquals(toHex(load(`req-v${version}-batch.bin`)), toHex(expected), "recorded request");
    const w = new ByteWriter();
    const int = (n: number) => hex(`0000000${n}`);
    encodeBatch(w, { version, stream: 0x0456 }, {
      type: 0,
      statements: [
        { query: INSERT, values: [int(version), hex("71"), int(1), hex(utf8Hex("by query"))] },
        { id: fromHex(id), values: [int(version), hex("71"), int(2), null] },
      ],
      consistency: "ONE",
      serialConsistency: "LOCAL_SERIAL",
      timestamp: 1_700_000_000_000_000n,
    });
    assertEquals(toHex(w.toBytes()), toHex(expected), "encoder today");
  });
}

Deno.test("golden request: v5 EXECUTE with a result metadata id", () => {
  const { id, resultMetadataId } = facts("v5-rows-execute-check");
  const expected = hex(
    "05 00 0789 0a 00000038" + // 56-byte body
      `0010 ${id}` + // [short bytes] statement id
      `0010 ${resultMetadataId}` + // [short bytes] result metadata id (v5)
      "0004" + // consistency QUORUM
      "00000005" + // flags VALUES 0x01 | PAGE_SIZE 0x04, as an [int]
      "0001 00000004 00000001" + // one [value]: int 1
      "00000064", // result_page_size 100
  );
  assertEquals(toHex(load("req-v5-execute.bin")), toHex(expected), "recorded request");
  const w = new ByteWriter();
  encodeExecute(w, { version: 5, stream: 0x0789 }, fromHex(id!), fromHex(resultMetadataId!), {
    consistency: "QUORUM",
    values: [hex("00000001")],
    pageSize: 100,
  });
  assertEquals(toHex(w.toBytes()), toHex(expected), "encoder today");
});

// ---------------------------------------------------------------------------------------------
// Vectors: row 1 was inserted with CQL literals (the server's own serialization), row 2 column
// by column through EXECUTE with our writeValue bytes.

interface VectorCheck {
  column: string;
  type: string;
  ours: string;
  accepted: boolean;
  error?: string;
}
const VECTOR_CHECK: VectorCheck[] = JSON.parse(
  Deno.readTextFileSync(new URL("vector-check.json", DIR)),
);

for (let i = 0; i < VECTOR_COLUMNS.length; i++) {
  const col = VECTOR_COLUMNS[i];
  Deno.test(`golden vector: ${col.cql} matches Cassandra's serialization`, () => {
    const r = rows(decode("v5-rows-vectors"));
    const spec = r.metadata.columns![i + 1];
    const [literalRow, oursRow] = cells(r);
    assertEquals(decodeRowK(r), [1, 2]);
    const serverBytes = toHex(literalRow[i + 1]!);
    assertEquals(toHex(encodeValue(spec.type, col.value, col.name)!), serverBytes, "encoding");
    assertEquals(decodeValue(spec.type, literalRow[i + 1]), col.value, "decoding");
    const check = VECTOR_CHECK.find((c) => c.column === col.name)!;
    assert(check.accepted, `server rejected our bytes: ${check.error}`);
    assertEquals(check.ours, serverBytes, "bytes the recorder sent");
    assertEquals(toHex(oursRow[i + 1]!), serverBytes, "stored from our bytes");
  });
}

function decodeRowK(r: RowsResult): unknown[] {
  return cells(r).map((row) => decodeValue(r.metadata.columns![0].type, row[0]));
}
