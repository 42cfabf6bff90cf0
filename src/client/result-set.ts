/**
 * One page of a query's result, iterable over every following page.
 *
 * @module
 */
import type { ConsistencyLevel } from "../protocol/requests.ts";
import type { ColumnSpec } from "../protocol/types/datatype.ts";
import type { Row, RowCursor } from "../protocol/types/row-decoder.ts";

/**
 * Fetches the page after `pagingState`; the signal cancels it when iteration stops early. A
 * `lazy` page decodes its rows as they are read (see {@link RowStream}).
 */
export type PageFetcher<T> = (
  pagingState: Uint8Array,
  signal: AbortSignal,
  lazy: boolean,
) => Promise<ResultSet<T>>;

/** How a request was executed: where it ran, what failed on the way. */
export interface ExecutionInfo {
  /** The `address` of the node that answered (as in `client.hosts`). */
  readonly queriedHost: string;
  /** Each node tried before it, with the error of that attempt. */
  readonly triedHosts: ReadonlyMap<string, Error>;
  /** Speculative executions started for the request (0 without speculative execution). */
  readonly speculativeExecutions: number;
  /** The consistency level the answer was given at. */
  readonly achievedConsistency: ConsistencyLevel | undefined;
  /**
   * After a schema change: whether every node that is up agreed on the new schema before the
   * request resolved (within `maxSchemaAgreementWait`). True for every other statement.
   */
  readonly isSchemaInAgreement: boolean;
}

const NO_TRIED: ReadonlyMap<string, Error> = new Map();

const NO_WARNINGS: readonly string[] = Object.freeze([]);
const NO_COLUMNS: readonly ColumnSpec[] = Object.freeze([]);

/**
 * The result of `execute`: the rows of one page, the page's metadata, and an async iterator over
 * all rows of all pages (fetching each next page while the current one is consumed, never more
 * than one page ahead).
 *
 * @example
 * ```ts ignore
 * const rs = await client.execute("SELECT id, name FROM users");
 * console.log(rs.rows.length, rs.columns.map((c) => c.name), rs.first());
 * for await (const row of rs) console.log(row.name);   // every page
 * ```
 */
export class ResultSet<T = Row> implements AsyncIterable<T> {
  /** Result columns (empty for statements that return no rows). */
  readonly columns: readonly ColumnSpec[];
  /** Where the next page starts, or null when this is the last page. */
  readonly pagingState: Uint8Array | null;
  /** Warnings the server attached to the response. */
  readonly warnings: readonly string[];
  /** The tracing session id when the request was traced. */
  readonly tracingId: string | null;
  /** Custom payload the server attached to the response. */
  readonly customPayload: ReadonlyMap<string, Uint8Array | null> | null;
  readonly #fetch: PageFetcher<T> | null;
  readonly #queriedHost: string;
  readonly #consistency: ConsistencyLevel | undefined;
  /** What only some requests have: retries, speculative executions, a schema change. */
  #extra:
    | { tried: ReadonlyMap<string, Error>; agreement: boolean; speculative: number }
    | undefined;
  #info: ExecutionInfo | undefined;
  #rows: T[] | null;
  #cursor: RowCursor | null;

  /** Built by the client; not meant to be constructed by users. */
  constructor(init: {
    rows?: T[];
    /** Internal: rows still to decode, instead of `rows`. */
    cursor?: RowCursor | null;
    columns?: readonly ColumnSpec[] | null;
    pagingState?: Uint8Array | null;
    warnings?: readonly string[];
    tracingId?: string | null;
    customPayload?: ReadonlyMap<string, Uint8Array | null> | null;
    fetch?: PageFetcher<T> | null;
    /** The address of the node that answered. */
    queriedHost?: string;
    consistency?: ConsistencyLevel;
  }) {
    this.#cursor = init.cursor ?? null;
    this.#rows = this.#cursor === null ? init.rows ?? [] : null;
    this.columns = init.columns ?? NO_COLUMNS;
    this.pagingState = init.pagingState ?? null;
    this.warnings = init.warnings ?? NO_WARNINGS;
    this.tracingId = init.tracingId ?? null;
    this.customPayload = init.customPayload ?? null;
    this.#fetch = init.fetch ?? null;
    this.#queriedHost = init.queriedHost ?? "";
    this.#consistency = init.consistency;
  }

  /** Where and how the request ran. */
  get info(): ExecutionInfo {
    // Built on first read: most results are never asked.
    const extra = this.#extra;
    return this.#info ??= {
      queriedHost: this.#queriedHost,
      triedHosts: extra?.tried ?? NO_TRIED,
      speculativeExecutions: extra?.speculative ?? 0,
      achievedConsistency: this.#consistency,
      isSchemaInAgreement: extra?.agreement ?? true,
    };
  }

  static #extraOf(rs: ResultSet<unknown>) {
    return rs.#extra ??= { tried: NO_TRIED, agreement: true, speculative: 0 };
  }

  /** Internal: records the nodes that failed before this answer. */
  static recordTried(rs: ResultSet<unknown>, tried: ReadonlyMap<string, Error>): void {
    ResultSet.#extraOf(rs).tried = tried;
    rs.#info = undefined;
  }

  /** Internal: records how many speculative executions the request started. */
  static recordSpeculative(rs: ResultSet<unknown>, n: number): void {
    ResultSet.#extraOf(rs).speculative = n;
    rs.#info = undefined;
  }

  /** Internal: rows in the page, without decoding the rows of a lazily decoded one. */
  static rowCount(rs: ResultSet<unknown>): number {
    return rs.#rows?.length ?? rs.#cursor?.remaining ?? 0;
  }

  /** Internal: records the outcome of the schema agreement wait after a schema change. */
  static recordAgreement(rs: ResultSet<unknown>, agreed: boolean): void {
    ResultSet.#extraOf(rs).agreement = agreed;
    rs.#info = undefined;
  }

  /** Rows of this page. */
  get rows(): T[] {
    if (this.#rows === null) {
      const cursor = this.#cursor!;
      const rows: T[] = [];
      for (let r = cursor.next(); r !== undefined; r = cursor.next()) rows.push(r as T);
      this.#rows = rows;
      this.#cursor = null;
    }
    return this.#rows;
  }

  /** The first row of this page, or null. */
  first(): T | null {
    return this.rows.length > 0 ? this.rows[0] : null;
  }

  /** Number of rows in this page. */
  get rowLength(): number {
    return this.rows.length;
  }

  /** For conditional statements (`IF ...`): whether the change was applied. */
  wasApplied(): boolean {
    const row = this.rows[0] as Record<string, unknown> | undefined;
    return row === undefined || row["[applied]"] !== false;
  }

  /** Fetches the next page (null on the last page). */
  nextPage(signal?: AbortSignal): Promise<ResultSet<T> | null> {
    return ResultSet.fetchAfter(this, signal ?? new AbortController().signal, false) ??
      Promise.resolve(null);
  }

  /** This page and each following one, fetching one page ahead. */
  async *pages(): AsyncGenerator<ResultSet<T>, void, undefined> {
    const ac = new AbortController();
    let page = this as ResultSet<T>;
    try {
      for (;;) {
        const next = ResultSet.fetchAfter(page, ac.signal, false);
        // If the consumer stops before awaiting it, its failure must not go unhandled.
        next?.catch(() => {});
        yield page;
        if (next === null) return;
        page = await next;
      }
    } finally {
      ac.abort();
    }
  }

  /** Every row of this page and the following ones. */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return new RowStream<T>(this, null);
  }

  /** Internal: fetches the page after `page`, or gives null on the last page. */
  static fetchAfter<T>(
    page: ResultSet<T>,
    signal: AbortSignal,
    lazy: boolean,
  ): Promise<ResultSet<T>> | null {
    if (page.pagingState === null || page.#fetch === null) return null;
    return page.#fetch(page.pagingState, signal, lazy);
  }

  /** Internal: takes over the page's undecoded rows (null when they were decoded already). */
  static takeCursor<T>(page: ResultSet<T>): RowCursor | null {
    const cursor = page.#cursor;
    page.#cursor = null;
    if (cursor !== null) page.#rows = [];
    return cursor;
  }
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * Every row of a first page and of each following one, fetched one page ahead. The following
 * pages are fetched lazy: their rows are decoded one per `next()` from the page's bytes, so a
 * row is garbage as soon as the consumer drops it and a long stream holds no more than two
 * pages of bytes. A row that is ready costs one resolved promise; only page boundaries await.
 * (An async generator costs several promises per row, and a page of decoded rows outlived the
 * young generation: peak memory grew with the length of the stream.)
 */
export class RowStream<T> implements AsyncIterableIterator<T> {
  #rows: T[] | null = null;
  #i = 0;
  #cursor: RowCursor | null = null;
  #next: Promise<ResultSet<T>> | null;
  #start: (() => Promise<ResultSet<T>>) | null;
  #busy: Promise<IteratorResult<T, undefined>> | null = null;
  #done = false;
  readonly #ac = new AbortController();

  /**
   * Starts from `first` (a page the caller may still read, so its rows stay in place), or, with
   * `first` null, from the page `start` fetches on the first `next()`.
   */
  constructor(
    first: ResultSet<T> | null,
    start: ((signal: AbortSignal) => Promise<ResultSet<T>>) | null,
  ) {
    this.#next = null;
    this.#start = start === null ? null : () => start(this.#ac.signal);
    if (first !== null) this.#setPage(first, false);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    // Calls made while a page is awaited run after it, in order, as with an async generator.
    const busy = this.#busy;
    if (busy !== null) return busy.then(() => this.next(), () => this.next());
    let row: T | undefined;
    try {
      row = this.#take();
    } catch (e) {
      this.#finish(); // a malformed row: nothing after it can be trusted
      return Promise.reject(e);
    }
    if (row !== undefined) return Promise.resolve({ value: row, done: false });
    if (this.#done) return Promise.resolve(DONE);
    const p = this.#advance();
    this.#busy = p;
    const clear = () => {
      if (this.#busy === p) this.#busy = null;
    };
    p.then(clear, clear);
    return p;
  }

  /** Stops: the page being fetched is aborted and nothing more is fetched. */
  return(): Promise<IteratorResult<T, undefined>> {
    this.#finish();
    return Promise.resolve(DONE);
  }

  /** Stops, like {@link RowStream.return}, and rejects with `e`. */
  throw(e?: unknown): Promise<IteratorResult<T, undefined>> {
    this.#finish();
    return Promise.reject(e);
  }

  #take(): T | undefined {
    const cursor = this.#cursor;
    if (cursor !== null) return cursor.next() as T | undefined;
    const rows = this.#rows;
    if (rows === null || this.#i >= rows.length) return undefined;
    return rows[this.#i++];
  }

  /**
   * Reads `page` next: row by row from its bytes when the stream owns it (a page it fetched),
   * from its `rows` otherwise (the caller's first page, which must stay intact).
   */
  #setPage(page: ResultSet<T>, own: boolean): void {
    const next = ResultSet.fetchAfter(page, this.#ac.signal, true);
    // If the consumer stops before awaiting it, its failure must not go unhandled.
    next?.catch(() => {});
    this.#next = next;
    this.#cursor = own ? ResultSet.takeCursor(page) : null;
    this.#rows = this.#cursor === null ? page.rows : null;
    this.#i = 0;
  }

  async #advance(): Promise<IteratorResult<T, undefined>> {
    try {
      for (;;) {
        let next = this.#next;
        if (next === null && this.#start !== null) {
          next = this.#start();
          this.#start = null;
        }
        if (next === null) {
          this.#finish();
          return DONE;
        }
        this.#next = null;
        const page = await next;
        if (this.#done) return DONE;
        this.#setPage(page, true);
        const row = this.#take();
        if (row !== undefined) return { value: row, done: false };
      }
    } catch (e) {
      const stopped = this.#done;
      this.#finish();
      // An abort caused by return() is the end the consumer asked for, not an error.
      if (stopped) return DONE;
      throw e;
    }
  }

  #finish(): void {
    this.#done = true;
    this.#rows = null;
    this.#cursor = null;
    this.#next = null;
    this.#start = null;
    this.#ac.abort();
  }
}
