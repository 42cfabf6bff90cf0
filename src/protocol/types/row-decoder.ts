/**
 * Decoding of the rows of a RESULT Rows message: the driver's hot path. A decoder is built once
 * per column set (e.g. per prepared statement) and reused for every page.
 *
 * @module
 */
import { ProtocolError } from "../errors.ts";
import type { ColumnSpec } from "./datatype.ts";
import { asProtocolError, decoderFor, objectTemplate } from "./codec.ts";
import type { Decoder } from "./codec-util.ts";
import { compileRowReader, type RowReader } from "./row-reader.ts";

/** A decoded row: column name to value (null for a null cell). */
export type Row = Record<string, unknown>;

/** Decodes row data for one fixed set of columns. */
export interface RowDecoder {
  /** The columns, in result order. */
  readonly columns: readonly ColumnSpec[];
  /**
   * Decodes `rowCount` rows from `buf[offset, end)`, each a sequence of one [bytes] cell per
   * column, into objects keyed by column name (all rows share one object shape; with duplicate
   * column names the last one wins). Bytes after the last row are ignored. Throws
   * {@link ProtocolError} if the bytes are truncated or malformed. `view`, when given, is a
   * DataView over `buf`'s bytes from `buf.byteOffset` (such as the frame reader's), reused
   * instead of a new one.
   */
  decodeRows(
    buf: Uint8Array,
    offset: number,
    end: number,
    rowCount: number,
    view?: DataView,
  ): Row[];
  /** Like {@link RowDecoder.decodeRows} but each row is an array of values in column order. */
  decodeRowsAsArrays(buf: Uint8Array, offset: number, end: number, rowCount: number): unknown[][];
  /**
   * Like {@link RowDecoder.decodeRows}, one row per {@link RowCursor.next} call: a stream then
   * holds only the page's bytes, and each row is garbage as soon as its consumer drops it. The
   * cursor keeps `buf`, so it must not be a buffer that is reused for later reads.
   */
  cursor(buf: Uint8Array, offset: number, end: number, rowCount: number): RowCursor;
}

/** Rows decoded one at a time (see {@link RowDecoder.cursor}). */
export interface RowCursor {
  /** Rows not yet decoded. */
  readonly remaining: number;
  /**
   * The next row, or undefined after the last. Throws {@link ProtocolError} on malformed bytes
   * (and then has no rows left).
   */
  next(): Row | undefined;
}

// With no columns the bytes cannot bound the row count, so cap it to keep a lying count from
// allocating without limit. 2^20 let a 30-byte frame cost a second or more of CPU and tens of
// MB in row objects (found by the Jazzer.js fuzzing); 2^16 is far above the default page size.
const MAX_EMPTY_ROWS = 1 << 16;

// A column set gets a generated reader once it has asked for this many rows: generating one
// costs some tens of microseconds (about a hundred rows' decoding), which one-off queries (the
// driver's own system tables at connect) would never win back.
const COMPILE_AFTER_ROWS = 64;

// Where a generated reader leaves the offset after its row: read right after each synchronous
// call, so one is enough.
const AT = new Int32Array(1);

function truncated(): never {
  throw new ProtocolError("row data truncated");
}

class ColumnRowDecoder implements RowDecoder {
  readonly columns: readonly ColumnSpec[];
  readonly #names: string[];
  readonly #decs: Decoder[];
  // The generic reader until the column set has asked for COMPILE_AFTER_ROWS rows, then a
  // generated one where the runtime allows it.
  #reader: RowReader;
  #rowsAsked = 0;

  constructor(columns: readonly ColumnSpec[]) {
    this.columns = columns;
    this.#names = columns.map((c) => c.name);
    this.#decs = columns.map((c) => decoderFor(c.type));
    this.#reader = genericRowReader(this.#names, this.#decs);
  }

  #check(buf: Uint8Array, offset: number, end: number, rowCount: number): void {
    if (!(offset >= 0 && offset <= end && end <= buf.length)) {
      throw new ProtocolError(`bad row data range [${offset}, ${end}) of ${buf.length} bytes`);
    }
    const n = this.#decs.length;
    // Each cell takes at least its 4-byte length: reject impossible counts before allocating.
    if (
      !Number.isInteger(rowCount) || rowCount < 0 ||
      (n > 0 ? rowCount * n * 4 > end - offset : rowCount > MAX_EMPTY_ROWS)
    ) {
      throw new ProtocolError(`row count ${rowCount} does not fit in ${end - offset} bytes`);
    }
  }

  decodeRows(
    buf: Uint8Array,
    offset: number,
    end: number,
    rowCount: number,
    view?: DataView,
  ): Row[] {
    // No cursor and, given the frame reader's view, no DataView: most pages of a request/response
    // workload hold one row, so these two objects were a third of what decoding it allocated.
    const reader = this.#readerFor(buf, offset, end, rowCount);
    const dv = view ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (dv.buffer !== buf.buffer || dv.byteOffset !== buf.byteOffset) {
      throw new RangeError("the DataView must start where buf starts");
    }
    const rows: Row[] = new Array(rowCount);
    let p = offset;
    try {
      for (let r = 0; r < rowCount; r++) {
        rows[r] = reader(buf, dv, p, end, AT);
        p = AT[0];
      }
    } catch (e) {
      throw asProtocolError(e);
    }
    return rows;
  }

  cursor(buf: Uint8Array, offset: number, end: number, rowCount: number): RowCursor {
    return new Cursor(this.#readerFor(buf, offset, end, rowCount), buf, offset, end, rowCount);
  }

  /** Checks the range, counts the rows asked for, and returns the reader to use. */
  #readerFor(buf: Uint8Array, offset: number, end: number, rowCount: number): RowReader {
    this.#check(buf, offset, end, rowCount);
    if (this.#rowsAsked < COMPILE_AFTER_ROWS) {
      this.#rowsAsked += rowCount;
      if (this.#rowsAsked >= COMPILE_AFTER_ROWS) {
        this.#reader = compileRowReader(this.#names, this.#decs, truncated) ?? this.#reader;
      }
    }
    return this.#reader;
  }

  decodeRowsAsArrays(buf: Uint8Array, offset: number, end: number, rowCount: number): unknown[][] {
    this.#check(buf, offset, end, rowCount);
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const decs = this.#decs;
    const n = decs.length;
    const rows: unknown[][] = [];
    let p = offset;
    try {
      for (let r = 0; r < rowCount; r++) {
        const row: unknown[] = [];
        for (let c = 0; c < n; c++) {
          if (p + 4 > end) throw new ProtocolError("row data truncated");
          const len = dv.getInt32(p);
          p += 4;
          if (len < 0) {
            row.push(null);
            continue;
          }
          if (len > end - p) throw new ProtocolError("row data truncated");
          row.push(decs[c](buf, dv, p, len));
          p += len;
        }
        rows.push(row);
      }
    } catch (e) {
      throw asProtocolError(e);
    }
    return rows;
  }
}

class Cursor implements RowCursor {
  readonly #reader: RowReader;
  readonly #buf: Uint8Array;
  readonly #dv: DataView;
  readonly #end: number;
  #p: number;
  #left: number;

  constructor(reader: RowReader, buf: Uint8Array, offset: number, end: number, rowCount: number) {
    this.#reader = reader;
    this.#buf = buf;
    this.#dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.#p = offset;
    this.#end = end;
    this.#left = rowCount;
  }

  get remaining(): number {
    return this.#left;
  }

  next(): Row | undefined {
    if (this.#left === 0) return undefined;
    this.#left--;
    let row: Row;
    try {
      row = this.#reader(this.#buf, this.#dv, this.#p, this.#end, AT);
    } catch (e) {
      this.#left = 0;
      throw asProtocolError(e);
    }
    this.#p = AT[0];
    return row;
  }
}

/**
 * The reader for any column set on any runtime: copies of one template keep every row on one
 * hidden class, and cells go through {@link putCell}.
 */
function genericRowReader(names: readonly string[], decs: readonly Decoder[]): RowReader {
  const template = objectTemplate(names);
  const n = decs.length;
  return (buf, dv, p, end, at) => {
    const row = { ...template };
    for (let c = 0; c < n; c++) {
      if (p + 4 > end) truncated();
      const len = dv.getInt32(p);
      p += 4;
      if (len < 0) continue;
      if (len > end - p) truncated();
      putCell(row, c, names[c], decs[c], buf, dv, p, len);
      p += len;
    }
    at[0] = p;
    return row;
  };
}

/**
 * Decodes one cell into `row[key]`, for column sets without a generated reader (see
 * row-reader.ts). There is one call and store site per column position, so a process that
 * decodes a single column set keeps V8's inline caches monomorphic; one shared
 * `row[names[c]] = decs[c](…)` sees every column and goes megamorphic at once. Columns past
 * the last case share one site.
 */
function putCell(
  row: Row,
  c: number,
  key: string,
  dec: Decoder,
  buf: Uint8Array,
  dv: DataView,
  p: number,
  len: number,
): void {
  switch (c) {
    case 0:
      row[key] = dec(buf, dv, p, len);
      return;
    case 1:
      row[key] = dec(buf, dv, p, len);
      return;
    case 2:
      row[key] = dec(buf, dv, p, len);
      return;
    case 3:
      row[key] = dec(buf, dv, p, len);
      return;
    case 4:
      row[key] = dec(buf, dv, p, len);
      return;
    case 5:
      row[key] = dec(buf, dv, p, len);
      return;
    case 6:
      row[key] = dec(buf, dv, p, len);
      return;
    case 7:
      row[key] = dec(buf, dv, p, len);
      return;
    case 8:
      row[key] = dec(buf, dv, p, len);
      return;
    case 9:
      row[key] = dec(buf, dv, p, len);
      return;
    case 10:
      row[key] = dec(buf, dv, p, len);
      return;
    case 11:
      row[key] = dec(buf, dv, p, len);
      return;
    case 12:
      row[key] = dec(buf, dv, p, len);
      return;
    case 13:
      row[key] = dec(buf, dv, p, len);
      return;
    case 14:
      row[key] = dec(buf, dv, p, len);
      return;
    case 15:
      row[key] = dec(buf, dv, p, len);
      return;
    default:
      row[key] = dec(buf, dv, p, len);
  }
}

/**
 * Builds a row decoder for a column set; build it once (per prepared statement or result
 * metadata) and reuse it across pages, since it precomputes one decode function per column.
 *
 * @example
 * ```ts
 * const decoder = createRowDecoder(metadata.columns);
 * const rows = decoder.decodeRows(body, rowsStart, body.length, rowCount);
 * ```
 */
export function createRowDecoder(columns: readonly ColumnSpec[]): RowDecoder {
  return new ColumnRowDecoder(columns);
}
