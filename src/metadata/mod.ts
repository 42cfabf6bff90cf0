/**
 * Schema metadata and query traces: what the cluster's schema holds, kept current by schema
 * change events, its `DESCRIBE` text, and the traces of traced requests.
 *
 * @module
 */
export {
  fetchTrace,
  type FetchTraceOptions,
  type QueryTrace,
  timeuuidDate,
  type TraceEvent,
  TraceNotReadyError,
} from "./trace.ts";
export {
  CqlTypeParseError,
  parseCqlType,
  type ParseCqlTypeOptions,
  type UdtResolver,
} from "./cql-type.ts";
export {
  describeAggregate,
  describeFunction,
  describeIndex,
  describeKeyspace,
  describeTable,
  describeUserType,
  describeView,
  javaDouble,
} from "./describe.ts";
export { quoteIdentifier } from "./identifiers.ts";
export {
  loadAll,
  loadKeyspace,
  type RawKeyspace,
  type SchemaQuery,
  type SchemaRow,
} from "./loader.ts";
export type * from "./model.ts";
export { SchemaMetadata, type SchemaMetadataOptions } from "./schema-metadata.ts";
// Re-exported so that this module documents every type its API mentions.
export type {
  CollectionType,
  CustomType,
  DataType,
  MapType,
  PrimitiveType,
  PrimitiveTypeName,
  TupleType,
  UdtType,
  VectorType,
} from "../protocol/types/datatype.ts";
export type { SchemaChange } from "../protocol/responses.ts";
