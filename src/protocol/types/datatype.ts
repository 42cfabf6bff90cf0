/**
 * CQL type descriptors as they appear in result metadata ([option] in the spec, section 4.2.5.2).
 *
 * @module
 */
import type { ByteReader } from "../bytes.ts";
import { ProtocolError } from "../errors.ts";
import { parseCustomClass } from "./marshal.ts";

/** The [option] ids of CQL types (spec section 4.2.5.2). */
export const TypeCode = {
  Custom: 0x0000,
  Ascii: 0x0001,
  Bigint: 0x0002,
  Blob: 0x0003,
  Boolean: 0x0004,
  Counter: 0x0005,
  Decimal: 0x0006,
  Double: 0x0007,
  Float: 0x0008,
  Int: 0x0009,
  Timestamp: 0x000b,
  Uuid: 0x000c,
  Varchar: 0x000d,
  Varint: 0x000e,
  Timeuuid: 0x000f,
  Inet: 0x0010,
  Date: 0x0011,
  Time: 0x0012,
  Smallint: 0x0013,
  Tinyint: 0x0014,
  Duration: 0x0015,
  List: 0x0020,
  Map: 0x0021,
  Set: 0x0022,
  Udt: 0x0030,
  Tuple: 0x0031,
  /** Not a wire id: vectors arrive as a custom type whose class name is `VectorType(...)`. */
  Vector: 0x10000,
} as const;

/** A primitive CQL type name. */
export type PrimitiveTypeName =
  | "ascii"
  | "bigint"
  | "blob"
  | "boolean"
  | "counter"
  | "decimal"
  | "double"
  | "float"
  | "int"
  | "timestamp"
  | "uuid"
  | "varchar"
  | "varint"
  | "timeuuid"
  | "inet"
  | "date"
  | "time"
  | "smallint"
  | "tinyint"
  | "duration";

/** A CQL type with no parameters. */
export interface PrimitiveType {
  /** The type name. */
  readonly kind: PrimitiveTypeName;
}
/** A custom type, identified by its server-side class name; values are raw bytes. */
export interface CustomType {
  /** Discriminant. */
  readonly kind: "custom";
  /** The server-side marshal class name. */
  readonly className: string;
}
/** `list<T>` or `set<T>`. */
export interface CollectionType {
  /** Discriminant: list or set. */
  readonly kind: "list" | "set";
  /** The element type. */
  readonly element: DataType;
}
/** `map<K, V>`. */
export interface MapType {
  /** Discriminant. */
  readonly kind: "map";
  /** The key type. */
  readonly key: DataType;
  /** The value type. */
  readonly value: DataType;
}
/** A user-defined type. */
export interface UdtType {
  /** Discriminant. */
  readonly kind: "udt";
  /** Keyspace the type is defined in. */
  readonly keyspace: string;
  /** The type name. */
  readonly name: string;
  /** Fields in declaration (and serialization) order. */
  readonly fields: readonly { readonly name: string; readonly type: DataType }[];
}
/** `tuple<...>`. */
export interface TupleType {
  /** Discriminant. */
  readonly kind: "tuple";
  /** Element types in order. */
  readonly elements: readonly DataType[];
}
/** `vector<T, n>`. */
export interface VectorType {
  /** Discriminant. */
  readonly kind: "vector";
  /** The element type. */
  readonly element: DataType;
  /** Number of elements, at least 1. */
  readonly dimension: number;
}

/** Any CQL type. */
export type DataType =
  | PrimitiveType
  | CustomType
  | CollectionType
  | MapType
  | UdtType
  | TupleType
  | VectorType;

const PRIMITIVE_BY_CODE: Record<number, PrimitiveTypeName> = {
  [TypeCode.Ascii]: "ascii",
  [TypeCode.Bigint]: "bigint",
  [TypeCode.Blob]: "blob",
  [TypeCode.Boolean]: "boolean",
  [TypeCode.Counter]: "counter",
  [TypeCode.Decimal]: "decimal",
  [TypeCode.Double]: "double",
  [TypeCode.Float]: "float",
  [TypeCode.Int]: "int",
  [TypeCode.Timestamp]: "timestamp",
  [TypeCode.Uuid]: "uuid",
  [TypeCode.Varchar]: "varchar",
  [TypeCode.Varint]: "varint",
  [TypeCode.Timeuuid]: "timeuuid",
  [TypeCode.Inet]: "inet",
  [TypeCode.Date]: "date",
  [TypeCode.Time]: "time",
  [TypeCode.Smallint]: "smallint",
  [TypeCode.Tinyint]: "tinyint",
  [TypeCode.Duration]: "duration",
};

// Shared instances: metadata for wide tables would otherwise allocate one object per column.
const PRIMITIVES = new Map<PrimitiveTypeName, PrimitiveType>(
  Object.values(PRIMITIVE_BY_CODE).map((k) => [k, Object.freeze({ kind: k })]),
);

/** Returns the shared descriptor of a primitive type. */
export function primitive(kind: PrimitiveTypeName): PrimitiveType {
  return PRIMITIVES.get(kind)!;
}

const MAX_DEPTH = 64;

/** Reads an [option] type descriptor from result or prepared metadata. */
export function readDataType(r: ByteReader, depth = 0): DataType {
  if (depth > MAX_DEPTH) throw new ProtocolError(`type nested deeper than ${MAX_DEPTH} levels`);
  const code = r.short();
  const prim = PRIMITIVE_BY_CODE[code];
  if (prim !== undefined) return PRIMITIVES.get(prim)!;
  switch (code) {
    case TypeCode.Custom:
      return parseCustomClass(r.string());
    case TypeCode.List:
      return { kind: "list", element: readDataType(r, depth + 1) };
    case TypeCode.Set:
      return { kind: "set", element: readDataType(r, depth + 1) };
    case TypeCode.Map: {
      const key = readDataType(r, depth + 1);
      return { kind: "map", key, value: readDataType(r, depth + 1) };
    }
    case TypeCode.Udt: {
      const keyspace = r.string();
      const name = r.string();
      const n = r.short();
      const fields = [];
      for (let i = 0; i < n; i++) {
        const fname = r.string();
        fields.push({ name: fname, type: readDataType(r, depth + 1) });
      }
      return { kind: "udt", keyspace, name, fields };
    }
    case TypeCode.Tuple: {
      const n = r.short();
      const elements = [];
      for (let i = 0; i < n; i++) elements.push(readDataType(r, depth + 1));
      return { kind: "tuple", elements };
    }
    default:
      throw new ProtocolError(`unknown CQL type id 0x${code.toString(16)}`);
  }
}

/** Renders a type in CQL syntax, e.g. `map<text, frozen<list<int>>>`, for messages and tests. */
export function typeToString(t: DataType): string {
  switch (t.kind) {
    case "custom":
      return `'${t.className}'`;
    case "list":
    case "set":
      return `${t.kind}<${typeToString(t.element)}>`;
    case "map":
      return `map<${typeToString(t.key)}, ${typeToString(t.value)}>`;
    case "udt":
      return `${t.keyspace}.${t.name}`;
    case "tuple":
      return `tuple<${t.elements.map(typeToString).join(", ")}>`;
    case "vector":
      return `vector<${typeToString(t.element)}, ${t.dimension}>`;
    default:
      return t.kind === "varchar" ? "text" : t.kind;
  }
}

/** One column of result or bound-variable metadata. */
export interface ColumnSpec {
  /** Keyspace of the column's table. */
  readonly keyspace: string;
  /** Table of the column. */
  readonly table: string;
  /** Column name (or bind marker name). */
  readonly name: string;
  /** Column type. */
  readonly type: DataType;
}
