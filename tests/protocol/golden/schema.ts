/**
 * What the recorder sends, shared with the golden test so that the test asserts decoded frames
 * against the very values that were inserted: each column pairs the CQL literal the recorder
 * inserts (parsed by Cassandra, not by our codecs) with the JavaScript value our decoder must
 * produce for it.
 *
 * @module
 */
import { Decimal } from "../../../src/protocol/types/decimal.ts";
import { Duration } from "../../../src/protocol/types/duration.ts";
import { LocalDate } from "../../../src/protocol/types/local-date.ts";
import { LocalTime } from "../../../src/protocol/types/local-time.ts";

/** Keyspace every recorded table lives in (dropped and recreated by each recording run). */
export const KS = "golden";

/** The UDT used by the all-types table. */
export const UDT_DDL =
  `CREATE TYPE ${KS}.address (street text, zip int, tags frozen<set<text>>, loc frozen<tuple<double, double>>)`;

/** One column of the all-types table. */
export interface TypedColumn {
  /** Column name. */
  readonly name: string;
  /** CQL type as written in CREATE TABLE. */
  readonly cql: string;
  /** The type as our `typeToString` renders it from result metadata. */
  readonly rendered: string;
  /** CQL literal inserted in row 1. */
  readonly literal: string;
  /** What the row decoder must return for that literal. */
  readonly expected: unknown;
}

const PI = 3.141592653589793;

/** Every CQL type, collections nested, UDT, tuple and vectors. Row 1 has all set, row 2 only k. */
export const ALL_TYPES: readonly TypedColumn[] = [
  { name: "k", cql: "int", rendered: "int", literal: "1", expected: 1 },
  { name: "c_ascii", cql: "ascii", rendered: "ascii", literal: "'hello'", expected: "hello" },
  {
    name: "c_bigint",
    cql: "bigint",
    rendered: "bigint",
    literal: "-9223372036854775808",
    expected: -9223372036854775808n,
  },
  {
    name: "c_blob",
    cql: "blob",
    rendered: "blob",
    literal: "0xcafe00ff",
    expected: new Uint8Array([0xca, 0xfe, 0x00, 0xff]),
  },
  { name: "c_boolean", cql: "boolean", rendered: "boolean", literal: "true", expected: true },
  {
    name: "c_date",
    cql: "date",
    rendered: "date",
    literal: "'2024-02-29'",
    expected: new LocalDate(2024, 2, 29),
  },
  {
    name: "c_decimal",
    cql: "decimal",
    rendered: "decimal",
    literal: "-12.3400",
    expected: new Decimal(-123400n, 4),
  },
  { name: "c_double", cql: "double", rendered: "double", literal: String(PI), expected: PI },
  {
    name: "c_duration",
    cql: "duration",
    rendered: "duration",
    literal: "1y2mo3w4d5h6m7s8ms9us10ns",
    // 3w4d = 25 days; 5h6m7s8ms9us10ns in nanoseconds.
    expected: new Duration(14, 25, 18_367_008_009_010n),
  },
  { name: "c_float", cql: "float", rendered: "float", literal: "0.1", expected: Math.fround(0.1) },
  {
    name: "c_inet4",
    cql: "inet",
    rendered: "inet",
    literal: "'192.168.0.1'",
    expected: "192.168.0.1",
  },
  {
    name: "c_inet6",
    cql: "inet",
    rendered: "inet",
    literal: "'2001:db8::1'",
    expected: "2001:db8::1",
  },
  { name: "c_int", cql: "int", rendered: "int", literal: "-2147483648", expected: -2147483648 },
  {
    name: "c_smallint",
    cql: "smallint",
    rendered: "smallint",
    literal: "-32768",
    expected: -32768,
  },
  {
    name: "c_text",
    cql: "text",
    rendered: "text",
    literal: "'héllo wörld ✓ 🚀 it''s'",
    expected: "héllo wörld ✓ 🚀 it's",
  },
  {
    name: "c_time",
    cql: "time",
    rendered: "time",
    literal: "'13:45:30.123456789'",
    expected: LocalTime.of(13, 45, 30, 123_456_789),
  },
  {
    name: "c_timestamp",
    cql: "timestamp",
    rendered: "timestamp",
    literal: "'2024-02-29T12:34:56.789Z'",
    expected: new Date("2024-02-29T12:34:56.789Z"),
  },
  {
    name: "c_timeuuid",
    cql: "timeuuid",
    rendered: "timeuuid",
    literal: "50554d6e-29bb-11e5-b345-feff819cdc9f",
    expected: "50554d6e-29bb-11e5-b345-feff819cdc9f",
  },
  { name: "c_tinyint", cql: "tinyint", rendered: "tinyint", literal: "-128", expected: -128 },
  {
    name: "c_uuid",
    cql: "uuid",
    rendered: "uuid",
    literal: "123e4567-e89b-42d3-a456-426614174000",
    expected: "123e4567-e89b-42d3-a456-426614174000",
  },
  {
    name: "c_varint",
    cql: "varint",
    rendered: "varint",
    literal: "-123456789012345678901234567890",
    expected: -123456789012345678901234567890n,
  },
  {
    name: "c_list",
    cql: "list<int>",
    rendered: "list<int>",
    literal: "[3, 1, 2]",
    expected: [3, 1, 2],
  },
  // Sets and maps come back in the server's (sorted) order.
  {
    name: "c_set",
    cql: "set<text>",
    rendered: "set<text>",
    literal: "{'b', 'a'}",
    expected: ["a", "b"],
  },
  {
    name: "c_map",
    cql: "map<text, int>",
    rendered: "map<text, int>",
    literal: "{'x': 1, 'a': 2}",
    expected: new Map([["a", 2], ["x", 1]]),
  },
  {
    name: "c_nested",
    cql: "map<text, frozen<list<frozen<set<int>>>>>",
    rendered: "map<text, list<set<int>>>",
    literal: "{'k': [{2, 1}, {3}], 'e': []}",
    expected: new Map([["e", []], ["k", [[1, 2], [3]]]]),
  },
  {
    name: "c_list_map",
    cql: "list<frozen<map<int, text>>>",
    rendered: "list<map<int, text>>",
    literal: "[{1: 'one'}, {2: 'two', 3: 'three'}]",
    expected: [new Map([[1, "one"]]), new Map([[2, "two"], [3, "three"]])],
  },
  {
    name: "c_udt",
    cql: "frozen<address>",
    rendered: `${KS}.address`,
    literal: "{street: 'Main St', zip: 12345, tags: {'b', 'a'}, loc: (1.5, -2.5)}",
    expected: { street: "Main St", zip: 12345, tags: ["a", "b"], loc: [1.5, -2.5] },
  },
  {
    // A UDT with unset trailing fields: they come back null.
    name: "c_udt_partial",
    cql: "address",
    rendered: `${KS}.address`,
    literal: "{street: 'Side St'}",
    expected: { street: "Side St", zip: null, tags: null, loc: null },
  },
  {
    name: "c_list_udt",
    cql: "list<frozen<address>>",
    rendered: `list<${KS}.address>`,
    literal: "[{zip: 1}, {zip: 2}]",
    expected: [
      { street: null, zip: 1, tags: null, loc: null },
      { street: null, zip: 2, tags: null, loc: null },
    ],
  },
  {
    name: "c_tuple",
    cql: "tuple<int, text, frozen<list<int>>>",
    rendered: "tuple<int, text, list<int>>",
    literal: "(1, 'x', [1, 2])",
    expected: [1, "x", [1, 2]],
  },
  {
    name: "c_tuple_null",
    cql: "tuple<int, text>",
    rendered: "tuple<int, text>",
    literal: "(7, null)",
    expected: [7, null],
  },
  {
    name: "c_vec_float",
    cql: "vector<float, 3>",
    rendered: "vector<float, 3>",
    literal: "[1.5, -2.25, 3]",
    expected: new Float32Array([1.5, -2.25, 3]),
  },
  {
    name: "c_vec_smallint",
    cql: "vector<smallint, 2>",
    rendered: "vector<smallint, 2>",
    literal: "[1, -2]",
    expected: [1, -2],
  },
  {
    name: "c_vec_text",
    cql: "vector<text, 2>",
    rendered: "vector<text, 2>",
    literal: "['a', 'bcd']",
    expected: ["a", "bcd"],
  },
  {
    name: "c_vec_nested",
    cql: "vector<frozen<list<int>>, 2>",
    rendered: "vector<list<int>, 2>",
    literal: "[[1], [2, 3]]",
    expected: [[1], [2, 3]],
  },
];

/** Columns of the vector experiment: our `writeValue` against the server's own serialization. */
export interface VectorColumn {
  readonly name: string;
  readonly cql: string;
  readonly literal: string;
  /** The value given to `writeValue`, which is also what decoding must return. */
  readonly value: unknown;
}

/** The vector element types whose serialization we were unsure of, plus known-good controls. */
export const VECTOR_COLUMNS: readonly VectorColumn[] = [
  { name: "v_smallint", cql: "vector<smallint, 2>", literal: "[1, -2]", value: [1, -2] },
  { name: "v_tinyint", cql: "vector<tinyint, 2>", literal: "[3, -4]", value: [3, -4] },
  {
    name: "v_date",
    cql: "vector<date, 2>",
    literal: "['2024-01-01', '1970-01-02']",
    value: [new LocalDate(2024, 1, 1), new LocalDate(1970, 1, 2)],
  },
  {
    name: "v_time",
    cql: "vector<time, 2>",
    literal: "['01:02:03', '23:59:59.999999999']",
    value: [LocalTime.of(1, 2, 3), LocalTime.of(23, 59, 59, 999_999_999)],
  },
  { name: "v_text", cql: "vector<text, 2>", literal: "['a', 'bc']", value: ["a", "bc"] },
  { name: "v_int", cql: "vector<int, 2>", literal: "[5, -6]", value: [5, -6] },
  {
    name: "v_double",
    cql: "vector<double, 2>",
    literal: "[1.5, -2.5]",
    value: new Float64Array([1.5, -2.5]),
  },
];

/** Rows of the paging table: partition 1, clustering 1..5. */
export const PAGED_ROWS: readonly { c: number; v: string }[] = [1, 2, 3, 4, 5].map((c) => ({
  c,
  v: `row ${c}`,
}));

/**
 * A blob larger than one v5 segment (128 KiB - 1), so its Rows response spans several
 * non-self-contained segments; repetitive, so that with LZ4 the wire capture stays small.
 */
export function bigBlob(): Uint8Array {
  const b = new Uint8Array(200_000);
  for (let i = 0; i < b.length; i++) b[i] = (i % 251) ^ ((i >> 12) & 0xff);
  return b;
}
