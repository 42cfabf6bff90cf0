/**
 * `ModelMapper`: the get/find/insert/update/remove calls of one model.
 *
 * @module
 */
import { ModelBatchMapper } from "./batch.ts";
import type { FindDocInfo, InsertDocInfo, RemoveDocInfo, UpdateDocInfo } from "./doc-info.ts";
import type { MappingHandler } from "./handler.ts";
import type { MappingExecutionOptions } from "./options.ts";
import type { Doc } from "./queries.ts";
import type { Result } from "./result.ts";

type Opts = MappingExecutionOptions | null | undefined;

/** `(doc, [docInfo], [options])` where a string second argument is the options (a profile). */
function sortArgs<D>(
  docInfo: D | string | null | undefined,
  options: Opts,
): [D | null | undefined, Opts] {
  if (options === undefined && typeof docInfo === "string") return [null, docInfo];
  return [docInfo as D | null | undefined, options];
}

/**
 * Runs `f`; what it throws (a null document, a bad `orderBy`) becomes a rejection, so a promise
 * is all a caller has to handle. cassandra-driver throws some of these synchronously.
 */
export function settle<R>(f: () => Promise<R>): Promise<R> {
  try {
    return f();
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * The mapper of one model: documents to and from the rows of its tables.
 *
 * @example
 * ```ts ignore
 * const videos = mapper.forModel("Video");
 * await videos.insert({ id, name: "intro" });
 * const v = await videos.get({ id });
 * ```
 */
// deno-lint-ignore no-explicit-any
export class ModelMapper<T = any> {
  /** The model's name. */
  readonly name: string;
  /** Makes batch items of this model for `Mapper.batch`. */
  readonly batching: ModelBatchMapper;
  readonly #handler: MappingHandler;

  /** Made by `Mapper.forModel`. */
  constructor(name: string, handler: MappingHandler) {
    this.name = name;
    this.#handler = handler;
    this.batching = new ModelBatchMapper(handler);
  }

  /** The document of these primary keys (all of them), or null. */
  get(
    doc: Doc,
    docInfo?: { fields?: readonly string[] } | string | null,
    executionOptions?: MappingExecutionOptions,
  ): Promise<T | null> {
    return settle(() => {
      const [d, o] = sortArgs(docInfo, executionOptions);
      return this.#handler.selectExecutor(doc, d, true)
        .then((run) => run(doc, d, o))
        .then((r) => r.first() as T | null);
    });
  }

  /** The documents whose keys match `doc` (values or `q` conditions). */
  find(
    doc: Doc,
    docInfo?: FindDocInfo | string | null,
    executionOptions?: MappingExecutionOptions,
  ): Promise<Result<T>> {
    return settle(() => {
      const [d, o] = sortArgs(docInfo, executionOptions);
      return this.#handler.selectExecutor(doc, d, false).then((run) => run(doc, d, o)) as Promise<
        Result<T>
      >;
    });
  }

  /** Every document of the model's first table (for small tables). */
  findAll(
    docInfo?: FindDocInfo | string | null,
    executionOptions?: MappingExecutionOptions,
  ): Promise<Result<T>> {
    return settle(() => {
      const [d, o] = sortArgs(docInfo, executionOptions);
      return this.#handler.selectAllExecutor(d).then((run) => run(null, d, o)) as Promise<
        Result<T>
      >;
    });
  }

  /** Runs the INSERT, UPDATE or DELETE statements of `doc`'s shape. */
  #mutate(
    kind: "insert" | "update" | "remove",
    doc: Doc,
    docInfo: InsertDocInfo | UpdateDocInfo | RemoveDocInfo | string | null | undefined,
    executionOptions: MappingExecutionOptions | undefined,
  ): Promise<Result<T>> {
    return settle(() => {
      const [d, o] = sortArgs(docInfo, executionOptions);
      return this.#handler.mutationExecutor(kind, doc, d).then((run) => run(doc, d, o)) as Promise<
        Result<T>
      >;
    });
  }

  /** Inserts a document into every table of the model whose keys it has. */
  insert(
    doc: Doc,
    docInfo?: InsertDocInfo | string | null,
    executionOptions?: MappingExecutionOptions,
  ): Promise<Result<T>> {
    return this.#mutate("insert", doc, docInfo, executionOptions);
  }

  /** Updates a document in every table of the model whose keys it has. */
  update(
    doc: Doc,
    docInfo?: UpdateDocInfo | string | null,
    executionOptions?: MappingExecutionOptions,
  ): Promise<Result<T>> {
    return this.#mutate("update", doc, docInfo, executionOptions);
  }

  /** Deletes a document (or, with `deleteOnlyColumns`, some of its columns). */
  remove(
    doc: Doc,
    docInfo?: RemoveDocInfo | string | null,
    executionOptions?: MappingExecutionOptions,
  ): Promise<Result<T>> {
    return this.#mutate("remove", doc, docInfo, executionOptions);
  }

  /**
   * A function that runs `query` with the parameters `paramsHandler` takes from a document and
   * maps the rows. With `executionOptions`, those options serve every call.
   */
  // deno-lint-ignore no-explicit-any
  mapWithQuery<D = any>(
    query: string,
    paramsHandler: (doc: D) => readonly unknown[],
    executionOptions?: MappingExecutionOptions,
  ): (doc: D, executionOptions?: MappingExecutionOptions) => Promise<Result<T>> {
    return this.#handler.queryExecutor(
      query,
      paramsHandler as (doc: never) => unknown,
      executionOptions,
    ) as (
      doc: D,
      executionOptions?: MappingExecutionOptions,
    ) => Promise<Result<T>>;
  }
}
