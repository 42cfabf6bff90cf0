/**
 * The client's view of the schema: loaded from `system_schema` (in the background, or on first
 * use), kept current by schema change events, and read by applications without ever waiting on
 * the network once loaded, except when a change they might be asking about is being read.
 *
 * @module
 */
import { unrefTimer } from "../connection/timers.ts";
import type { SchemaChange } from "../protocol/responses.ts";
import { buildKeyspace } from "./build.ts";
import {
  KEYSPACE_QUERIES,
  loadAggregates,
  loadAll,
  loadFunctions,
  loadKeyspace,
  loadKeyspaceRow,
  loadRelation,
  loadTypes,
  type RawKeyspace,
  type RawRelation,
  RELATION_QUERIES,
  type SchemaQuery,
  type SchemaRow,
} from "./loader.ts";
import type {
  AggregateMetadata,
  FunctionMetadata,
  KeyspaceMetadata,
  MaterializedViewMetadata,
  TableMetadata,
  UserTypeMetadata,
} from "./model.ts";

/** How {@link SchemaMetadata} loads and refreshes. */
export interface SchemaMetadataOptions {
  /**
   * Load nothing until asked: `keyspace(name)` then reads only that keyspace, `keyspaces()` the
   * whole schema. Default false: {@link SchemaMetadata.start} loads everything in the background.
   */
  readonly lazy?: boolean;
  /**
   * Milliseconds without a new change before a burst of changes is read (default 100): a
   * migration script sends dozens of events, and each would otherwise reload.
   */
  readonly debounceMs?: number;
  /** Longest a change waits in a continuing burst, in ms (default 1000). */
  readonly maxDebounceMs?: number;
  /** Receives the errors of background loads and refreshes (which are otherwise dropped). */
  readonly onError?: (error: unknown) => void;
}

/** What one keyspace's cache holds. */
interface Entry {
  /** Its rows; null when the keyspace is known not to exist. */
  readonly raw: RawKeyspace | null;
  /** The read these rows came from: a read that started earlier never overwrites them. */
  readonly seq: number;
  /** Built on first use: most keyspaces of a large cluster are never asked about. */
  built: KeyspaceMetadata | undefined;
  /** A refresh of it failed: the rows may be out of date, the next read reloads. */
  stale: boolean;
}

/** What a burst of changes to one keyspace asks to reread. */
interface Pending {
  whole: boolean;
  row: boolean;
  types: boolean;
  readonly relations: Set<string>;
  readonly functions: Set<string>;
  readonly aggregates: Set<string>;
}

interface Deferred {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => resolve = r);
  return { promise, resolve };
}

/** A burst of changes not yet read. */
interface Burst {
  readonly pending: Pending;
  readonly firstAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Resolves once the burst has been read (or failed to be). */
  readonly done: Deferred;
}

/** Refresh state of one keyspace: at most one burst collecting, one reload running. */
interface Refresher {
  burst: Burst | null;
  running: Promise<void> | null;
}

const noop = () => {};

function replaceWhere(
  rows: readonly SchemaRow[],
  key: string,
  value: string,
  replacement: readonly SchemaRow[],
): SchemaRow[] {
  return rows.filter((r) => String(r[key]) !== value).concat(replacement);
}

function withRelation(raw: RawKeyspace, name: string, rel: RawRelation): RawKeyspace {
  return {
    ...raw,
    tables: replaceWhere(raw.tables, "table_name", name, rel.tables),
    views: replaceWhere(raw.views, "view_name", name, rel.views),
    columns: replaceWhere(raw.columns, "table_name", name, rel.columns),
    droppedColumns: replaceWhere(raw.droppedColumns, "table_name", name, rel.droppedColumns),
    columnMasks: replaceWhere(raw.columnMasks, "table_name", name, rel.columnMasks),
    indexes: replaceWhere(raw.indexes, "table_name", name, rel.indexes),
  };
}

/**
 * Schema metadata over a {@link SchemaQuery}. Reads resolve from memory once loaded; a schema
 * change given to {@link SchemaMetadata.refresh} rereads only what it names, bursts coalesced
 * into one reload per keyspace, and a read of a keyspace with a reload pending waits for it (so
 * a read right after a `CREATE TABLE` sees the table). Loads never throw out of the background:
 * a failed one is retried by the next read, which gets the error if it fails again.
 *
 * @example
 * ```ts ignore
 * const schema = new SchemaMetadata((cql, params) => runOnControlConnection(cql, params));
 * schema.start();
 * client.on("schemaChange", (change) => schema.refresh(change));
 * const t = await schema.table("app", "users");
 * console.log(t?.partitionKey.map((c) => c.name), describeTable(t!));
 * ```
 */
export class SchemaMetadata {
  readonly #query: SchemaQuery;
  readonly #lazy: boolean;
  readonly #debounceMs: number;
  readonly #maxDebounceMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #entries = new Map<string, Entry>();
  readonly #keyspaceLoads = new Map<string, Promise<void>>();
  readonly #refreshers = new Map<string, Refresher>();
  #seq = 0;
  #allLoaded = false;
  #full: Promise<void> | null = null;
  #closed = false;

  /** Metadata read through `query`; nothing is read before {@link start} or a first read. */
  constructor(query: SchemaQuery, options: SchemaMetadataOptions = {}) {
    this.#query = query;
    this.#lazy = options.lazy ?? false;
    this.#debounceMs = options.debounceMs ?? 100;
    this.#maxDebounceMs = options.maxDebounceMs ?? 1_000;
    this.#onError = options.onError ?? noop;
  }

  /**
   * Begins loading the whole schema in the background (not when lazy: then reads load what
   * they need). Returns at once; an error goes to `onError` and the next read retries.
   */
  start(): void {
    if (this.#lazy || this.#closed || this.#allLoaded || this.#full !== null) return;
    this.#loadAll().catch(this.#onError);
  }

  /** Names of every keyspace (virtual ones included), sorted; loads the whole schema if needed. */
  async keyspaces(): Promise<string[]> {
    if (!this.#allLoaded) await (this.#full ?? this.#loadAll());
    await Promise.all([...this.#refreshers.keys()].map((k) => this.#settle(k)));
    const names: string[] = [];
    for (const [name, e] of this.#entries) if (e.raw !== null) names.push(name);
    return names.sort();
  }

  /** Keyspace `name` (case-sensitive, unquoted), or undefined when it does not exist. */
  async keyspace(name: string): Promise<KeyspaceMetadata | undefined> {
    await this.#ready(name);
    const e = this.#entries.get(name);
    if (e === undefined || e.raw === null) return undefined;
    return e.built ??= buildKeyspace(e.raw);
  }

  /** Table `name` of keyspace `ks`. */
  async table(ks: string, name: string): Promise<TableMetadata | undefined> {
    return (await this.keyspace(ks))?.tables.get(name);
  }

  /** Materialized view `name` of keyspace `ks`. */
  async view(ks: string, name: string): Promise<MaterializedViewMetadata | undefined> {
    return (await this.keyspace(ks))?.views.get(name);
  }

  /** User-defined type `name` of keyspace `ks`. */
  async udt(ks: string, name: string): Promise<UserTypeMetadata | undefined> {
    return (await this.keyspace(ks))?.userTypes.get(name);
  }

  /** Every overload of function `name` of keyspace `ks` (empty when there is none). */
  async functions(ks: string, name: string): Promise<readonly FunctionMetadata[]> {
    return (await this.keyspace(ks))?.functions.get(name) ?? [];
  }

  /** Every overload of aggregate `name` of keyspace `ks` (empty when there is none). */
  async aggregates(ks: string, name: string): Promise<readonly AggregateMetadata[]> {
    return (await this.keyspace(ks))?.aggregates.get(name) ?? [];
  }

  /**
   * Takes note of a schema change (from an event, or the result of a DDL statement): what it
   * names is reread once the burst it belongs to has gone quiet for `debounceMs`. Returns at once.
   */
  refresh(change: SchemaChange): void {
    if (this.#closed || !change.keyspace) return;
    const ks = change.keyspace;
    let r = this.#refreshers.get(ks);
    if (r === undefined) this.#refreshers.set(ks, r = { burst: null, running: null });
    const b = r.burst ??= {
      pending: {
        whole: false,
        row: false,
        types: false,
        relations: new Set(),
        functions: new Set(),
        aggregates: new Set(),
      },
      firstAt: Date.now(),
      timer: undefined,
      done: deferred(),
    };
    const p = b.pending;
    const name = change.name;
    switch (change.target.toUpperCase()) {
      case "KEYSPACE":
        // ALTER KEYSPACE changes only its row; a created or dropped one is read whole.
        if (change.change.toUpperCase() === "UPDATED") p.row = true;
        else p.whole = true;
        break;
      case "TABLE": // views too: the protocol has no target of their own
        if (name) p.relations.add(name);
        else p.whole = true;
        break;
      case "TYPE":
        p.types = true;
        break;
      case "FUNCTION":
        if (name) p.functions.add(name);
        else p.whole = true;
        break;
      case "AGGREGATE":
        if (name) p.aggregates.add(name);
        else p.whole = true;
        break;
      default:
        p.whole = true;
    }
    if (b.timer !== undefined) clearTimeout(b.timer);
    const delay = Math.min(this.#debounceMs, b.firstAt + this.#maxDebounceMs - Date.now());
    b.timer = setTimeout(() => this.#fire(ks), Math.max(0, delay));
    unrefTimer(b.timer);
  }

  /**
   * Stops refreshing: pending changes are dropped (their waiters released) and later ones
   * ignored. Reads still work, from what was loaded.
   */
  close(): void {
    this.#closed = true;
    for (const r of this.#refreshers.values()) {
      const b = r.burst;
      if (b === null) continue;
      clearTimeout(b.timer);
      r.burst = null;
      b.done.resolve();
    }
  }

  /** Loads the whole schema; the returned promise is also kept for concurrent callers. */
  #loadAll(): Promise<void> {
    const seq = ++this.#seq;
    const p = (async () => {
      const all = await loadAll(this.#query);
      for (const [name, raw] of all) this.#apply(name, raw, seq);
      for (const [name, e] of this.#entries) {
        if (!all.has(name) && e.seq < seq) this.#apply(name, null, seq);
      }
      this.#allLoaded = true;
    })();
    this.#full = p;
    // Both branches handled here, so a load nobody awaits never rejects unhandled.
    const clear = () => {
      if (this.#full === p) this.#full = null;
    };
    p.then(clear, clear);
    return p;
  }

  /** Loads one keyspace whole, deduplicating concurrent reads of it. */
  #loadKeyspace(name: string): Promise<void> {
    const running = this.#keyspaceLoads.get(name);
    if (running !== undefined) return running;
    const seq = ++this.#seq;
    const p = loadKeyspace(this.#query, name).then((raw) => this.#apply(name, raw ?? null, seq));
    this.#keyspaceLoads.set(name, p);
    const clear = () => {
      if (this.#keyspaceLoads.get(name) === p) this.#keyspaceLoads.delete(name);
    };
    p.then(clear, clear);
    return p;
  }

  /** Stores rows read by read `seq`, unless a read that started later already stored some. */
  #apply(name: string, raw: RawKeyspace | null, seq: number): void {
    const e = this.#entries.get(name);
    if (e !== undefined && e.seq > seq) return;
    this.#entries.set(name, { raw, seq, built: undefined, stale: false });
  }

  /** Makes keyspace `name` current enough to read: loaded, its pending changes applied. */
  async #ready(name: string): Promise<void> {
    // A failed full load is not this read's error yet: it may find its keyspace another way.
    if (this.#full !== null) await this.#full.catch(noop);
    await this.#settle(name);
    let e = this.#entries.get(name);
    if (e !== undefined ? !e.stale : this.#allLoaded) return;
    if (!this.#lazy && !this.#allLoaded) {
      await (this.#full ?? this.#loadAll());
      await this.#settle(name);
      e = this.#entries.get(name);
      if (e === undefined || !e.stale) return;
    }
    await this.#loadKeyspace(name);
  }

  /** Waits for the changes of `ks` noted so far, reading them now rather than after the pause. */
  async #settle(ks: string): Promise<void> {
    const r = this.#refreshers.get(ks);
    if (r === undefined) return;
    if (r.burst !== null) this.#fire(ks);
    await r.running;
  }

  /** Starts reading a burst, after the reload of `ks` running (if any). */
  #fire(ks: string): void {
    const r = this.#refreshers.get(ks);
    const b = r?.burst;
    if (r === undefined || b === null || b === undefined) return;
    clearTimeout(b.timer);
    r.burst = null;
    const run: Promise<void> = (r.running ?? Promise.resolve())
      .then(() => this.#reload(ks, b.pending))
      .catch((e) => {
        const entry = this.#entries.get(ks);
        if (entry !== undefined) entry.stale = true;
        this.#onError(e);
      })
      .then(() => {
        b.done.resolve();
        if (r.running === run) {
          r.running = null;
          if (r.burst === null) this.#refreshers.delete(ks);
        }
      });
    r.running = run;
  }

  /** Rereads what a burst of changes to `ks` named. */
  async #reload(ks: string, p: Pending): Promise<void> {
    // Never under a load already reading: its rows would land after (and over) ours.
    if (this.#full !== null) await this.#full.catch(noop);
    await this.#keyspaceLoads.get(ks)?.catch(noop);
    const e = this.#entries.get(ks);
    // Not cached and no full schema held: whoever reads it next loads it fresh.
    if (e === undefined && !this.#allLoaded) return;
    const partialQueries = (p.row ? 1 : 0) + (p.types ? 1 : 0) +
      p.relations.size * RELATION_QUERIES + p.functions.size + p.aggregates.size;
    if (
      e === undefined || e.raw === null || e.stale || p.whole ||
      partialQueries > KEYSPACE_QUERIES
    ) {
      const seq = ++this.#seq;
      this.#apply(ks, (await loadKeyspace(this.#query, ks)) ?? null, seq);
      return;
    }
    const q = this.#query;
    const seq = ++this.#seq;
    const [row, relations, types, functions, aggregates] = await Promise.all([
      p.row ? loadKeyspaceRow(q, ks) : Promise.resolve(undefined),
      Promise.all([...p.relations].map(async (n) => [n, await loadRelation(q, ks, n)] as const)),
      p.types ? loadTypes(q, ks) : Promise.resolve(undefined),
      Promise.all([...p.functions].map(async (n) => [n, await loadFunctions(q, ks, n)] as const)),
      Promise.all([...p.aggregates].map(async (n) => [n, await loadAggregates(q, ks, n)] as const)),
    ]);
    const cur = this.#entries.get(ks);
    if (cur === undefined || cur.raw === null || cur.seq > seq) return;
    if (p.row && row === undefined) {
      this.#apply(ks, null, seq);
      return;
    }
    let raw: RawKeyspace = cur.raw;
    if (row !== undefined) raw = { ...raw, keyspace: row };
    for (const [n, rel] of relations) raw = withRelation(raw, n, rel);
    if (types !== undefined) raw = { ...raw, types };
    for (const [n, rows] of functions) {
      raw = { ...raw, functions: replaceWhere(raw.functions, "function_name", n, rows) };
    }
    for (const [n, rows] of aggregates) {
      raw = { ...raw, aggregates: replaceWhere(raw.aggregates, "aggregate_name", n, rows) };
    }
    this.#apply(ks, raw, seq);
  }
}
