/**
 * Results out: native values and column metadata turned into cassandra-driver's
 * representations, by column type. A row's converters are built once per column list.
 *
 * @module
 */
import type { ColumnSpec, DataType } from "../protocol/types/datatype.ts";
import type { Decimal } from "../protocol/types/decimal.ts";
import type { Duration as NativeDuration } from "../protocol/types/duration.ts";
import type { LocalDate as NativeLocalDate } from "../protocol/types/local-date.ts";
import type { LocalTime as NativeLocalTime } from "../protocol/types/local-time.ts";
import { parseInet } from "../protocol/types/inet.ts";
import { parseUuid } from "../protocol/types/uuid.ts";
import { allocBlob, toBlob } from "./buffer.ts";
import type { EncodingOptions } from "./encoding.ts";
import { BigDecimal } from "./types/big-decimal.ts";
import { Duration } from "./types/duration.ts";
import { InetAddress } from "./types/inet-address.ts";
import { Integer } from "./types/integer.ts";
import { LocalDate } from "./types/local-date.ts";
import { LocalTime } from "./types/local-time.ts";
import { longFromBigInt } from "./types/long.ts";
import { type ColumnInfo, type DataTypeInfo, rowPrototypeFor } from "./types/row.ts";
import { type Convert, type RowBuilder, rowBuilder } from "./row-builder.ts";
import { TimeUuid } from "./types/time-uuid.ts";
import { Tuple } from "./types/tuple.ts";
import { Uuid } from "./types/uuid.ts";
import { Vector } from "./types/vector.ts";

const CODES: Record<string, number> = {
  ascii: 1,
  bigint: 2,
  blob: 3,
  boolean: 4,
  counter: 5,
  decimal: 6,
  double: 7,
  float: 8,
  int: 9,
  timestamp: 11,
  uuid: 12,
  varchar: 13,
  varint: 14,
  timeuuid: 15,
  inet: 16,
  date: 17,
  time: 18,
  smallint: 19,
  tinyint: 20,
  duration: 21,
};

const MARSHAL: Record<string, string> = {
  ascii: "AsciiType",
  bigint: "LongType",
  blob: "BytesType",
  boolean: "BooleanType",
  counter: "CounterColumnType",
  decimal: "DecimalType",
  double: "DoubleType",
  float: "FloatType",
  int: "Int32Type",
  timestamp: "TimestampType",
  uuid: "UUIDType",
  varchar: "UTF8Type",
  varint: "IntegerType",
  timeuuid: "TimeUUIDType",
  inet: "InetAddressType",
  date: "SimpleDateType",
  time: "TimeType",
  smallint: "ShortType",
  tinyint: "ByteType",
  duration: "DurationType",
};
const PKG = "org.apache.cassandra.db.marshal.";

/** The marshal class name of a type, as Cassandra writes it in custom type options. */
function marshalName(t: DataType): string {
  switch (t.kind) {
    case "custom":
      return t.className;
    case "list":
      return `${PKG}ListType(${marshalName(t.element)})`;
    case "set":
      return `${PKG}SetType(${marshalName(t.element)})`;
    case "map":
      return `${PKG}MapType(${marshalName(t.key)},${marshalName(t.value)})`;
    case "tuple":
      return `${PKG}TupleType(${t.elements.map(marshalName).join(",")})`;
    case "vector":
      return `${PKG}VectorType(${marshalName(t.element)} , ${t.dimension})`;
    case "udt":
      return `${PKG}UserType(${t.keyspace},${t.name})`;
    default:
      return PKG + MARSHAL[t.kind];
  }
}

/** A type as cassandra-driver's reader describes it: `{ code, type: null, info? }`. */
export function typeInfoOf(t: DataType): DataTypeInfo {
  switch (t.kind) {
    case "custom":
      return { code: 0, type: null, info: t.className };
    case "vector":
      return { code: 0, type: null, info: marshalName(t) };
    case "list":
      return { code: 0x20, type: null, info: typeInfoOf(t.element) };
    case "set":
      return { code: 0x22, type: null, info: typeInfoOf(t.element) };
    case "map":
      return { code: 0x21, type: null, info: [typeInfoOf(t.key), typeInfoOf(t.value)] };
    case "udt":
      return {
        code: 0x30,
        type: null,
        info: {
          keyspace: t.keyspace,
          name: t.name,
          fields: t.fields.map((f) => ({ name: f.name, type: typeInfoOf(f.type) })),
        },
      };
    case "tuple":
      return { code: 0x31, type: null, info: t.elements.map(typeInfoOf) };
    case "duration":
      // cassandra-driver reads duration columns as the custom type they are on the wire.
      return { code: 0, type: null, info: PKG + "DurationType" };
    default:
      return { code: CODES[t.kind], type: null };
  }
}

const columnsCache = new WeakMap<readonly ColumnSpec[], ColumnInfo[]>();

/**
 * `rs.columns` for native column specs: `{ name, type }` each, with `ksname` and `tablename`
 * only when the columns come from several tables (the server then names them per column).
 */
export function columnsOf(specs: readonly ColumnSpec[]): ColumnInfo[] {
  let cols = columnsCache.get(specs);
  if (cols === undefined) {
    const one = specs.every((c) => c.keyspace === specs[0].keyspace && c.table === specs[0].table);
    cols = specs.map((c) =>
      one ? { name: c.name, type: typeInfoOf(c.type) } : {
        ksname: c.keyspace,
        tablename: c.table,
        name: c.name,
        type: typeInfoOf(c.type),
      }
    );
    columnsCache.set(specs, cols);
  }
  return cols;
}

const toLong: Convert = (v) => longFromBigInt(v as bigint);
const toInteger: Convert = (v) => Integer.fromBigInt(v as bigint);
const toBigDecimal: Convert = (v) => {
  const d = v as Decimal;
  return new BigDecimal(Integer.fromBigInt(d.unscaled), d.scale);
};
const toBlobValue: Convert = (v) => toBlob(v as Uint8Array);
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE["0123456789abcdef".charCodeAt(i)] = i;
  HEX_VALUE["0123456789ABCDEF".charCodeAt(i)] = i;
}

/** The bytes of a uuid string the native decoder wrote (always well formed): no regex. */
function uuidBytes(s: string): Uint8Array {
  if (s.length !== 36) return toBlob(parseUuid(s));
  const b = allocBlob(16);
  let j = 0;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i++;
    b[j++] = (HEX_VALUE[s.charCodeAt(i)] << 4) | HEX_VALUE[s.charCodeAt(i + 1)];
  }
  return b;
}

const toUuid: Convert = (v) => new Uuid(uuidBytes(v as string));
const toTimeUuid: Convert = (v) => new TimeUuid(uuidBytes(v as string));
const toInet: Convert = (v) => new InetAddress(toBlob(parseInet(v as string)));
const toLocalDate: Convert = (v) => new LocalDate((v as NativeLocalDate).days);
const toLocalTime: Convert = (v) => LocalTime.fromBigInt((v as NativeLocalTime).nanos);
const toDuration: Convert = (v) => {
  const d = v as NativeDuration;
  return new Duration(d.months, d.days, longFromBigInt(d.nanoseconds));
};

/** The converter of a type, or null when the native value is already cassandra-driver's. */
function converterOf(t: DataType, enc: EncodingOptions): Convert | null {
  switch (t.kind) {
    case "bigint":
    case "counter":
      return enc.useBigIntAsLong ? null : toLong;
    case "varint":
      return enc.useBigIntAsVarint ? null : toInteger;
    case "decimal":
      return toBigDecimal;
    case "blob":
    case "custom":
      return toBlobValue;
    case "uuid":
      return toUuid;
    case "timeuuid":
      return toTimeUuid;
    case "inet":
      return toInet;
    case "date":
      return toLocalDate;
    case "time":
      return toLocalTime;
    case "duration":
      return toDuration;
    case "list":
    case "set": {
      const e = converterOf(t.element, enc);
      const Set = t.kind === "set" ? enc.set : undefined;
      if (Set !== undefined) {
        return (v) => {
          const s = new Set();
          for (const x of v as unknown[]) s.add(x === null || e === null ? x : e(x));
          return s;
        };
      }
      if (e === null) return null;
      return (v) => (v as unknown[]).map((x) => (x === null ? x : e(x)));
    }
    case "map": {
      const k = converterOf(t.key, enc) ?? ((x: unknown) => x);
      const val = converterOf(t.value, enc) ?? ((x: unknown) => x);
      const MapClass = enc.map;
      return (v) => {
        if (MapClass !== undefined) {
          const m = new MapClass();
          for (const [a, b] of v as Map<unknown, unknown>) m.set(k(a), b === null ? b : val(b));
          return m;
        }
        const o: Record<string, unknown> = {};
        // Keys become property names through their string form, as in cassandra-driver.
        for (const [a, b] of v as Map<unknown, unknown>) o[String(k(a))] = b === null ? b : val(b);
        return o;
      };
    }
    case "tuple": {
      const cs = t.elements.map((x) => converterOf(x, enc));
      return (v) =>
        Tuple.fromArray(
          (v as unknown[]).map((x, i) => (x === null || cs[i] === null ? x : cs[i]!(x))),
        );
    }
    case "udt": {
      const fs = t.fields.map((f) => ({ name: f.name, c: converterOf(f.type, enc) }));
      return (v) => {
        const src = v as Record<string, unknown>;
        const o: Record<string, unknown> = {};
        for (const f of fs) {
          const x = src[f.name];
          o[f.name] = x === null || x === undefined || f.c === null ? (x ?? null) : f.c(x);
        }
        return o;
      };
    }
    case "vector": {
      const e = converterOf(t.element, enc);
      const subtype = t.element.kind === "custom" ? t.element.className : t.element.kind;
      return (v) => {
        const arr = Array.from(
          v as ArrayLike<unknown>,
          (x) => (x === null || e === null ? x : e(x)),
        );
        return new Vector(arr, subtype === "varchar" ? "text" : subtype);
      };
    }
    default:
      return null;
  }
}

/** Row builders of one client, per column list (its encoding options are fixed). */
export class RowConverters {
  readonly #enc: EncodingOptions;
  readonly #cache = new WeakMap<readonly ColumnSpec[], RowBuilder>();

  /** Converters for a client with these encoding options. */
  constructor(enc: EncodingOptions) {
    this.#enc = enc;
  }

  /** The builder of rows of `specs`. */
  builder(specs: readonly ColumnSpec[]): RowBuilder {
    let b = this.#cache.get(specs);
    if (b === undefined) {
      b = rowBuilder(
        specs.map((s) => s.name),
        specs.map((s) => converterOf(s.type, this.#enc)),
        rowPrototypeFor(columnsOf(specs)),
        (compiled) => this.#cache.set(specs, compiled),
      );
      this.#cache.set(specs, b);
    }
    return b;
  }
}
