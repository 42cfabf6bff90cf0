/**
 * `mapping.Result`: the documents of one execution, and how rows become documents.
 *
 * @module
 */
import type { ResultSet } from "../types/result-set.ts";
import type { ModelMappingInfo } from "./mapping-info.ts";

/** Turns one row into a document. */
export type RowAdapter = (
  row: Readonly<Record<string, unknown>>,
  info: ModelMappingInfo,
) => unknown;

/** cassandra-driver's type code of `boolean`. */
const BOOLEAN = 0x0004;

/** The documents of one execution (one page of them). Iterable. */
// deno-lint-ignore no-explicit-any
export class Result<T = any> implements Iterable<T> {
  /**
   * How many documents: this page's. 0 for a conditional statement whose result only says it
   * was applied.
   */
  readonly length: number;
  /** The paging state (hex) for the next page, or null. */
  readonly pageState: string | null;
  readonly #rs: ResultSet;
  readonly #info: ModelMappingInfo;
  readonly #adapt: RowAdapter;
  /** A lone `[applied]` cell: nothing the caller should see as a document. */
  readonly #emptyLwt: boolean;

  /** Made by the mapper. */
  constructor(rs: ResultSet, info: ModelMappingInfo, adapt: RowAdapter) {
    this.#rs = rs;
    this.#info = info;
    this.#adapt = adapt;
    const cols = rs.columns;
    this.#emptyLwt = cols !== null && cols.length === 1 && rs.rowLength === 1 &&
      cols[0].name === "[applied]";
    this.length = this.#emptyLwt ? 0 : (rs.rowLength || 0);
    this.pageState = rs.pageState;
  }

  /** Whether a conditional statement was applied; true for every other one. */
  wasApplied(): boolean {
    return this.#rs.wasApplied();
  }

  /** The first document, or null. */
  first(): T | null {
    if (!this.#rs.rowLength || this.#emptyLwt) return null;
    return this.#adapt(this.#rs.rows[0], this.#info) as T;
  }

  /** The documents. */
  *[Symbol.iterator](): Iterator<T> {
    if (this.#emptyLwt) return;
    const rows = this.#rs.rows;
    for (let i = 0; i < rows.length; i++) yield this.#adapt(rows[i], this.#info) as T;
  }

  /** The documents as an array. */
  toArray(): T[] {
    if (this.#emptyLwt || !this.#rs.rows) return [];
    return this.#rs.rows.map((r) => this.#adapt(r, this.#info) as T);
  }

  /** What `console.log` and `util.inspect` show: the documents, as cassandra-driver shows them. */
  [Symbol.for("nodejs.util.inspect.custom")](): T[] {
    return this.toArray();
  }

  /** Calls `callback(doc, index)` for each document. */
  forEach(callback: (currentValue: T, index: number) => void, thisArg?: unknown): void {
    let i = 0;
    for (const doc of this) callback.call(thisArg ?? this, doc, i++);
  }
}

const noop: RowAdapter = () => undefined;

/** The adapter of SELECT rows of `rs`'s columns: each column to its property. */
export function selectAdapter(info: ModelMappingInfo, rs: ResultSet): RowAdapter {
  if (!rs.columns) throw new Error("Expected ROWS result obtained VOID");
  const cols = rs.columns.map((c) =>
    [c.name, info.getPropertyName(c.name), info.getToModelFn(c.name)] as const
  );
  return (row, info) => {
    const doc = info.newInstance();
    for (const [column, prop, toModel] of cols) {
      doc[prop] = toModel ? toModel(row[column]) : row[column];
    }
    return doc;
  };
}

/** The row of a conditional statement that was not applied: the current values. */
function conditionalAdapter(rs: ResultSet): RowAdapter {
  const cols = rs.columns!;
  return (row, info) => {
    const doc = info.newInstance();
    for (let i = 1; i < cols.length; i++) {
      doc[info.getPropertyName(cols[i].name)] = row[cols[i].name];
    }
    return doc;
  };
}

const isApplied = (rs: ResultSet, i: number) =>
  rs.columns![i]?.name === "[applied]" && rs.columns![i].type.code === BOOLEAN;

/** The adapter of an INSERT, UPDATE or DELETE result. */
export function mutationAdapter(rs: ResultSet): RowAdapter {
  if (rs.columns === null) return noop;
  if (rs.columns.length === 1 && isApplied(rs, 0)) return noop;
  return conditionalAdapter(rs);
}

/** The adapter of a `mapWithQuery` result, and whether it may be kept for the query. */
export function customQueryAdapter(
  info: ModelMappingInfo,
  rs: ResultSet,
): { canCache: boolean; fn: RowAdapter } {
  if (rs.columns === null || rs.columns.length === 0) return { canCache: true, fn: noop };
  // A conditional result's columns depend on whether it applied.
  if (isApplied(rs, 0)) return { canCache: false, fn: conditionalAdapter(rs) };
  return { canCache: true, fn: selectAdapter(info, rs) };
}
