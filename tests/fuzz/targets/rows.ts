/**
 * Jazzer.js target: RESULT messages and the row decoder, every CQL type. The input is a
 * response frame (a golden RESULT frame as recorded, at first); its header's opcode is taken as
 * RESULT and its length as whatever follows, so mutations spend themselves on the metadata and
 * the cells rather than on framing.
 *
 * A Rows result is decoded four ways, which must agree value for value, or all fail with a
 * ProtocolError: `decodeRows` on a fresh decoder (the generic reader), a cursor, the reader
 * generated with `new Function` that a decoder switches to after 64 rows, and
 * `decodeRowsAsArrays` (compared when the column names are distinct).
 *
 * @module
 */
import {
  createRowDecoder,
  decodeResponse,
  type Frame,
  HEADER_LENGTH,
  Opcode,
  ProtocolError,
  type Row,
} from "./driver.ts";
import { accept, check, checkSizes, LIMIT, lz4 } from "./harness.ts";

export { ready } from "./harness.ts";

const ALLOWANCE = LIMIT + HEADER_LENGTH;

/** The generated reader takes over once a decoder has been asked for this many rows. */
const COMPILE_AFTER_ROWS = 64;

/** Structural equality of decoded values (NaN equals NaN; classes must match). */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(
      (b as ArrayBufferView).buffer,
      (b as ArrayBufferView).byteOffset,
      (b as ArrayBufferView).byteLength,
    );
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime());
  if (a instanceof Map || a instanceof Set) {
    const x = [...a];
    const y = [...(b as Map<unknown, unknown> | Set<unknown>)];
    return same(x, y);
  }
  if (Array.isArray(a)) {
    const y = b as unknown[];
    return a.length === y.length && a.every((v, i) => same(v, y[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) =>
    same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
  );
}

/** Runs one way of decoding; a ProtocolError becomes the outcome "failed". */
function attempt<T>(f: () => T): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof ProtocolError) return { ok: false };
    throw e;
  }
}

/** Jazzer's entry point. */
export function fuzz(data: Uint8Array): void {
  if (data.length < HEADER_LENGTH) return;
  const body = data.subarray(HEADER_LENGTH);
  const version = data[0] & 0x7f;
  const frame: Frame = {
    header: {
      version,
      response: true,
      flags: data[1],
      stream: 0,
      opcode: Opcode.Result,
      length: body.length,
    },
    body,
  };
  accept(ALLOWANCE, () => {
    const res = decodeResponse(frame, { compressor: lz4, maxFrameLength: LIMIT });
    checkSizes(res, ALLOWANCE, data);
    const m = res.message;
    if (m.kind === "prepared") {
      // Building decoders for the statement's result and bind columns must work for any types.
      createRowDecoder(m.resultMetadata.columns ?? []);
      createRowDecoder(m.variables.columns);
      return;
    }
    if (m.kind !== "rows" || m.metadata.columns === null) return;
    const columns = m.metadata.columns;
    const { buf, offset, end, view } = m.content;
    const n = m.rowCount;

    const generic = attempt(() => createRowDecoder(columns).decodeRows(buf, offset, end, n, view));
    const cursor = attempt(() => {
      const c = createRowDecoder(columns).cursor(buf, offset, end, n);
      const rows: Row[] = [];
      for (let r = c.next(); r !== undefined; r = c.next()) rows.push(r);
      check(c.remaining === 0, `cursor has ${c.remaining} rows left after the last`);
      return rows;
    });
    const compiled = attempt(() => {
      const d = createRowDecoder(columns);
      // Cursors count as rows asked for without decoding anything: enough of them switch the
      // decoder to its generated reader, which the next decodeRows then uses.
      for (let asked = 0; n > 0 && asked < COMPILE_AFTER_ROWS; asked += n) {
        d.cursor(buf, offset, end, n);
      }
      return d.decodeRows(buf, offset, end, n);
    });
    const arrays = attempt(() => createRowDecoder(columns).decodeRowsAsArrays(buf, offset, end, n));

    check(
      generic.ok === cursor.ok && generic.ok === compiled.ok && generic.ok === arrays.ok,
      `decoders disagree on failing: generic ${generic.ok}, cursor ${cursor.ok}, compiled ${compiled.ok}, arrays ${arrays.ok}`,
    );
    if (!generic.ok || !cursor.ok || !compiled.ok || !arrays.ok) return;
    check(same(generic.value, cursor.value), "generic reader and cursor decode differently");
    check(same(generic.value, compiled.value), "generic and generated readers decode differently");
    const names = columns.map((c) => c.name);
    if (new Set(names).size === names.length) {
      check(
        generic.value.every((row, r) => names.every((k, c) => same(row[k], arrays.value[r][c]))),
        "decodeRows and decodeRowsAsArrays decode differently",
      );
    }
    checkSizes(generic.value, ALLOWANCE, data, generic.value);
  });
}
