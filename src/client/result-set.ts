/**
 * One page of a query's result, iterable over every following page.
 *
 * @module
 */
import type { ColumnSpec } from "../protocol/types/datatype.ts";
import type { Row } from "../protocol/types/row-decoder.ts";

/** Fetches the page after `pagingState`; the signal cancels it when iteration stops early. */
export type PageFetcher<T> = (
  pagingState: Uint8Array,
  signal: AbortSignal,
) => Promise<ResultSet<T>>;

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
  /** Rows of this page. */
  readonly rows: T[];
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

  /** Built by the client; not meant to be constructed by users. */
  constructor(init: {
    rows?: T[];
    columns?: readonly ColumnSpec[] | null;
    pagingState?: Uint8Array | null;
    warnings?: readonly string[];
    tracingId?: string | null;
    customPayload?: ReadonlyMap<string, Uint8Array | null> | null;
    fetch?: PageFetcher<T> | null;
  }) {
    this.rows = init.rows ?? [];
    this.columns = init.columns ?? NO_COLUMNS;
    this.pagingState = init.pagingState ?? null;
    this.warnings = init.warnings ?? NO_WARNINGS;
    this.tracingId = init.tracingId ?? null;
    this.customPayload = init.customPayload ?? null;
    this.#fetch = init.fetch ?? null;
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
    if (this.pagingState === null || this.#fetch === null) return Promise.resolve(null);
    return this.#fetch(this.pagingState, signal ?? new AbortController().signal);
  }

  /** This page and each following one, fetching one page ahead. */
  async *pages(): AsyncGenerator<ResultSet<T>, void, undefined> {
    const ac = new AbortController();
    let page = this as ResultSet<T>;
    try {
      for (;;) {
        const next = page.pagingState !== null && page.#fetch !== null
          ? page.#fetch(page.pagingState, ac.signal)
          : null;
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
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return streamRows(this, false);
  }
}

/**
 * The rows of `first` and every following page. Pages nobody else can see (all after the first,
 * and the first too with `ownFirst`) let go of each row once it is handed out, so rows die young
 * instead of a whole page being promoted by the garbage collector: this keeps the peak memory of
 * long streams close to that of short ones.
 */
export async function* streamRows<T>(
  first: ResultSet<T>,
  ownFirst: boolean,
): AsyncGenerator<T, void, undefined> {
  for await (const page of first.pages()) {
    const rows = page.rows;
    const own = ownFirst || page !== first;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (own) rows[i] = undefined as T;
      yield row;
    }
  }
}
