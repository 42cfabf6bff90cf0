/** Property tests: every type round-trips through encode and decode. */
import fc from "fast-check";
import { ByteReader, ByteWriter } from "../../../src/protocol/bytes.ts";
import {
  type DataType,
  decodeValue,
  encodeValue,
  primitive,
  typeToString,
  writeValue,
} from "../../../src/protocol/types/mod.ts";
import { primitiveValue, PRIMS, typedValue, valueArb } from "./_arbitraries.ts";
import { assertDeep } from "./_helpers.ts";

function roundTrip(t: DataType, v: unknown): void {
  const bytes = encodeValue(t, v, "p");
  assertDeep(decodeValue(t, bytes), v, typeToString(t));
  // writeValue writes the same bytes behind a length.
  const w = new ByteWriter(1);
  writeValue(w, t, v, "p");
  const r = new ByteReader(w.toBytes());
  assertDeep(r.bytes(), bytes);
}

const KINDS = PRIMS;

for (const kind of KINDS) {
  Deno.test(`round trip: ${kind}`, () => {
    fc.assert(fc.property(primitiveValue(kind), (v) => roundTrip(primitive(kind), v)), {
      numRuns: 300,
    });
  });
}

Deno.test("round trip: random nested types", () => {
  fc.assert(fc.property(typedValue, ([t, v]) => roundTrip(t, v)), { numRuns: 400 });
});

Deno.test("round trip: deep nesting", () => {
  // list<map<int, tuple<udt<v: set<vector<text, 2>>>, date>>> wrapped 60 more times in lists.
  let t: DataType = {
    kind: "list",
    element: {
      kind: "map",
      key: primitive("int"),
      value: {
        kind: "tuple",
        elements: [
          {
            kind: "udt",
            keyspace: "k",
            name: "u",
            fields: [{
              name: "v",
              type: {
                kind: "set",
                element: { kind: "vector", element: primitive("varchar"), dimension: 2 },
              },
            }],
          },
          primitive("date"),
        ],
      },
    },
  };
  let arb = valueArb(t);
  for (let i = 0; i < 60; i++) {
    t = { kind: "list", element: t };
    arb = fc.array(arb, { minLength: 1, maxLength: 1 });
  }
  const deep = t;
  fc.assert(fc.property(arb, (v) => roundTrip(deep, v)), { numRuns: 50 });
});

Deno.test("round trip: huge varints and decimals", () => {
  const huge = fc.bigInt({ min: -(10n ** 2000n), max: 10n ** 2000n });
  fc.assert(fc.property(huge, (v) => roundTrip(primitive("varint"), v)), { numRuns: 100 });
});
