/**
 * Regression test for a finding of the Jazzer.js fuzzing (tests/fuzz/targets/, frame target: a
 * libFuzzer timeout): a Rows result with no columns and a row count of 524,306, in a frame of a
 * few dozen bytes, made the row decoder build half a million empty row objects, seconds of CPU
 * and tens of MB. Without columns the bytes cannot bound the count, so the decoder caps it; the
 * cap was 2^20 and is now 2^16.
 *
 * @module
 */
import { assertEquals, assertThrows } from "../../support/assert.ts";
import { ProtocolError } from "../../../src/protocol/errors.ts";
import { Opcode } from "../../../src/protocol/opcodes.ts";
import { decodeResponseBytes, type RowsResult } from "../../../src/protocol/responses.ts";
import { createRowDecoder } from "../../../src/protocol/types/row-decoder.ts";
import { responseFrame } from "../helpers.ts";

/** A Rows result without columns claiming `rowCount` rows (and no row bytes: there are none). */
function emptyRows(rowCount: number): RowsResult {
  const frame = responseFrame(4, 3, Opcode.Result, (w) => {
    w.int(2); // Rows
    w.int(0); // flags
    w.int(0); // no columns
    w.int(rowCount);
  });
  return decodeResponseBytes(frame).message as RowsResult;
}

Deno.test("zero-column rows: the fuzzer's count of 524,306 is refused", () => {
  const r = emptyRows(524_306);
  const { buf, offset, end } = r.content;
  assertThrows(
    () => createRowDecoder([]).decodeRows(buf, offset, end, r.rowCount),
    ProtocolError,
    "does not fit",
  );
  assertThrows(() => createRowDecoder([]).cursor(buf, offset, end, r.rowCount), ProtocolError);
});

Deno.test("zero-column rows: up to 2^16 decode, one more is refused", () => {
  const ok = emptyRows(1 << 16);
  const rows = createRowDecoder([]).decodeRows(
    ok.content.buf,
    ok.content.offset,
    ok.content.end,
    ok.rowCount,
  );
  assertEquals(rows.length, 1 << 16);
  assertEquals(rows[0], {});
  const over = emptyRows((1 << 16) + 1);
  assertThrows(
    () =>
      createRowDecoder([]).decodeRowsAsArrays(
        over.content.buf,
        over.content.offset,
        over.content.end,
        over.rowCount,
      ),
    ProtocolError,
  );
});
