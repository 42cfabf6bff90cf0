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
import { decoderFor } from "../../../src/protocol/types/codec.ts";
import { compileRowReader } from "../../../src/protocol/types/row-reader.ts";
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

Deno.test("decodeRows reads through a DataView it is given, and refuses one of other bytes", () => {
  const d = createRowDecoder(columns);
  const { buf: whole, start } = body(5);
  // A body that starts inside its ArrayBuffer, as a frame's does.
  const buf = whole.subarray(2);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const viaView = d.decodeRows(buf, start - 2, buf.length, 2, view);
  assertDeep(viaView, d.decodeRows(buf, start - 2, buf.length, 2));
  assertDeep(viaView[0].id, 1);
  // A view that starts elsewhere would read the wrong bytes.
  assertThrows(
    () => d.decodeRows(buf, start - 2, buf.length, 2, new DataView(whole.buffer)),
    RangeError,
  );
  assertThrows(
    () => d.decodeRows(buf, start - 2, buf.length, 2, new DataView(new ArrayBuffer(buf.length))),
    RangeError,
  );
  // Truncation through a given view is still a ProtocolError.
  assertThrows(() => d.decodeRows(buf, start - 2, buf.length - 1, 2, view), ProtocolError);
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
    // Up to 80 rows: past the compile threshold the generated reader decodes them.
    fc.property(
      fc.array(typedValue, { minLength: 1, maxLength: 6 }),
      fc.oneof(fc.nat(3), fc.integer({ min: 64, max: 80 })),
      (cells, n) => {
        const cols = cells.map(([t], i) => col(`c${i}`, t));
        const w = new ByteWriter(8);
        for (let r = 0; r < n; r++) cells.forEach(([t, v], i) => writeValue(w, t, v, `c${i}`));
        const buf = w.toBytes();
        const got = createRowDecoder(cols).decodeRows(buf, 0, buf.length, n);
        const expected: Record<string, unknown> = {};
        cells.forEach(([, v], i) => expected[`c${i}`] = v);
        assertDeep(got, new Array(n).fill(expected));
      },
    ),
    { numRuns: 200 },
  );
});

// Names that must stay data in a generated reader's source.
const awkward = [
  'a"b',
  "back\\slash",
  "line\u2028sep",
  "1",
  "dup",
  "x y",
  "${x}",
  "*/ throw 1; /*",
  "dup",
  "constructor",
];

function awkwardRows(n: number): { cols: ColumnSpec[]; buf: Uint8Array; expected: unknown[][] } {
  const cols = awkward.map((name, i) => col(name, i % 2 ? p("varchar") : p("int")));
  const w = new ByteWriter(8);
  const expected: unknown[][] = [];
  for (let r = 0; r < n; r++) {
    const values = cols.map((_c, i) => (r + i) % 3 === 0 ? null : i % 2 ? `v${r}.${i}` : r * i);
    values.forEach((v, i) => writeValue(w, cols[i].type, v, cols[i].name));
    expected.push(values);
  }
  return { cols, buf: w.toBytes(), expected };
}

Deno.test("rows read by a generated reader equal rows read one column at a time", () => {
  const n = 100;
  const { cols, buf, expected } = awkwardRows(n);
  const reader = compileRowReader(
    cols.map((c) => c.name),
    cols.map((c) => decoderFor(c.type)),
    () => {
      throw new ProtocolError("cut");
    },
  );
  assertDeep(typeof reader, "function");
  // One call of 100 rows passes the compile threshold, so this cursor reads with the generated
  // reader; the slow decoder below never passes it and stays on the generic path.
  const fast = createRowDecoder(cols).decodeRows(buf, 0, buf.length, n);
  const slow = createRowDecoder(cols);
  const cursor = slow.cursor(buf, 0, buf.length, 1);
  const first = cursor.next()!;
  assertDeep(Object.keys(fast[0]), Object.keys(first));
  assertDeep(fast[0], first);
  for (let r = 0; r < n; r++) {
    const row = fast[r];
    assertDeep(Object.getPrototypeOf(row), Object.prototype);
    assertDeep(Object.keys(row).length, awkward.length - 1);
    for (let i = 0; i < awkward.length; i++) {
      // With a duplicate name the last non-null cell wins.
      const want = i === 4 || i === 8 ? expected[r][8] ?? expected[r][4] : expected[r][i];
      assertDeep(row[awkward[i]], want, `${r}.${awkward[i]}`);
    }
  }
  assertDeep(slow.decodeRowsAsArrays(buf, 0, buf.length, n), expected);
});

Deno.test("a generated reader refuses truncated rows with a ProtocolError", () => {
  const { cols, buf } = awkwardRows(70);
  const d = createRowDecoder(cols);
  d.decodeRows(buf, 0, buf.length, 70);
  let threw = 0;
  for (let cut = 0; cut < buf.length; cut += 7) {
    const cursor = d.cursor(buf, 0, cut, Math.min(70, Math.floor(cut / 40)));
    try {
      while (cursor.next() !== undefined);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      assertDeep(cursor.remaining, 0);
      assertDeep(cursor.next(), undefined);
      threw++;
    }
  }
  assertDeep(threw > 10, true, `threw ${threw} times`);
});

Deno.test("no generated reader for names an object literal would misread or too many columns", () => {
  const fail = (): never => {
    throw new ProtocolError("cut");
  };
  assertDeep(
    compileRowReader(["__proto__", "a"], [decoderFor(p("int")), decoderFor(p("int"))], fail),
    undefined,
  );
  assertDeep(compileRowReader([], [], fail), undefined);
  const many = Array.from({ length: 257 }, (_, i) => `c${i}`);
  assertDeep(compileRowReader(many, many.map(() => decoderFor(p("int"))), fail), undefined);
  // The generic path still decodes __proto__ as an own column (the first test), past the
  // compile threshold too.
  const d = createRowDecoder(columns);
  const { buf, start } = body(0);
  for (let i = 0; i < 40; i++) d.decodeRows(buf, start, buf.length, 2);
  const got = d.decodeRows(buf, start, buf.length, 2);
  assertDeep(Object.getOwnPropertyDescriptor(got[0], "__proto__")?.value, 5n);
  assertDeep(Object.getPrototypeOf(got[0]), Object.prototype);
});
