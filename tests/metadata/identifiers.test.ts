/**
 * The server-compatible details `DESCRIBE` output depends on: identifier quoting, Java's double
 * formatting, and Cassandra's two orders of column names.
 */
import { javaDouble } from "../../src/metadata/describe.ts";
import {
  compareCreateOrder,
  compareSelectOrder,
  nameBytes,
  quoteIdentifier,
} from "../../src/metadata/identifiers.ts";
import { assertEquals } from "../support/assert.ts";

Deno.test("identifiers: quoted when not lower case or reserved", () => {
  assertEquals(quoteIdentifier("users"), "users");
  assertEquals(quoteIdentifier("a_1"), "a_1");
  assertEquals(quoteIdentifier("Users"), '"Users"');
  assertEquals(quoteIdentifier("1abc"), '"1abc"');
  assertEquals(quoteIdentifier("_x"), '"_x"');
  assertEquals(quoteIdentifier("select"), '"select"');
  assertEquals(quoteIdentifier("key"), "key", "unreserved keywords stay bare");
  assertEquals(quoteIdentifier('say "hi"'), '"say ""hi"""');
  assertEquals(quoteIdentifier("é"), '"é"');
});

Deno.test("javaDouble: Java's Double.toString", () => {
  const cases: [number, string][] = [
    [0, "0.0"],
    [1, "1.0"],
    [0.01, "0.01"],
    [0.1, "0.1"],
    [0.5, "0.5"],
    [0.001, "0.001"],
    [0.0001, "1.0E-4"],
    [6.71e-5, "6.71E-5"],
    [1234567, "1234567.0"],
    [1e7, "1.0E7"],
    [12345678.9, "1.23456789E7"],
    [-2.5, "-2.5"],
    [Infinity, "Infinity"],
    [NaN, "NaN"],
  ];
  for (const [d, s] of cases) assertEquals(javaDouble(d), s, String(d));
});

Deno.test("column orders: as Cassandra 5.0 lists columns in DESCRIBE TABLE and in a view", () => {
  const names = ["aé", "l", "aZ", "éa", "Z", "é"];
  const complex = new Set(["l", "éa"]);
  const keyed = names.map((n) => ({ n, b: nameBytes(n), multi: complex.has(n) }));
  // The table: simple columns first, each group in create order.
  const create = [...keyed].sort((x, y) =>
    x.multi !== y.multi ? (x.multi ? 1 : -1) : compareCreateOrder(x.b, y.b)
  );
  assertEquals(create.map((x) => x.n), ["é", "Z", "aZ", "aé", "éa", "l"]);
  // The view: the two groups merged by name (which here leaves them as they were).
  const simple = create.filter((x) => !x.multi), multi = create.filter((x) => x.multi);
  const merged = [];
  while (simple.length > 0 && multi.length > 0) {
    merged.push(
      compareSelectOrder(simple[0].b, multi[0].b) <= 0 ? simple.shift()! : multi.shift()!,
    );
  }
  merged.push(...simple, ...multi);
  assertEquals(merged.map((x) => x.n), ["é", "Z", "aZ", "aé", "éa", "l"]);
  assertEquals(compareSelectOrder(nameBytes("Zed"), nameBytes("a")) < 0, true);
  assertEquals(compareSelectOrder(nameBytes("é"), nameBytes("z")) > 0, true, "unsigned");
});
