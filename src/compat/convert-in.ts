/**
 * Parameters in: cassandra-driver's value representations turned into native ones. Prepared
 * statements get native values (the server's types drive the encoding); unprepared ones get
 * their bytes, encoded by the type cassandra-driver would guess, or by the hint given.
 *
 * @module
 */
import type { DataType } from "../protocol/types/datatype.ts";
import { primitive } from "../protocol/types/datatype.ts";
import { encodeValue } from "../protocol/types/codec.ts";
import { Decimal } from "../protocol/types/decimal.ts";
import { Duration as NativeDuration } from "../protocol/types/duration.ts";
import { LocalDate as NativeLocalDate } from "../protocol/types/local-date.ts";
import { LocalTime as NativeLocalTime } from "../protocol/types/local-time.ts";
import { unset as nativeUnset } from "../protocol/types/unset.ts";
import { parseCqlType } from "../metadata/cql-type.ts";
import { BigDecimal } from "./types/big-decimal.ts";
import { unset } from "./types/constants.ts";
import { Duration } from "./types/duration.ts";
import { InetAddress } from "./types/inet-address.ts";
import { Integer } from "./types/integer.ts";
import { LocalDate } from "./types/local-date.ts";
import { LocalTime } from "./types/local-time.ts";
import { bigIntFromLong, Long } from "./types/long.ts";
import { Tuple } from "./types/tuple.ts";
import { Uuid } from "./types/uuid.ts";
import { Vector } from "./types/vector.ts";

/** Parameters as cassandra-driver takes them. */
export type CompatParams = readonly unknown[] | Readonly<Record<string, unknown>>;

/** A type hint: a CQL type name ("map<text, int>"), a type code, or `{ code, info }`. */
export type TypeHint = string | number | { code: number; info?: unknown } | null | undefined;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The native form of one value (recursively for collections, tuples and UDT objects). */
export function toNative(v: unknown, undefinedAsUnset: boolean): unknown {
  if (v === null) return v;
  if (v === undefined) return undefinedAsUnset ? nativeUnset : null;
  if (typeof v !== "object") return v;
  if (v === unset) return nativeUnset;
  if (v instanceof Uint8Array || v instanceof Date) return v;
  if (v instanceof Long) return bigIntFromLong(v);
  if (v instanceof Uuid || v instanceof InetAddress) return v.buffer;
  if (v instanceof Integer) return v.toBigInt();
  if (v instanceof BigDecimal) return new Decimal(v.unscaledValue.toBigInt(), v.scale);
  if (v instanceof LocalDate) return NativeLocalDate.fromDays(v.daysSinceEpoch);
  if (v instanceof LocalTime) return new NativeLocalTime(v.toBigInt());
  if (v instanceof Duration) {
    return new NativeDuration(v.months, v.days, bigIntFromLong(v.nanoseconds));
  }
  if (v instanceof Tuple) return v.elements.map((x) => toNative(x, false));
  if (v instanceof Vector) return v.elements.map((x) => toNative(x, false));
  if (Array.isArray(v)) return v.map((x) => toNative(x, false));
  if (v instanceof Map) {
    const m = new Map<unknown, unknown>();
    for (const [k, x] of v) m.set(toNative(k, false), toNative(x, false));
    return m;
  }
  if (v instanceof Set) {
    const s = new Set<unknown>();
    for (const x of v) s.add(toNative(x, false));
    return s;
  }
  if (ArrayBuffer.isView(v)) return v;
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v)) o[k] = toNative((v as Record<string, unknown>)[k], false);
  return o;
}

/**
 * The native form of one parameter. An empty list or set is bound as null, as cassandra-driver
 * does (Cassandra stores an empty collection as no collection at all).
 */
export function paramToNative(v: unknown, undefinedAsUnset: boolean): unknown {
  if ((Array.isArray(v) && v.length === 0) || (v instanceof Set && v.size === 0)) return null;
  return toNative(v, undefinedAsUnset);
}

/** Whether every value is null or a primitive other than undefined (which may mean unset). */
function allPrimitive(values: readonly unknown[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined || (v !== null && typeof v === "object")) return false;
  }
  return true;
}

/** Native parameters for a prepared statement. */
export function preparedParams(
  params: CompatParams | null | undefined,
  undefinedAsUnset: boolean,
): CompatParams | undefined {
  if (params === null || params === undefined) return undefined;
  if (Array.isArray(params)) {
    // Most parameters are numbers, strings and the like, which pass as they are: then the
    // array does too, with no copy (the native client only reads it).
    if (allPrimitive(params)) return params;
    return params.map((v) => paramToNative(v, undefinedAsUnset));
  }
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(params)) {
    o[k] = paramToNative((params as Record<string, unknown>)[k], undefinedAsUnset);
  }
  return o;
}

const CODE_TYPES: Record<number, DataType> = {
  1: primitive("ascii"),
  2: primitive("bigint"),
  3: primitive("blob"),
  4: primitive("boolean"),
  5: primitive("counter"),
  6: primitive("decimal"),
  7: primitive("double"),
  8: primitive("float"),
  9: primitive("int"),
  10: primitive("varchar"),
  11: primitive("timestamp"),
  12: primitive("uuid"),
  13: primitive("varchar"),
  14: primitive("varint"),
  15: primitive("timeuuid"),
  16: primitive("inet"),
  17: primitive("date"),
  18: primitive("time"),
  19: primitive("smallint"),
  20: primitive("tinyint"),
  21: primitive("duration"),
};

/** The native type of a hint; null when the hint leaves the type to be guessed. */
export function hintType(hint: TypeHint, value: unknown): DataType | null {
  if (hint === null || hint === undefined) return null;
  if (typeof hint === "string") return parseCqlType(hint);
  if (typeof hint === "number") return fromCode({ code: hint }, value);
  return fromCode(hint, value);
}

function fromCode(
  h: { code: number; info?: unknown; customTypeName?: string },
  v: unknown,
): DataType {
  const simple = CODE_TYPES[h.code];
  if (simple !== undefined) return simple;
  const info = h.info as TypeHint | TypeHint[] | undefined;
  const sub = (x: TypeHint, sample: unknown): DataType =>
    hintType(x, sample) ?? guessType(sample) ?? primitive("varchar");
  const first = firstOf(v);
  switch (h.code) {
    case 0x20:
    case 0x22:
      return { kind: h.code === 0x20 ? "list" : "set", element: sub(info as TypeHint, first) };
    case 0x21: {
      const [k, x] = Array.isArray(info) ? info : [undefined, undefined];
      const entry = firstEntry(v);
      return { kind: "map", key: sub(k, entry[0]), value: sub(x, entry[1]) };
    }
    case 0x31: {
      const elems = Array.isArray(info) ? info : [];
      const vals = v instanceof Tuple ? v.elements : [];
      return { kind: "tuple", elements: elems.map((e, i) => sub(e, vals[i])) };
    }
    case 0x00:
      if (h.customTypeName === "vector" && Array.isArray(info)) {
        return { kind: "vector", element: sub(info[0], first), dimension: Number(info[1]) };
      }
      if (typeof info === "string") return parseCqlType(`'${info}'`);
  }
  throw new TypeError(`Type with code ${h.code} not supported as a hint`);
}

function firstOf(v: unknown): unknown {
  if (Array.isArray(v) || v instanceof Set) { for (const x of v) if (x != null) return x; }
  if (v instanceof Vector) return v.elements[0];
  return undefined;
}

function firstEntry(v: unknown): [unknown, unknown] {
  if (v instanceof Map) { for (const e of v) return e; }
  if (v !== null && typeof v === "object") {
    for (const k of Object.keys(v)) return [k, (v as Record<string, unknown>)[k]];
  }
  return [undefined, undefined];
}

/** The type cassandra-driver guesses for an unhinted value of an unprepared statement. */
export function guessType(v: unknown): DataType | null {
  switch (typeof v) {
    case "number":
      return primitive("double");
    case "string":
      return v.length === 36 && UUID_RE.test(v) ? primitive("uuid") : primitive("varchar");
    case "boolean":
      return primitive("boolean");
    case "bigint":
      return primitive("bigint");
  }
  if (v instanceof Uint8Array) return primitive("blob");
  if (v instanceof Date) return primitive("timestamp");
  if (v instanceof Long) return primitive("bigint");
  if (v instanceof Integer) return primitive("varint");
  if (v instanceof BigDecimal) return primitive("decimal");
  if (v instanceof Uuid) return primitive("uuid");
  if (v instanceof InetAddress) return primitive("inet");
  if (v instanceof LocalDate) return primitive("date");
  if (v instanceof LocalTime) return primitive("time");
  if (v instanceof Duration) return primitive("duration");
  if (v instanceof Tuple) {
    return {
      kind: "tuple",
      elements: v.elements.map((x) => guessType(x) ?? primitive("varchar")),
    };
  }
  if (v instanceof Vector || v instanceof Float32Array) {
    const first = v instanceof Vector ? v.elements[0] : v[0];
    const element = (v instanceof Vector && v.subtype ? parseSubtype(v.subtype) : null) ??
      guessType(first);
    if (element === null) throw new TypeError(`Cannot guess subtype from element ${first}`);
    return { kind: "vector", element, dimension: v.length };
  }
  if (Array.isArray(v)) {
    const first = firstOf(v);
    return {
      kind: "list",
      element: first === undefined
        ? primitive("varchar")
        : guessType(first) ?? primitive("varchar"),
    };
  }
  return null;
}

function parseSubtype(s: string): DataType | null {
  try {
    return parseCqlType(s);
  } catch {
    return null;
  }
}

/** The value of an unprepared parameter: its bytes (sent as they are), null or unset. */
function unpreparedValue(
  v: unknown,
  hint: TypeHint,
  name: string,
  undefinedAsUnset: boolean,
): unknown {
  if (v === null) return null;
  if (v === undefined) return undefinedAsUnset ? nativeUnset : null;
  if (v === unset) return nativeUnset;
  if ((Array.isArray(v) && v.length === 0) || (v instanceof Set && v.size === 0)) return null;
  const type = hintType(hint, v) ?? guessType(v);
  if (type === null) {
    throw new TypeError(
      `Target data type could not be guessed, you should use prepared statements for accurate type mapping. Value: ${v}`,
    );
  }
  return encodeValue(type, toNative(v, false), name);
}

/** Native parameters for an unprepared statement: each value's bytes. */
export function unpreparedParams(
  params: CompatParams | null | undefined,
  hints: readonly TypeHint[] | Readonly<Record<string, TypeHint>> | null | undefined,
  undefinedAsUnset: boolean,
): CompatParams | undefined {
  if (params === null || params === undefined) return undefined;
  if (Array.isArray(params)) {
    const hs = Array.isArray(hints) ? hints : [];
    return params.map((v, i) => unpreparedValue(v, hs[i], `#${i}`, undefinedAsUnset));
  }
  const hs = (hints !== null && typeof hints === "object" && !Array.isArray(hints))
    ? hints as Readonly<Record<string, TypeHint>>
    : {};
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(params)) {
    o[k] = unpreparedValue((params as Record<string, unknown>)[k], hs[k], k, undefinedAsUnset);
  }
  return o;
}
