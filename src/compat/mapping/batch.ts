/**
 * Batching of mapper mutations: `modelMapper.batching.insert(doc)` gives an item, and
 * `mapper.batch([items])` runs them as one batch.
 *
 * @module
 */
import type { AnyDocInfo, InsertDocInfo, RemoveDocInfo, UpdateDocInfo } from "./doc-info.ts";
import type { MappingHandler } from "./handler.ts";
import type { ModelMappingInfo } from "./mapping-info.ts";
import type { Doc, TableQuery } from "./queries.ts";

type Kind = "insert" | "update" | "remove";

/** One mutation of a batch; made by a model's `batching`. */
export class ModelBatchItem {
  /** The document. */
  readonly doc: Doc;
  /** Its options. */
  readonly docInfo: AnyDocInfo | null | undefined;
  readonly #handler: MappingHandler;
  readonly #kind: Kind;

  /** Made by {@link ModelBatchMapper}. */
  constructor(
    kind: Kind,
    doc: Doc,
    docInfo: AnyDocInfo | null | undefined,
    handler: MappingHandler,
  ) {
    this.#kind = kind;
    this.doc = doc;
    this.docInfo = docInfo;
    this.#handler = handler;
  }

  #queries(): Promise<TableQuery[]> {
    const keys = Object.keys(this.doc);
    const h = this.#handler;
    if (this.#kind === "insert") return h.insertQueries(keys, this.doc, this.docInfo);
    if (this.#kind === "update") return h.updateQueries(keys, this.doc, this.docInfo);
    return h.deleteQueries(keys, this.doc, this.docInfo);
  }

  /**
   * Internal: appends this item's statements to `out`; says whether they are all idempotent
   * and whether they change counters.
   */
  async pushQueries(
    out: { query: string; params: unknown[] }[],
  ): Promise<{ isIdempotent: boolean; isCounter: boolean }> {
    let isIdempotent = true, isCounter = false;
    for (const q of await this.#queries()) {
      isIdempotent &&= q.isIdempotent;
      // Counter and other changes do not mix in one batch: the server says so.
      isCounter = q.isCounter;
      out.push({ query: q.query, params: q.paramsGetter(this.doc, this.docInfo) });
    }
    return { isIdempotent, isCounter };
  }

  /** Internal: the model's mapping. */
  getMappingInfo(): ModelMappingInfo {
    return this.#handler.info;
  }

  /** Internal: the model's handler. */
  get handler(): MappingHandler {
    return this.#handler;
  }
}

/** Makes the batch items of one model. */
export class ModelBatchMapper {
  readonly #handler: MappingHandler;

  /** Made by the model's mapper. */
  constructor(handler: MappingHandler) {
    this.#handler = handler;
  }

  /** An INSERT item. */
  insert(doc: Doc, docInfo?: InsertDocInfo): ModelBatchItem {
    return new ModelBatchItem("insert", doc, docInfo, this.#handler);
  }

  /** An UPDATE item. */
  update(doc: Doc, docInfo?: UpdateDocInfo): ModelBatchItem {
    return new ModelBatchItem("update", doc, docInfo, this.#handler);
  }

  /** A DELETE item. */
  remove(doc: Doc, docInfo?: RemoveDocInfo): ModelBatchItem {
    return new ModelBatchItem("remove", doc, docInfo, this.#handler);
  }
}
