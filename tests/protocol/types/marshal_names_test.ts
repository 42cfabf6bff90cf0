/**
 * Regression test for a finding of the Jazzer.js fuzzing (tests/fuzz/targets/, frame and segment
 * targets): a custom type whose class name is an Object.prototype member (`__proto__`,
 * `constructor`, `toString`, ...) was looked up in the primitive-class table through the
 * prototype chain and parsed to `undefined`; building the row decoder for such a column then
 * threw a TypeError ("Cannot read properties of undefined (reading 'kind')") instead of the
 * column being an opaque custom type. A server (or anything speaking for it) could send such a
 * class name in result metadata.
 *
 * @module
 */
import { assert, assertEquals } from "../../support/assert.ts";
import { ProtocolError } from "../../../src/protocol/errors.ts";
import { Opcode } from "../../../src/protocol/opcodes.ts";
import { decodeResponseBytes, type RowsResult } from "../../../src/protocol/responses.ts";
import { TypeCode } from "../../../src/protocol/types/datatype.ts";
import { parseCustomClass } from "../../../src/protocol/types/marshal.ts";
import { createRowDecoder } from "../../../src/protocol/types/row-decoder.ts";
import { responseFrame } from "../helpers.ts";

const PKG = "org.apache.cassandra.db.marshal.";
const NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];

Deno.test("marshal class names that are Object.prototype members parse as custom types", () => {
  for (const n of NAMES) {
    for (const full of [n, PKG + n]) {
      assertEquals(parseCustomClass(full), { kind: "custom", className: full }, full);
      const vector = parseCustomClass(`${PKG}VectorType(${full} , 2)`);
      assertEquals(vector, {
        kind: "vector",
        element: { kind: "custom", className: full },
        dimension: 2,
      }, `vector of ${full}`);
      const list = parseCustomClass(`${PKG}ListType(${full})`);
      assertEquals(list, { kind: "list", element: { kind: "custom", className: full } });
    }
  }
});

Deno.test("a Rows result with such a column builds a row decoder and decodes its cells", () => {
  // The shape of the fuzzer's crash input, reduced: one column of type
  // VectorType(org.apache.cassandra.db.marshal.<name>, 2), one row. (Its `__proto__` crashed
  // on Node only: Deno has no `__proto__` accessor. `constructor` and the rest crash anywhere.)
  for (const name of NAMES) {
    const frame = responseFrame(4, 1, Opcode.Result, (w) => {
      w.int(2); // Rows
      w.int(1); // flags: global table spec
      w.int(1); // one column
      w.string("ks");
      w.string("t");
      w.string("v");
      w.short(TypeCode.Custom);
      w.string(`${PKG}VectorType(${PKG}${name} , 2)`);
      w.int(1); // one row
      w.int(4); // the cell: two elements, each a vint length 1 and one byte
      w.raw(new Uint8Array([1, 0xaa, 1, 0xbb]));
    });
    const rows = decodeResponseBytes(frame).message as RowsResult;
    assertEquals(rows.kind, "rows");
    const { buf, offset, end } = rows.content;
    try {
      const decoded = createRowDecoder(rows.metadata.columns!)
        .decodeRows(buf, offset, end, rows.rowCount);
      assertEquals(decoded.length, 1, name);
    } catch (e) {
      // A refusal would do; the bug was a TypeError while building the decoder.
      assert(e instanceof ProtocolError, `${name}: not a ProtocolError: ${e}`);
    }
  }
});
