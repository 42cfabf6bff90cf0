/**
 * `Mapper`: cassandra-driver's object mapper over the compat client.
 *
 * @module
 */
import type { Client } from "../client.ts";
import { ArgumentError } from "../errors.ts";
import { ModelBatchItem } from "./batch.ts";
import { MappingHandler } from "./handler.ts";
import { type MappingOptions, ModelMappingInfo } from "./mapping-info.ts";
import { ModelMapper } from "./model-mapper.ts";
import type { MappingExecutionOptions } from "./options.ts";
import type { Result } from "./result.ts";

/**
 * Maps documents onto the rows of tables: one {@link ModelMapper} per model, table metadata from
 * the client, statements prepared and cached by document shape.
 *
 * @example
 * ```ts ignore
 * import { mapping } from "@cql/driver/compat";
 * const mapper = new mapping.Mapper(client, {
 *   models: { Video: { tables: ["videos"], mappings: new mapping.UnderscoreCqlToCamelCaseMappings() } },
 * });
 * const video = await mapper.forModel("Video").get({ videoId });
 * ```
 */
export class Mapper {
  /** The client the mapper runs on. */
  readonly client: Client;
  readonly #infos: Map<string, ModelMappingInfo>;
  readonly #models = new Map<string, ModelMapper<unknown>>();

  /** A mapper of `options.models` (other models map to the table of their name). */
  constructor(client: Client, options?: MappingOptions) {
    if (!client) throw new Error("client must be defined");
    this.client = client;
    this.#infos = ModelMappingInfo.parse(options, client.keyspace);
  }

  /**
   * The mapper of model `name` (case-sensitive). Documents are typed `T`, `any` by default as in
   * cassandra-driver's declarations.
   */
  // deno-lint-ignore no-explicit-any
  forModel<T = any>(name: string): ModelMapper<T> {
    let m = this.#models.get(name);
    if (m === undefined) {
      let info = this.#infos.get(name);
      let message: string;
      if (info === undefined) {
        const ks = this.client.keyspace;
        if (!ks) {
          throw new Error(
            `No mapping information found for model '${name}'. ` +
              "Mapper is unable to create default mappings without setting the keyspace",
          );
        }
        info = ModelMappingInfo.createDefault(name, ks);
        message = `Mapping information for model '${name}' not found, creating default mapping. ` +
          `Keyspace: ${info.keyspace}; Table: ${info.tables[0].name}.`;
      } else {
        message =
          `Creating model mapper for '${name}' using mapping information. Keyspace: ${info.keyspace}; Table${
            info.tables.length > 1 ? "s" : ""
          }: ${info.tables.map((t) => t.name).join(",")}.`;
      }
      const handler = new MappingHandler(this.client, info);
      handler.log("info", message);
      m = new ModelMapper(name, handler);
      this.#models.set(name, m);
    }
    return m as ModelMapper<T>;
  }

  /** Runs batch items (from `forModel(x).batching`) as one batch. */
  async batch(
    items: readonly ModelBatchItem[],
    executionOptions?: MappingExecutionOptions,
  ): Promise<Result> {
    if (!Array.isArray(items) || !(items.length > 0)) {
      throw new ArgumentError(
        "First parameter items should be an Array with 1 or more ModelBatchItem instances",
      );
    }
    const parts = await Promise.all(items.map((item) => {
      if (!(item instanceof ModelBatchItem)) {
        return Promise.reject(
          new Error(
            "Batch items must be instances of ModelBatchItem, use modelMapper.batching object to create each item",
          ),
        );
      }
      const out: { query: string; params: unknown[] }[] = [];
      return item.pushQueries(out).then((o) => ({ out, ...o }));
    }));
    // The batch is idempotent when every statement is; the last item says counter or not.
    const isIdempotent = parts.every((p) => p.isIdempotent);
    const isCounter = parts[parts.length - 1].isCounter;
    // Results are adapted for the first item's model (a conditional batch is of one table).
    return items[0].handler.batch(
      parts.flatMap((p) => p.out),
      executionOptions,
      isIdempotent,
      isCounter,
    ) as Promise<
      Result
    >;
  }
}
