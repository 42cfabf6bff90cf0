/** Row decoding of a hand-built rows body. */
import fc from "fast-check";
import { ByteWriter } from "../../../src/protocol/bytes.ts";
import { ProtocolError } from "../../../src/protocol/errors.ts";
import {
  type ColumnSpec,
  createRowDecoder,
  type DataType,
  LocalDate,
  primitive as p,
  writeValue,
} from "../../../src/protocol/types/mod.ts";
import { typedValue } from "./_arbitraries.ts";
import { assertDeep, assertThrows } from "./_helpers.ts";

function col(name: string, type: DataType): ColumnSpec {
  return { keyspace: "ks", table: "t", name, type };
}

const columns = [
  col("id", p("int")),
  col("name", p("varchar")),
  col("tags", { kind: "set", element: p("varchar") }),
  col("born", p("date")),
  col("__proto__", p("bigint")),
  col("emb", { kind: "vector", element: p("float"), dimension: 2 }),
];

const rows = [
  {
    id: 1,
    name: "ann",
    tags: ["a", "b"],
    born: LocalDate.fromString("1990-02-03"),
    ["__proto__"]: 5n,
    emb: new Float32Array([0.5, -1]),
  },
  { id: 2, name: null, tags: [], born: null, ["__proto__"]: null, emb: null },
];

function body(prefix: number): { buf: Uint8Array; start: number } {
  const w = new ByteWriter(8);
  for (let i = 0; i < prefix; i++) w.byte(0xaa);
  for (const r of rows) {
    const o = r as Record<string, unknown>;
    for (const c of columns) {
      writeValue(w, c.type, Object.getOwnPropertyDescriptor(o, c.name)?.value, c.name);
    }
  }
  return { buf: w.toBytes(), start: prefix };
}

Deno.test("decodeRows and decodeRowsAsArrays", () => {
  const d = createRowDecoder(columns);
  const { buf, start } = body(3);
  const got = d.decodeRows(buf, start, buf.length, 2);
  assertDeep(got.length, 2);
  for (let i = 0; i < 2; i++) {
    for (const c of columns) {
      const expected = Object.getOwnPropertyDescriptor(rows[i], c.name)!.value;
      assertDeep(Object.getOwnPropertyDescriptor(got[i], c.name)?.value, expected, c.name);
    }
    // A column named __proto__ is an own property, not the prototype.
    assertDeep(Object.getPrototypeOf(got[i]), Object.prototype);
    assertDeep(Object.keys(got[i]), columns.map((c) => c.name));
  }
  const arrays = d.decodeRowsAsArrays(buf, start, buf.length, 2);
  assertDeep(arrays[1], [2, null, [], null, null, null]);
  // The decoder is reusable across pages.
  assertDeep(d.decodeRows(buf, start, buf.length, 1).length, 1);
  assertDeep(d.decodeRows(buf, start, start, 0), []);
});

Deno.test("truncated or lying row data is a ProtocolError", () => {
  const d = createRowDecoder(columns);
  const { buf, start } = body(0);
  for (let cut = 0; cut < buf.length; cut++) {
    assertThrows(() => d.decodeRows(buf, start, cut, 2), ProtocolError);
    assertThrows(() => d.decodeRowsAsArrays(buf, start, cut, 2), ProtocolError);
  }
  assertThrows(() => d.decodeRows(buf, 0, buf.length, 2 ** 31 - 1), ProtocolError);
  assertThrows(() => d.decodeRows(buf, 0, buf.length, -1), ProtocolError);
  assertThrows(() => d.decodeRows(buf, 0, buf.length + 1, 1), ProtocolError);
});

Deno.test("random column sets round-trip through rows", () => {
  fc.assert(
    fc.property(fc.array(typedValue, { minLength: 1, maxLength: 6 }), fc.nat(3), (cells, n) => {
      const cols = cells.map(([t], i) => col(`c${i}`, t));
      const w = new ByteWriter(8);
      for (let r = 0; r < n; r++) cells.forEach(([t, v], i) => writeValue(w, t, v, `c${i}`));
      const buf = w.toBytes();
      const got = createRowDecoder(cols).decodeRows(buf, 0, buf.length, n);
      const expected: Record<string, unknown> = {};
      cells.forEach(([, v], i) => expected[`c${i}`] = v);
      assertDeep(got, new Array(n).fill(expected));
    }),
    { numRuns: 200 },
  );
});
