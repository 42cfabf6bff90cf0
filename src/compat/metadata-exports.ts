/**
 * `metadata`: the classes of `client.metadata` and `client.getState()`.
 *
 * @module
 */
export { Metadata } from "./metadata.ts";
export type {
  ColumnInfo,
  DataCollection,
  Keyspace,
  MaterializedView,
  QueryTrace,
  Table,
  Udt,
} from "./metadata.ts";
export { ClientState } from "./state.ts";
