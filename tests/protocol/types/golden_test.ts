/** Golden byte tests: encodings derived by hand from the spec (section 6). */
import { ByteReader, ByteWriter, fromHex, toHex } from "../../../src/protocol/bytes.ts";
import {
  type DataType,
  Decimal,
  decodeValue,
  Duration,
  LocalDate,
  LocalTime,
  primitive as p,
  readDataType,
  unset,
  writeValue,
} from "../../../src/protocol/types/mod.ts";
import { writeUnsignedVint } from "../../../src/protocol/types/vint.ts";
import { assertDeep, hexOf } from "./_helpers.ts";

function golden(type: DataType, value: unknown, hex: string, decoded: unknown = value): void {
  assertDeep(hexOf(type, value), hex, `encode ${String(value)}`);
  assertDeep(decodeValue(type, fromHex(hex)), decoded, `decode ${hex}`);
}

Deno.test("integers", () => {
  golden(p("int"), 1, "00000001");
  golden(p("int"), -1, "ffffffff");
  golden(p("int"), 2147483647, "7fffffff");
  golden(p("int"), -2147483648, "80000000");
  golden(p("smallint"), 256, "0100");
  golden(p("smallint"), -32768, "8000");
  golden(p("tinyint"), -128, "80");
  golden(p("tinyint"), 127, "7f");
  golden(p("bigint"), 1n, "0000000000000001");
  golden(p("bigint"), -(2n ** 63n), "8000000000000000");
  golden(p("bigint"), 2n ** 63n - 1n, "7fffffffffffffff");
  golden(p("counter"), -2n, "fffffffffffffffe");
  // Safe-integer numbers are accepted for 64-bit types and decode as bigint.
  golden(p("bigint"), -5, "fffffffffffffffb", -5n);
  golden(p("bigint"), 2 ** 53 - 1, "001fffffffffffff", 2n ** 53n - 1n);
});

Deno.test("varint examples from the spec", () => {
  const cases: [bigint, string][] = [
    [0n, "00"],
    [1n, "01"],
    [127n, "7f"],
    [128n, "0080"],
    [129n, "0081"],
    [-1n, "ff"],
    [-128n, "80"],
    [-129n, "ff7f"],
    [255n, "00ff"],
    [-256n, "ff00"],
    [32768n, "008000"],
    [-32769n, "ff7fff"],
    [2n ** 31n, "0080000000"],
    [-(2n ** 31n) - 1n, "ff7fffffff"],
    [2n ** 63n, "008000000000000000"],
    [-(2n ** 63n), "8000000000000000"],
    [2n ** 64n, "010000000000000000"],
    [-(2n ** 64n), "ff0000000000000000"],
  ];
  for (const [v, hex] of cases) golden(p("varint"), v, hex);
  golden(p("varint"), 300, "012c", 300n);
});

Deno.test("decimal", () => {
  golden(p("decimal"), Decimal.fromString("123.45"), "000000023039");
  golden(p("decimal"), Decimal.fromString("-1.5"), "00000001f1");
  golden(p("decimal"), new Decimal(1n, -5), "fffffffb01");
  golden(p("decimal"), Decimal.fromString("0.00"), "0000000200");
  golden(p("decimal"), "128", "0000000000" + "80", Decimal.fromString("128"));
});

Deno.test("float, double, boolean", () => {
  golden(p("float"), 1, "3f800000");
  golden(p("float"), -0, "80000000");
  golden(p("float"), Infinity, "7f800000");
  golden(p("double"), 1, "3ff0000000000000");
  golden(p("double"), -Infinity, "fff0000000000000");
  golden(p("boolean"), true, "01");
  golden(p("boolean"), false, "00");
  assertDeep(decodeValue(p("boolean"), fromHex("02")), true);
});

Deno.test("text, ascii, blob", () => {
  golden(p("varchar"), "hé", "68c3a9");
  golden(p("varchar"), "", "");
  golden(p("ascii"), "a", "61");
  golden(p("blob"), new Uint8Array([0, 255]), "00ff");
  golden(p("blob"), new Uint8Array(), "");
});

Deno.test("uuid and inet", () => {
  const u = "00112233-4455-6677-8899-aabbccddeeff";
  golden(p("uuid"), u, "00112233445566778899aabbccddeeff");
  golden(p("uuid"), u.toUpperCase(), "00112233445566778899aabbccddeeff", u);
  golden(p("timeuuid"), "00112233-4455-1677-8899-aabbccddeeff", "00112233445516778899aabbccddeeff");
  golden(p("inet"), "10.0.0.1", "0a000001");
  golden(p("inet"), "::1", "00000000000000000000000000000001");
  golden(p("inet"), "::", "00000000000000000000000000000000");
  golden(p("inet"), "::ffff:1.2.3.4", "00000000000000000000ffff01020304");
  golden(p("inet"), "2001:db8::ff00:42:8329", "20010db8000000000000ff0000428329");
  golden(p("inet"), "2001:db8:0:1:1:1:1:1", "20010db8000000010001000100010001");
  golden(p("inet"), "2001:0:0:1::1", "20010000000000010000000000000001");
  // RFC 5952: the longest zero run is compressed, the first one on a tie, a lone zero is not.
  golden(
    p("inet"),
    "2001:DB8:0:0:1:0:0:1",
    "20010db8000000000001000000000001",
    "2001:db8::1:0:0:1",
  );
});

Deno.test("date, time, timestamp", () => {
  golden(p("date"), LocalDate.fromString("1970-01-01"), "80000000");
  golden(p("date"), LocalDate.fromString("1970-01-02"), "80000001");
  golden(p("date"), LocalDate.fromString("1969-12-31"), "7fffffff");
  golden(p("date"), "2024-05-01", "80004d84", LocalDate.fromString("2024-05-01"));
  const min = decodeValue(p("date"), fromHex("00000000")) as LocalDate;
  assertDeep(min.toString(), "-5877641-06-23");
  const max = decodeValue(p("date"), fromHex("ffffffff")) as LocalDate;
  // The spec lists this day for "2^32"; the largest value, 2^32 - 1, is that day (counted by hand:
  // 29398 four-century cycles, 21 years with 6 leap days, then 18 days).
  assertDeep(max.toString(), "+5881580-07-11");
  golden(p("time"), new LocalTime(0n), "0000000000000000");
  golden(p("time"), new LocalTime(1n), "0000000000000001");
  golden(p("time"), new LocalTime(86399999999999n), "00004e94914effff");
  golden(p("time"), "00:00:01", "000000003b9aca00", LocalTime.of(0, 0, 1));
  golden(p("timestamp"), new Date(0), "0000000000000000");
  golden(p("timestamp"), new Date(-1), "ffffffffffffffff");
  golden(p("timestamp"), 1000, "00000000000003e8", new Date(1000));
  golden(p("timestamp"), 1000n, "00000000000003e8", new Date(1000));
  // Beyond the Date range: an Invalid Date rather than an exception.
  const far = decodeValue(p("timestamp"), fromHex("7fffffffffffffff")) as Date;
  assertDeep(Number.isNaN(far.getTime()), true);
});

Deno.test("duration vints", () => {
  golden(p("duration"), new Duration(1, 2, 3n), "020406");
  golden(p("duration"), new Duration(-1, -2, -3n), "010305");
  golden(p("duration"), new Duration(0, 0, 0n), "000000");
  // 64 nanoseconds zig-zag to 128, the first value needing two bytes: [10]000000 10000000.
  golden(p("duration"), new Duration(0, 0, 64n), "00008080");
  golden(p("duration"), new Duration(0, 0, 2n ** 63n - 1n), "0000fffffffffffffffffe");
  golden(p("duration"), new Duration(0, 0, -(2n ** 63n)), "0000ffffffffffffffffff");
  golden(p("duration"), "1mo", "020000", new Duration(1, 0, 0n));
});

Deno.test("unsigned vint example from the spec", () => {
  const w = new ByteWriter();
  writeUnsignedVint(w, 256000n);
  assertDeep(toHex(w.toBytes()), "c3e800");
});

Deno.test("collections, tuple, udt", () => {
  const listInt: DataType = { kind: "list", element: p("int") };
  golden(listInt, [1, 2], "00000002" + "0000000400000001" + "0000000400000002");
  golden(listInt, [], "00000000");
  golden({ kind: "set", element: p("int") }, new Set([7]), "00000001" + "0000000400000007", [7]);
  const m: DataType = { kind: "map", key: p("varchar"), value: p("int") };
  golden(m, new Map([["a", 1]]), "00000001" + "0000000161" + "0000000400000001");
  golden(m, { a: 1 }, "00000001" + "0000000161" + "0000000400000001", new Map([["a", 1]]));
  const tup: DataType = { kind: "tuple", elements: [p("int"), p("varchar")] };
  golden(tup, [1, null], "0000000400000001" + "ffffffff");
  const udt: DataType = {
    kind: "udt",
    keyspace: "ks",
    name: "u",
    fields: [{ name: "a", type: p("int") }, { name: "b", type: p("varchar") }],
  };
  golden(udt, { a: 1, b: null }, "0000000400000001" + "ffffffff");
  golden(udt, { a: 1 }, "0000000400000001" + "ffffffff", { a: 1, b: null });
  // Fewer values than fields: the rest are null.
  assertDeep(decodeValue(udt, fromHex("0000000400000001")), { a: 1, b: null });
});

Deno.test("vectors", () => {
  const vf: DataType = { kind: "vector", element: p("float"), dimension: 2 };
  golden(vf, new Float32Array([1, 2]), "3f80000040000000");
  golden(vf, [1, 2], "3f80000040000000", new Float32Array([1, 2]));
  const vd: DataType = { kind: "vector", element: p("double"), dimension: 1 };
  golden(vd, new Float64Array([1]), "3ff0000000000000");
  // Fixed-size elements are concatenated, variable-size ones get a vint length each.
  golden({ kind: "vector", element: p("int"), dimension: 2 }, [1, -1], "00000001ffffffff");
  golden({ kind: "vector", element: p("varchar"), dimension: 2 }, ["a", "bc"], "0161026263");
  golden({ kind: "vector", element: p("smallint"), dimension: 2 }, [1, 2], "020001020002");
});

Deno.test("writeValue length prefixes", () => {
  const w = new ByteWriter(4);
  writeValue(w, p("int"), null, "a");
  writeValue(w, p("int"), undefined, "a");
  writeValue(w, p("int"), unset, "a");
  writeValue(w, p("int"), 1, "a");
  writeValue(w, p("varchar"), "abc", "b");
  assertDeep(
    toHex(w.toBytes()),
    "ffffffff" + "ffffffff" + "fffffffe" + "0000000400000001" + "00000003616263",
  );
});

Deno.test("vector types from custom class names", () => {
  const parse = (cls: string) => {
    const w = new ByteWriter();
    w.short(0);
    w.string(cls);
    return readDataType(new ByteReader(w.toBytes()));
  };
  const M = "org.apache.cassandra.db.marshal.";
  assertDeep(parse(`${M}VectorType(${M}FloatType,3)`), {
    kind: "vector",
    element: p("float"),
    dimension: 3,
  });
  assertDeep(parse(`${M}VectorType(${M}ListType(${M}Int32Type),2)`), {
    kind: "vector",
    element: { kind: "list", element: p("int") },
    dimension: 2,
  });
  assertDeep(parse(`${M}VectorType(${M}VectorType(${M}DoubleType,2),4)`), {
    kind: "vector",
    element: { kind: "vector", element: p("double"), dimension: 2 },
    dimension: 4,
  });
  assertDeep(
    parse(
      `${M}VectorType(${M}MapType(${M}UTF8Type,${M}FrozenType(${M}TupleType(${M}LongType,${M}BooleanType))),1)`,
    ),
    {
      kind: "vector",
      element: {
        kind: "map",
        key: p("varchar"),
        value: { kind: "tuple", elements: [p("bigint"), p("boolean")] },
      },
      dimension: 1,
    },
  );
  assertDeep(parse(`${M}VectorType(${M}UserType(ks,75,61:${M}Int32Type),1)`), {
    kind: "vector",
    element: { kind: "udt", keyspace: "ks", name: "u", fields: [{ name: "a", type: p("int") }] },
    dimension: 1,
  });
  assertDeep(parse("VectorType(FloatType, 5)"), {
    kind: "vector",
    element: p("float"),
    dimension: 5,
  });
  assertDeep(parse("com.example.MyType"), { kind: "custom", className: "com.example.MyType" });
  assertDeep(parse(`${M}VectorType(${M}FloatType,0)`), {
    kind: "custom",
    className: `${M}VectorType(${M}FloatType,0)`,
  });
  assertDeep(parse(`${M}VectorType(${M}FloatType,3`), {
    kind: "custom",
    className: `${M}VectorType(${M}FloatType,3`,
  });
  assertDeep(parse(`${M}VectorType(com.example.X(1,2),2)`), {
    kind: "vector",
    element: { kind: "custom", className: "com.example.X(1,2)" },
    dimension: 2,
  });
});
