/**
 * The statements of one model: generated on first use of a document shape, cached by shape, and
 * run through the compat client.
 *
 * @module
 */
import { type Client, nativeClientOf } from "../client.ts";
import type { ResultSet } from "../types/result-set.ts";
import {
  type AnyDocInfo,
  insertKey,
  orderByOf,
  propertiesInfo,
  removeKey,
  selectKey,
  updateKey,
} from "./doc-info.ts";
import type { ModelMappingInfo } from "./mapping-info.ts";
import {
  batchOptions,
  type MappingExecutionOptions,
  mutationOptions,
  queryOptions,
} from "./options.ts";
import {
  deleteQuery,
  type Doc,
  insertQuery,
  selectQuery,
  type TableQuery,
  updateQuery,
} from "./queries.ts";
import {
  customQueryAdapter,
  mutationAdapter,
  Result,
  type RowAdapter,
  selectAdapter,
} from "./result.ts";
import { settle } from "./model-mapper.ts";
import { tableForSelect, tablesForDelete, tablesForInsert, tablesForUpdate } from "./tables.ts";

/** Runs one cached statement (or batch of them) for a document. */
export type Executor = (
  doc: Doc | null,
  docInfo: AnyDocInfo | null | undefined,
  options: MappingExecutionOptions | null | undefined,
) => Promise<Result<unknown>>;

/** How many shapes a model caches before the mapper warns that shapes vary too much. */
const CACHE_HIGH_WATER_MARK = 100;

const noKeys = () => Promise.reject(new Error("Expected object with keys"));

/** One model's statements. */
export class MappingHandler {
  /** The model's mapping. */
  readonly info: ModelMappingInfo;
  readonly #client: Client;
  readonly #cache = new Map<string, Promise<Executor>>();
  /** The shapes seen, by statement kind: what the cache warning counts, failed ones included. */
  readonly #shapes = new Map<string, Set<string>>();
  readonly #queries = new Map<string, Promise<TableQuery[]>>();
  readonly #custom = new Map<string, RowAdapter>();

  /** For `info`'s model, run through `client`. */
  constructor(client: Client, info: ModelMappingInfo) {
    this.#client = client;
    this.info = info;
  }

  /** Logs as the client does. */
  log(level: string, message: string): void {
    // cassandra-driver passes an empty `furtherInfo` when there is none.
    this.#client.emit("log", level, "Client", message, "");
  }

  #cached(kind: string, shape: string, make: () => Promise<Executor>): Promise<Executor> {
    const key = `${kind}\u0000${shape}`;
    let e = this.#cache.get(key);
    if (e === undefined) {
      const made = e = make();
      // A failed generation (no table matches) is not kept: the schema may change.
      made.catch(() => {
        if (this.#cache.get(key) === made) this.#cache.delete(key);
      });
      this.#cache.set(key, made);
      let seen = this.#shapes.get(kind);
      if (seen === undefined) this.#shapes.set(kind, seen = new Set());
      if (seen.has(shape)) return made;
      seen.add(shape);
      // Each kind of statement counts apart, as cassandra-driver's caches do.
      if (seen.size === CACHE_HIGH_WATER_MARK) {
        this.log(
          "warning",
          `ModelMapper cache reached ${CACHE_HIGH_WATER_MARK} items, this could be caused by ` +
            "building the object to map in different ways (with different shapes) each time. Use " +
            "the same or few object structures for a model and represent unset values with " +
            "undefined or types.unset",
        );
      }
    }
    return e;
  }

  #native() {
    return this.#client.connect().then(() => nativeClientOf(this.#client));
  }

  /** The executor of a SELECT by `doc` (every primary key given when `allKeys`). */
  selectExecutor(
    doc: Doc,
    docInfo: AnyDocInfo | null | undefined,
    allKeys: boolean,
  ): Promise<Executor> {
    const keys = Object.keys(doc);
    if (keys.length === 0) return noKeys();
    // Keyed as cassandra-driver keys it: `get` and `find` of one shape share a statement.
    return this.#cached("select", selectKey(keys, doc, docInfo), async () => {
      const props = propertiesInfo(keys, null, doc, this.info);
      const fields = propertiesInfo([], docInfo, doc, this.info);
      const orderBy = orderByOf(docInfo, this.info);
      const native = await this.#native();
      const table = await tableForSelect(native, this.info, allKeys, props, fields, orderBy);
      const q = selectQuery(table, this.info.keyspace, props, fields, orderBy, docInfo?.limit);
      return this.#selectRunner(q.query, q.paramsGetter);
    });
  }

  /** The executor of a SELECT of every row (of the model's first table). */
  selectAllExecutor(docInfo: AnyDocInfo | null | undefined): Promise<Executor> {
    return this.#cached("selectAll", selectKey(null, null, docInfo), () => {
      try {
        const fields = propertiesInfo([], docInfo, {}, this.info);
        const orderBy = orderByOf(docInfo, this.info);
        const q = selectQuery(
          this.info.tables[0].name,
          this.info.keyspace,
          [],
          fields,
          orderBy,
          docInfo?.limit,
        );
        return Promise.resolve(this.#selectRunner(q.query, q.paramsGetter));
      } catch (e) {
        return Promise.reject(e);
      }
    });
  }

  #selectRunner(query: string, params: TableQuery["paramsGetter"]): Executor {
    // Rows of one statement always have its columns: one adapter serves every execution.
    let adapter: RowAdapter | null = null;
    return (doc, docInfo, options) =>
      this.#client.execute(query, params(doc, docInfo), queryOptions(options, true)).then(
        (rs) => new Result(rs, this.info, adapter ??= selectAdapter(this.info, rs)),
      );
  }

  /** The INSERT statements of a document shape, one per table it fits. */
  insertQueries(
    keys: readonly string[],
    doc: Doc,
    docInfo: AnyDocInfo | null | undefined,
  ): Promise<TableQuery[]> {
    return this.#queriesOf("i\u0000" + insertKey(keys, docInfo), async () => {
      const props = propertiesInfo(keys, docInfo, doc, this.info);
      const ifNotExists = docInfo?.ifNotExists;
      const tables = await tablesForInsert(await this.#native(), this.info, props);
      if (tables.length > 1 && ifNotExists) {
        throw new Error("Batch with ifNotExists conditions cannot span multiple tables");
      }
      return tables.map((t) =>
        insertQuery(t, this.info.keyspace, props, docInfo?.ttl, ifNotExists)
      );
    });
  }

  /** The `when` and `ifExists` conditions of a write, which exclude each other. */
  #conditions(docInfo: AnyDocInfo | null | undefined) {
    const ifExists = docInfo?.ifExists;
    const when = docInfo?.when
      ? propertiesInfo(Object.keys(docInfo.when), null, docInfo.when, this.info)
      : [];
    if (when.length > 0 && ifExists) {
      throw new Error(
        "Both when and ifExists conditions can not be applied to the same statement",
      );
    }
    return { when, ifExists };
  }

  /** The UPDATE statements of a document shape. */
  updateQueries(
    keys: readonly string[],
    doc: Doc,
    docInfo: AnyDocInfo | null | undefined,
  ): Promise<TableQuery[]> {
    return this.#queriesOf("u\u0000" + updateKey(keys, doc, docInfo), async () => {
      const props = propertiesInfo(keys, docInfo, doc, this.info);
      const { when, ifExists } = this.#conditions(docInfo);
      const tables = await tablesForUpdate(await this.#native(), this.info, props, when);
      singleTableIfConditional(tables, when, ifExists);
      return tables.map((t) =>
        updateQuery(t, this.info.keyspace, props, docInfo?.ttl, when, ifExists)
      );
    });
  }

  /** The DELETE statements of a document shape. */
  deleteQueries(
    keys: readonly string[],
    doc: Doc,
    docInfo: AnyDocInfo | null | undefined,
  ): Promise<TableQuery[]> {
    return this.#queriesOf("r\u0000" + removeKey(keys, doc, docInfo), async () => {
      const props = propertiesInfo(keys, docInfo, doc, this.info);
      const { when, ifExists } = this.#conditions(docInfo);
      const tables = await tablesForDelete(await this.#native(), this.info, props, when);
      singleTableIfConditional(tables, when, ifExists);
      return tables.map((t) =>
        deleteQuery(t, this.info.keyspace, props, docInfo?.deleteOnlyColumns, when, ifExists)
      );
    });
  }

  #queriesOf(key: string, make: () => Promise<TableQuery[]>): Promise<TableQuery[]> {
    let q = this.#queries.get(key);
    if (q === undefined) {
      q = make();
      const made = q;
      made.catch(() => {
        if (this.#queries.get(key) === made) this.#queries.delete(key);
      });
      this.#queries.set(key, made);
    }
    return q;
  }

  /** The executor of a mutation: one statement, or a batch of one per table. */
  mutationExecutor(
    kind: "insert" | "update" | "remove",
    doc: Doc,
    docInfo: AnyDocInfo | null | undefined,
  ): Promise<Executor> {
    const keys = Object.keys(doc);
    if (keys.length === 0) return noKeys();
    const make = kind === "insert"
      ? () => this.insertQueries(keys, doc, docInfo)
      : kind === "update"
      ? () => this.updateQueries(keys, doc, docInfo)
      : () => this.deleteQueries(keys, doc, docInfo);
    const key = kind === "insert"
      ? insertKey(keys, docInfo)
      : kind === "update"
      ? updateKey(keys, doc, docInfo)
      : removeKey(keys, doc, docInfo);
    return this.#cached(kind, key, () => make().then((qs) => this.#mutationRunner(qs)));
  }

  #mutationRunner(queries: TableQuery[]): Executor {
    const idempotent = queries.every((q) => q.isIdempotent);
    const done = (rs: ResultSet) => new Result(rs, this.info, mutationAdapter(rs));
    if (queries.length === 1) {
      const { query, paramsGetter } = queries[0];
      return (doc, docInfo, options) =>
        this.#client.execute(
          query,
          paramsGetter(doc, docInfo),
          mutationOptions(options, idempotent),
        )
          .then(done);
    }
    return (doc, docInfo, options) =>
      this.#client.batch(
        queries.map((q) => ({ query: q.query, params: q.paramsGetter(doc, docInfo) })),
        mutationOptions(options, idempotent),
      ).then(done);
  }

  /** Runs `statements` (from batch items) as one batch. */
  batch(
    statements: { query: string; params: unknown[] }[],
    options: MappingExecutionOptions | null | undefined,
    isIdempotent: boolean,
    isCounter: boolean,
  ): Promise<Result<unknown>> {
    return this.#client.batch(statements, batchOptions(options, isIdempotent, isCounter)).then(
      (rs) => new Result(rs, this.info, mutationAdapter(rs)),
    );
  }

  /** The function of `mapWithQuery`. */
  queryExecutor(
    query: string,
    paramsHandler: (doc: never) => unknown,
    common: MappingExecutionOptions | null | undefined,
  ): (doc: unknown, options?: MappingExecutionOptions) => Promise<Result<unknown>> {
    const fixed = common ? queryOptions(common) : null;
    return (doc, options) =>
      settle(() =>
        this.#client.execute(
          query,
          paramsHandler(doc as never) as unknown[],
          fixed ?? queryOptions(options),
        )
      ).then((rs) => {
        let adapter = this.#custom.get(query);
        if (adapter === undefined) {
          const a = customQueryAdapter(this.info, rs);
          adapter = a.fn;
          if (a.canCache) {
            this.#custom.set(query, adapter);
            if (this.#custom.size === CACHE_HIGH_WATER_MARK) {
              this.log(
                "warning",
                `Custom queries cache reached ${CACHE_HIGH_WATER_MARK} items, this could be caused ` +
                  "by hard-coding parameter values inside the query, which should be avoided",
              );
            }
          }
        }
        return new Result(rs, this.info, adapter);
      });
  }
}

/** A conditional write cannot be a batch over the tables of a multi-table model. */
function singleTableIfConditional(
  tables: readonly unknown[],
  when: readonly unknown[],
  ifExists: boolean | undefined,
): void {
  if (tables.length > 1 && (when.length > 0 || ifExists)) {
    throw new Error("Batch with when or ifExists conditions cannot span multiple tables");
  }
}
