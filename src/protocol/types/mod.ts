/**
 * CQL types and values: type descriptors, value classes, the value codec and the row decoder.
 *
 * @module
 */
export {
  type CollectionType,
  type ColumnSpec,
  type CustomType,
  type DataType,
  type MapType,
  primitive,
  type PrimitiveType,
  type PrimitiveTypeName,
  readDataType,
  type TupleType,
  TypeCode,
  typeToString,
  type UdtType,
  type VectorType,
} from "./datatype.ts";
export { parseCustomClass } from "./marshal.ts";
export { decodeValue, encodeValue, writeValue } from "./codec.ts";
export { inferType } from "./infer.ts";
export { createRowDecoder, type Row, type RowDecoder } from "./row-decoder.ts";
export { type Unset, unset } from "./unset.ts";
export { Decimal } from "./decimal.ts";
export { LocalDate } from "./local-date.ts";
export { LocalTime } from "./local-time.ts";
export { Duration } from "./duration.ts";
export {
  formatUuid,
  isUuid,
  parseUuid,
  randomUuid,
  timeuuid,
  type TimeuuidOptions,
  timeuuidToDate,
  uuidVersion,
} from "./uuid.ts";
export { formatInet, parseInet } from "./inet.ts";
