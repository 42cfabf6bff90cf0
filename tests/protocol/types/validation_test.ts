/** Encoding rejects values of the wrong kind or range with a TypeError naming the parameter. */
import { ByteWriter } from "../../../src/protocol/bytes.ts";
import {
  type DataType,
  encodeValue,
  primitive as p,
  unset,
  writeValue,
} from "../../../src/protocol/types/mod.ts";
import { assertDeep, assertThrows } from "./_helpers.ts";

const udt: DataType = {
  kind: "udt",
  keyspace: "ks",
  name: "addr",
  fields: [{ name: "street", type: p("varchar") }],
};

const cases: [DataType, unknown, string][] = [
  [p("int"), 2 ** 31, "int"],
  [p("int"), -(2 ** 31) - 1, "int"],
  [p("int"), 1.5, "int"],
  [p("int"), "1", "int"],
  [p("int"), 1n, "int"],
  [p("tinyint"), 200, "tinyint"],
  [p("smallint"), 40000, "smallint"],
  [p("bigint"), 2n ** 63n, "bigint"],
  [p("bigint"), 2 ** 53, "bigint"],
  [p("bigint"), 1.5, "bigint"],
  [p("varint"), "12", "varint"],
  [p("float"), "1", "float"],
  [p("double"), 1n, "double"],
  [p("boolean"), 1, "boolean"],
  [p("varchar"), 5, "text"],
  [p("varchar"), "\ud800", "text"],
  [p("ascii"), "é", "ascii"],
  [p("blob"), "abc", "blob"],
  [p("uuid"), "00112233-4455-6677-8899-aabbccddeeff0", "uuid"],
  [p("uuid"), "00112233445566778899aabbccddeeff", "uuid"],
  [p("uuid"), new Uint8Array(17), "uuid"],
  [p("timeuuid"), "00112233-4455-4677-8899-aabbccddeeff", "timeuuid"],
  [p("inet"), "1.2.3.256", "inet"],
  [p("inet"), "1:2:3:4:5:6:7:8:9", "inet"],
  [p("inet"), "1::2::3", "inet"],
  [p("timestamp"), new Date(NaN), "timestamp"],
  [p("timestamp"), "2020-01-01", "timestamp"],
  [p("date"), "2023-02-29", "date"],
  [p("date"), 5, "date"],
  [p("time"), 86400000000000n, "time"],
  [p("time"), "25:00", "time"],
  [p("duration"), "1x", "duration"],
  [p("duration"), 5, "duration"],
  [p("decimal"), NaN, "decimal"],
  [p("decimal"), "1.2.3", "decimal"],
  [{ kind: "list", element: p("int") }, new Map(), "list<int>"],
  [{ kind: "list", element: p("int") }, "abc", "list<int>"],
  [{ kind: "list", element: p("int") }, [1, null], "int"],
  [{ kind: "list", element: p("int") }, [1, "x"], "int"],
  [{ kind: "set", element: p("int") }, 3, "set<int>"],
  [{ kind: "map", key: p("int"), value: p("int") }, [[1, 2]], "map<int, int>"],
  [{ kind: "map", key: p("int"), value: p("int") }, { a: 1 }, "map<int, int>"],
  [{ kind: "map", key: p("varchar"), value: p("int") }, new Map([["a", null]]), "int"],
  [{ kind: "tuple", elements: [p("int"), p("int")] }, [1], "tuple<int, int>"],
  [{ kind: "tuple", elements: [p("int")] }, [unset], "int"],
  [udt, { street: "x", zip: 1 }, "ks.addr"],
  [udt, [1], "ks.addr"],
  [udt, { street: 5 }, "text"],
  [{ kind: "vector", element: p("float"), dimension: 3 }, [1, 2], "vector<float, 3>"],
  [{ kind: "vector", element: p("float"), dimension: 2 }, new Float32Array(3), "vector<float, 2>"],
  [{ kind: "vector", element: p("float"), dimension: 2 }, [1, "2"], "float"],
  [{ kind: "vector", element: p("varchar"), dimension: 2 }, ["a", null], "text"],
  [{ kind: "custom", className: "x.Y" }, 5, "'x.Y'"],
];

Deno.test("wrong kind or range is a TypeError naming the parameter and type", () => {
  for (const [type, value, typeText] of cases) {
    assertThrows(() => encodeValue(type, value, "myParam"), TypeError, "myParam", typeText);
  }
});

Deno.test("nested errors name the element", () => {
  assertThrows(
    () => encodeValue({ kind: "list", element: p("int") }, [1, 2, 1.5], "ids"),
    TypeError,
    "ids[2]",
  );
  assertThrows(() => encodeValue(udt, { street: 5 }, "home"), TypeError, "home.street");
});

Deno.test("a failed writeValue leaves the writer unchanged", () => {
  const w = new ByteWriter(8);
  w.int(7);
  assertThrows(
    () => writeValue(w, { kind: "list", element: p("int") }, [1, 2, "x"], "p"),
    TypeError,
  );
  assertDeep(w.length, 4);
});

Deno.test("unset has no byte form outside writeValue", () => {
  assertThrows(() => encodeValue(p("int"), unset, "p"), TypeError, "unset");
});
