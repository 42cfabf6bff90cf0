/**
 * The generated compat row builder against the generic one: the same rows (names, order,
 * values, class), including duplicate and unusual column names, nulls and converters; and the
 * switch to the generated builder after the first rows of a column set.
 *
 * @module
 */
import fc from "fast-check";
import { compileRowBuilder, type Convert, rowBuilder } from "../../src/compat/row-builder.ts";
import { Row, rowPrototypeFor } from "../../src/compat/types/row.ts";
import { assert, assertEquals } from "../support/assert.ts";

const twice: Convert = (v) => `${v}${v}`;

function entries(r: Row): [string, unknown][] {
  return Object.keys(r).map((k) => [k, r[k]]);
}

Deno.test("compat row builder: the generated rows equal the generic ones", () => {
  const name = fc.oneof(
    fc.constantFrom("k", "v", "n", '"quoted"', "a\\b", "1", "0", "constructor", "get", "x y"),
    fc.string({ maxLength: 6 }),
  );
  fc.assert(
    fc.property(
      fc.array(fc.tuple(name, fc.boolean()), { minLength: 1, maxLength: 8 }),
      fc.array(fc.oneof(fc.constant(null), fc.constant(undefined), fc.integer(), fc.string())),
      (cols, cells) => {
        const names = cols.map(([n]) => n);
        const convs = cols.map(([, c]) => (c ? twice : null));
        const R = rowPrototypeFor(names.map((n) => ({ name: n, type: { code: 13 } })));
        const src: Record<string, unknown> = {};
        names.forEach((n, i) => (src[n] = cells[i % Math.max(1, cells.length)]));
        let compiled: ((s: Record<string, unknown>) => Row) | undefined;
        const generic = rowBuilder(names, convs, R, (b) => (compiled = b));
        const expected = generic(src);
        const gen = compileRowBuilder(names, convs, R);
        if (names.includes("__proto__")) return assert(gen === undefined);
        assert(gen !== undefined, "the test runtime allows code generation");
        const got = gen(src);
        assert(Object.getPrototypeOf(got) === R && got instanceof Row);
        assertEquals(entries(got), entries(expected));
        assert(compiled === undefined, "not compiled after one row");
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("compat row builder: a column set is compiled after its first 64 rows", () => {
  const R = rowPrototypeFor([{ name: "k", type: { code: 9 } }]);
  const seen: ((s: Record<string, unknown>) => Row)[] = [];
  const b = rowBuilder(["k"], [null], R, (c) => seen.push(c));
  for (let i = 0; i < 63; i++) assertEquals(b({ k: i }).k, i);
  assertEquals(seen.length, 0);
  assertEquals(b({ k: 63 }).k, 63);
  assertEquals(seen.length, 1);
  assert(seen[0] !== b && seen[0].name === "buildRow", "the generated builder");
  assertEquals(entries(seen[0]({ k: null })), [["k", null]]);
});
