/**
 * `mapping`: cassandra-driver's object mapper on the compat client. Models map documents onto
 * tables; statements are generated from the table metadata of the native driver, prepared, and
 * cached by document shape.
 *
 * @example
 * ```ts ignore
 * import { Client, mapping } from "@cql/driver/compat";
 * const { Mapper, UnderscoreCqlToCamelCaseMappings, q } = mapping;
 * const client = new Client({ contactPoints: ["127.0.0.1"], localDataCenter: "datacenter1", keyspace: "app" });
 * const mapper = new Mapper(client, {
 *   models: { User: { tables: ["users"], mappings: new UnderscoreCqlToCamelCaseMappings() } },
 * });
 * const users = mapper.forModel("User");
 * await users.insert({ userId: 1, name: "Ada" });
 * const found = await users.find({ userId: q.in_([1, 2]) });
 * console.log(found.toArray());
 * ```
 *
 * @module
 */
export { Mapper } from "./mapper.ts";
export { ModelMapper } from "./model-mapper.ts";
export { ModelBatchItem, ModelBatchMapper } from "./batch.ts";
export { Result } from "./result.ts";
export {
  DefaultTableMappings,
  TableMappings,
  UnderscoreCqlToCamelCaseMappings,
} from "./table-mappings.ts";
export { q } from "./q.ts";
export type { QueryAssignment, QueryOperator } from "./q.ts";
export type {
  MappingOptions,
  ModelColumnOptions,
  ModelOptions,
  ModelTables,
} from "./mapping-info.ts";
export type { FindDocInfo, InsertDocInfo, RemoveDocInfo, UpdateDocInfo } from "./doc-info.ts";
export type { MappingExecutionOptions } from "./options.ts";
export type { Doc } from "./queries.ts";
