/**
 * `types.ResultSet`: one page of a result as cassandra-driver gives it.
 *
 * @module
 */
import type { ColumnInfo, Row } from "./row.ts";
import type { Uuid } from "./uuid.ts";

/** Where and how a request ran. */
export interface ExecutionInfo {
  /** The node that answered ("host:port"). */
  queriedHost: string;
  /** Each node tried, with its error (null for the one that answered). */
  triedHosts: Record<string, Error | null>;
  /** Speculative executions started. */
  speculativeExecutions: number;
  /** The consistency level of the answer (a `types.consistencies` code). */
  achievedConsistency: number;
  /** The tracing session, when traced. */
  traceId: Uuid | undefined;
  /** Server warnings. */
  warnings: string[] | undefined;
  /** The server's custom payload. */
  customPayload: Record<string, Uint8Array | null> | undefined;
  /** After a schema change: whether the nodes agreed on it. */
  isSchemaInAgreement: boolean;
}

/** What the client builds a ResultSet from. */
export interface ResultSetInit {
  info: ExecutionInfo;
  rows: Row[] | undefined;
  rowLength: number;
  columns: ColumnInfo[] | null;
  rawPageState: Uint8Array | undefined;
  pageState: string | null;
  nextPageAsync: ((pageState: Uint8Array) => Promise<ResultSet>) | undefined;
}

/**
 * A page of rows, its columns and paging state. Iterable over this page's rows; async-iterable
 * over every row of every following page.
 *
 * @example
 * ```ts ignore
 * const rs = await client.execute("SELECT * FROM t", [], { prepare: true });
 * rs.rowLength; rs.first(); rs.columns.map((c) => c.name); rs.pageState;
 * for await (const row of rs) console.log(row);
 * ```
 */
export class ResultSet implements Iterable<Row>, AsyncIterable<Row> {
  /** Where and how the request ran. */
  info: ExecutionInfo;
  /** The rows of this page (undefined in results of `eachRow`, whose rows went to its callback). */
  rows: Row[];
  /** The number of rows (in `eachRow`, of every page so far). */
  rowLength: number;
  /** The columns, or null for results without rows. */
  columns: ColumnInfo[] | null;
  /**
   * Where the next page starts (hex), or null on the last page (declared `string`, as
   * cassandra-driver declares it).
   */
  pageState: string;
  /** In `eachRow` results: fetches the next page through the same callbacks. */
  nextPage: (() => void) | undefined;
  // Private fields behind prototype getters: not enumerable (as cassandra-driver defines them),
  // and no defineProperty per result.
  #nextPageAsync: ((pageState: Uint8Array) => Promise<ResultSet>) | undefined;
  #rawPageState: Uint8Array | undefined;

  /** Built by the client. */
  constructor(init: ResultSetInit) {
    this.info = init.info;
    this.rows = init.rows as Row[];
    this.rowLength = init.rowLength;
    this.columns = init.columns;
    this.pageState = init.pageState as string;
    this.nextPage = undefined;
    this.#nextPageAsync = init.nextPageAsync;
    this.#rawPageState = init.rawPageState;
  }

  /** Internal: fetches the page at a paging state. */
  get nextPageAsync(): ((pageState: Uint8Array) => Promise<ResultSet>) | undefined {
    return this.#nextPageAsync;
  }

  /** Internal: replaces the page fetcher. */
  set nextPageAsync(f: ((pageState: Uint8Array) => Promise<ResultSet>) | undefined) {
    this.#nextPageAsync = f;
  }

  /** The paging state's bytes. */
  get rawPageState(): Uint8Array | undefined {
    return this.#rawPageState;
  }

  /**
   * The first row, or null when there is none. Declared `Row`, as cassandra-driver declares it,
   * so that code checked against its declarations (`rs.first().name`) checks against these.
   */
  first(): Row {
    return (this.rows && this.rows.length ? this.rows[0] : null) as Row;
  }

  /** The paging state (hex), or null. */
  getPageState(): string | null {
    return this.pageState;
  }

  /** The columns. */
  getColumns(): ColumnInfo[] | null {
    return this.columns;
  }

  /** For conditional statements: whether the change was applied. */
  wasApplied(): boolean {
    if (!this.rows || this.rows.length === 0) return true;
    const applied = this.rows[0]["[applied]"];
    return typeof applied === "boolean" ? applied : true;
  }

  /** True when more pages follow. */
  isPaged(): boolean {
    return !!this.rawPageState;
  }

  /** The rows of this page. */
  [Symbol.iterator](): Iterator<Row> {
    return (this.rows ?? [])[Symbol.iterator]();
  }

  /** Every row of this page and the following ones, fetched as iteration reaches them. */
  [Symbol.asyncIterator](): AsyncIterator<Row> {
    let rows = this.rows ?? [];
    let i = 0;
    let state = this.rawPageState;
    const fetch = this.nextPageAsync;
    return {
      async next(): Promise<IteratorResult<Row>> {
        while (i >= rows.length && state && fetch) {
          const rs = await fetch(state);
          rows = rs.rows ?? [];
          i = 0;
          state = rs.rawPageState;
        }
        if (i < rows.length) return { done: false, value: rows[i++] };
        return { done: true, value: undefined };
      },
    };
  }
}
