/**
 * The CQL type parser on the text forms `system_schema` stores: nesting, frozen, vectors, tuples,
 * user types (quoted, qualified, nested in each other), custom classes, and malformed input.
 */
import type { DataType, UdtType } from "../../mod.ts";
import { CqlTypeParseError, parseCqlType } from "../../src/metadata/cql-type.ts";
import { assertEquals, assertThrows } from "../support/assert.ts";

const int = { kind: "int" } as const;
const text = { kind: "varchar" } as const;

Deno.test("cql type: primitives, text as varchar, case-insensitive keywords", () => {
  for (
    const name of [
      "ascii",
      "bigint",
      "blob",
      "boolean",
      "counter",
      "date",
      "decimal",
      "double",
      "duration",
      "float",
      "inet",
      "int",
      "smallint",
      "time",
      "timestamp",
      "timeuuid",
      "tinyint",
      "uuid",
      "varint",
    ]
  ) {
    assertEquals(parseCqlType(name), { kind: name } as DataType, name);
  }
  assertEquals(parseCqlType("text"), text);
  assertEquals(parseCqlType("varchar"), text);
  assertEquals(parseCqlType(" INT "), int);
  assertEquals(parseCqlType("LIST<Int>"), { kind: "list", element: int });
});

Deno.test("cql type: nested and frozen collections", () => {
  assertEquals(parseCqlType("frozen<map<text, list<int>>>"), {
    kind: "map",
    key: text,
    value: { kind: "list", element: int },
  });
  assertEquals(parseCqlType("map<text, frozen<list<frozen<set<bigint>>>>>"), {
    kind: "map",
    key: text,
    value: { kind: "list", element: { kind: "set", element: { kind: "bigint" } } },
  });
  assertEquals(parseCqlType("set<frozen<map<int,text>>>"), {
    kind: "set",
    element: { kind: "map", key: int, value: text },
  });
});

Deno.test("cql type: tuples and vectors", () => {
  assertEquals(parseCqlType("frozen<tuple<int, text, frozen<list<float>>>>"), {
    kind: "tuple",
    elements: [int, text, { kind: "list", element: { kind: "float" } }],
  });
  assertEquals(parseCqlType("vector<float, 3>"), {
    kind: "vector",
    element: { kind: "float" },
    dimension: 3,
  });
  assertEquals(parseCqlType("vector<frozen<list<int>>, 2>"), {
    kind: "vector",
    element: { kind: "list", element: int },
    dimension: 2,
  });
});

Deno.test("cql type: user types, quoted and qualified, resolved against the keyspace", () => {
  const inner: UdtType = { kind: "udt", keyspace: "ks", name: "inner", fields: [] };
  const mixed: UdtType = { kind: "udt", keyspace: "ks", name: 'My "Type"', fields: [] };
  const other: UdtType = { kind: "udt", keyspace: "Other", name: "list", fields: [] };
  const seen: string[] = [];
  const resolveUdt = (ks: string, name: string) => {
    seen.push(`${ks}/${name}`);
    return [inner, mixed, other].find((t) => t.keyspace === ks && t.name === name);
  };
  const opts = { keyspace: "ks", resolveUdt };
  assertEquals(parseCqlType("frozen<inner>", opts), inner);
  assertEquals(parseCqlType("INNER", opts), inner, "unquoted names fold to lower case");
  assertEquals(parseCqlType('frozen<"My ""Type""">', opts), mixed);
  assertEquals(parseCqlType('list<frozen<"Other"."list">>', opts), {
    kind: "list",
    element: other,
  });
  assertEquals(parseCqlType('map<"inner", int>', opts), { kind: "map", key: inner, value: int });
  assertEquals(seen, ["ks/inner", "ks/inner", 'ks/My "Type"', "Other/list", "ks/inner"]);
  assertThrows(() => parseCqlType("frozen<nope>", opts), CqlTypeParseError, "unknown user type");
  assertThrows(() => parseCqlType("inner"), CqlTypeParseError, "without a keyspace");
});

Deno.test("cql type: custom classes", () => {
  assertEquals(parseCqlType("'org.apache.cassandra.db.marshal.LexicalUUIDType'"), {
    kind: "custom",
    className: "org.apache.cassandra.db.marshal.LexicalUUIDType",
  });
  assertEquals(parseCqlType("'org.apache.cassandra.db.marshal.UTF8Type'"), text);
  assertEquals(
    parseCqlType(
      "'org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType,4)'",
    ),
    { kind: "vector", element: { kind: "float" }, dimension: 4 },
  );
  assertEquals(parseCqlType("list<'com.example.It''s'>"), {
    kind: "list",
    element: { kind: "custom", className: "com.example.It's" },
  });
});

Deno.test("cql type: malformed text fails with CqlTypeParseError", () => {
  for (
    const bad of [
      "",
      "list<int",
      "map<int>",
      "list<int>>",
      "vector<float, 0>",
      "vector<float, x>",
      "tuple<>",
      "frozen<>",
      '"unterminated',
      "'unterminated",
      "int int",
      "list<int,>",
      "a@b",
    ]
  ) {
    assertThrows(
      () => parseCqlType(bad, { keyspace: "ks", resolveUdt: () => undefined }),
      CqlTypeParseError,
      "",
    );
  }
  const deep = "list<".repeat(100) + "int" + ">".repeat(100);
  assertThrows(() => parseCqlType(deep), CqlTypeParseError, "nested deeper");
});
