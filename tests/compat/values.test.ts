// deno-lint-ignore-file no-explicit-any
/**
 * Values across the boundary, against cassandra-driver's own Encoder on random values: for every
 * CQL type, a value built with each side's types encodes to the same bytes (parameters in), and
 * bytes decode to values of the same class and `toString()` (rows out). Also the type guessed
 * for unprepared parameters.
 *
 * @module
 */
import fc from "fast-check";
import cassandraDriver from "cassandra-driver";
import { types } from "../../src/compat/mod.ts";
import { guessType, paramToNative } from "../../src/compat/convert-in.ts";
import { RowConverters } from "../../src/compat/convert-out.ts";
import { decodeValue, encodeValue } from "../../src/protocol/types/codec.ts";
import { type DataType, primitive, typeToString } from "../../src/protocol/types/datatype.ts";
import { assertEquals } from "../support/assert.ts";
import { describe } from "./describe.ts";

const cd: any = cassandraDriver;
const theirs: any = cd.types;
const ours: any = types;
const B = (globalThis as any).Buffer;
const encoder = new cd.Encoder(5, {});
const converters = new RowConverters({});
const RUNS = { numRuns: 150 };

function hex(b: Uint8Array | null): string {
  return b === null ? "null" : Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** A CQL type: cassandra-driver's description, ours, and values built with either side's types. */
interface Case {
  info: any;
  type: DataType;
  gen: fc.Arbitrary<(t: any) => unknown>;
}

const long = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const big = fc.bigInt({ min: -(1n << 130n), max: 1n << 130n });
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const same = <T>(a: fc.Arbitrary<T>) => a.map((v) => (_t: any) => v);

const P = (name: Parameters<typeof primitive>[0], code: number, gen: Case["gen"]): Case => ({
  info: { code },
  type: primitive(name),
  gen,
});

const CASES: Record<string, Case> = {
  ascii: P("ascii", 1, same(fc.string({ unit: fc.constantFrom(..."abcXYZ 09!~") }))),
  bigint: P("bigint", 2, long.map((v) => (t: any) => t.Long.fromString(v.toString()))),
  blob: P("blob", 3, fc.uint8Array({ maxLength: 40 }).map((v) => () => B.from(v))),
  boolean: P("boolean", 4, same(fc.boolean())),
  decimal: P(
    "decimal",
    6,
    fc.tuple(big, fc.integer({ min: -5, max: 30 })).map(([u, s]) => (t: any) =>
      new t.BigDecimal(t.Integer.fromString(u.toString()), s)
    ),
  ),
  double: P("double", 7, same(fc.double())),
  float: P("float", 8, same(fc.float())),
  int: P("int", 9, same(fc.integer())),
  timestamp: P(
    "timestamp",
    11,
    fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => () => new Date(ms)),
  ),
  uuid: P("uuid", 12, bytes(16).map((b) => (t: any) => new t.Uuid(B.from(b)))),
  varchar: P("varchar", 13, same(fc.string({ unit: "grapheme" }))),
  varint: P("varint", 14, big.map((v) => (t: any) => t.Integer.fromString(v.toString()))),
  // Version 1 only: the native codec checks what the server would refuse.
  timeuuid: P(
    "timeuuid",
    15,
    bytes(16).map((b) => (t: any) => {
      const v = B.from(b);
      v[6] = (v[6] & 0x0f) | 0x10;
      return new t.TimeUuid(v);
    }),
  ),
  inet: P(
    "inet",
    16,
    fc.oneof(bytes(4), bytes(16)).map((b) => (t: any) => new t.InetAddress(B.from(b))),
  ),
  date: P(
    "date",
    17,
    fc.integer({ min: -2147483648, max: 2147483647 }).map((d) => (t: any) => new t.LocalDate(d)),
  ),
  time: P(
    "time",
    18,
    fc.bigInt({ min: 0n, max: 86399999999999n }).map((n) => (t: any) =>
      new t.LocalTime(t.Long.fromString(n.toString()))
    ),
  ),
  smallint: P("smallint", 19, same(fc.integer({ min: -32768, max: 32767 }))),
  tinyint: P("tinyint", 20, same(fc.integer({ min: -128, max: 127 }))),
  duration: {
    info: { code: 0, info: "org.apache.cassandra.db.marshal.DurationType" },
    type: primitive("duration"),
    gen: fc.tuple(
      fc.integer({ min: 0, max: 2147483647 }),
      fc.integer({ min: 0, max: 2147483647 }),
      fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
      fc.boolean(),
    ).map(([m, d, n, neg]) => (t: any) =>
      neg
        ? new t.Duration(-m, -d, t.Long.fromString((-n).toString()))
        : new t.Duration(m, d, t.Long.fromString(n.toString()))
    ),
  },
};

const COMPOSITE: Record<string, Case> = {
  "list<int>": {
    info: { code: 0x20, info: { code: 9 } },
    type: { kind: "list", element: primitive("int") },
    gen: same(fc.array(fc.integer(), { maxLength: 6 })),
  },
  "set<uuid>": {
    info: { code: 0x22, info: { code: 12 } },
    type: { kind: "set", element: primitive("uuid") },
    gen: fc.uniqueArray(bytes(16), { maxLength: 4, selector: hex }).map((bs) => (t: any) =>
      bs.map((b) => new t.Uuid(B.from(b)))
    ),
  },
  "map<text, bigint>": {
    info: { code: 0x21, info: [{ code: 13 }, { code: 2 }] },
    type: { kind: "map", key: primitive("varchar"), value: primitive("bigint") },
    gen: fc.dictionary(fc.string({ maxLength: 5 }), long, { maxKeys: 4 }).map((o) => (t: any) =>
      Object.fromEntries(Object.entries(o).map(([k, v]) => [k, t.Long.fromString(v.toString())]))
    ),
  },
  "tuple<int, text, date>": {
    info: { code: 0x31, info: [{ code: 9 }, { code: 13 }, { code: 17 }] },
    type: {
      kind: "tuple",
      elements: [primitive("int"), primitive("varchar"), primitive("date")],
    },
    gen: fc.tuple(fc.integer(), fc.string(), fc.integer({ min: -100000, max: 100000 })).map(
      ([i, s, d]) => (t: any) => new t.Tuple(i, s, new t.LocalDate(d)),
    ),
  },
  "udt addr": {
    info: {
      code: 0x30,
      info: {
        keyspace: "ks",
        name: "addr",
        fields: [{ name: "street", type: { code: 13 } }, { name: "n", type: { code: 14 } }],
      },
    },
    type: {
      kind: "udt",
      keyspace: "ks",
      name: "addr",
      fields: [{ name: "street", type: primitive("varchar") }, {
        name: "n",
        type: primitive("varint"),
      }],
    },
    gen: fc.tuple(fc.string(), big).map(([s, n]) => (t: any) => ({
      street: s,
      n: t.Integer.fromString(n.toString()),
    })),
  },
  "vector<float, 3>": {
    info: { code: 0, customTypeName: "vector", info: [{ code: 8 }, 3] },
    type: { kind: "vector", element: primitive("float"), dimension: 3 },
    gen: fc.array(fc.float({ noNaN: true }), { minLength: 3, maxLength: 3 }).map((a) => (t: any) =>
      new t.Vector(new Float32Array(a), "float")
    ),
  },
};

/** Our row value for bytes of `type`, through the native decoder and the compat converters. */
function ourDecode(type: DataType, b: Uint8Array): unknown {
  const spec = [{ keyspace: "ks", table: "t", name: "v", type }];
  return converters.builder(spec)({ v: decodeValue(type, b) }).v;
}

for (const [name, c] of Object.entries({ ...CASES, ...COMPOSITE })) {
  Deno.test(`compat values: ${name} in and out as cassandra-driver`, () => {
    fc.assert(
      fc.property(c.gen, (make) => {
        const mine = encodeValue(c.type, paramToNative(make(ours), false), "v");
        const ref = encoder.encode(make(theirs), c.info);
        assertEquals(hex(mine), hex(ref), `encoding of ${typeToString(c.type)}`);
        assertEquals(describe(ourDecode(c.type, ref)), describe(encoder.decode(ref, c.info)));
      }),
      RUNS,
    );
  });
}

Deno.test("compat values: the types guessed for unprepared parameters", () => {
  const samples = (t: any): unknown[] => [
    1.5,
    "text",
    "7e57d004-2b97-4e7a-b45f-5387367791cd",
    true,
    B.from([1]),
    new Date(0),
    t.Long.fromNumber(1),
    t.Integer.fromNumber(2),
    t.BigDecimal.fromString("1.5"),
    t.Uuid.random(),
    t.TimeUuid.now(),
    t.InetAddress.fromString("::1"),
    new t.Tuple(1, "a"),
    new t.LocalDate(2020, 1, 1),
    t.LocalTime.fromString("01:02"),
    new t.Duration(1, 2, 3),
    [1, 2],
    { a: 1 },
  ];
  const mine = samples(ours).map((v) => guessType(v));
  const ref = samples(theirs).map((v) => cd.Encoder.guessDataType(v));
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i], m = mine[i];
    if (r === null) {
      assertEquals(m, null, `sample ${i}`);
      continue;
    }
    // cassandra-driver guesses duration as the custom type it is on the wire.
    const mc = m === null ? null : m.kind === "duration" ? 0 : KIND_CODE[m.kind];
    assertEquals(mc, r.code === 10 ? 13 : r.code, `sample ${i} (${describe(samples(ours)[i])})`);
  }
});

const KIND_CODE: Record<string, number> = {
  double: 7,
  varchar: 13,
  uuid: 12,
  boolean: 4,
  blob: 3,
  timestamp: 11,
  bigint: 2,
  varint: 14,
  decimal: 6,
  inet: 16,
  tuple: 0x31,
  date: 17,
  time: 18,
  list: 0x20,
};
