/**
 * Type inference for values bound to unprepared queries, where the server gives no types.
 *
 * @module
 */
import { type DataType, primitive } from "./datatype.ts";
import { Decimal } from "./decimal.ts";
import { Duration } from "./duration.ts";
import { LocalDate } from "./local-date.ts";
import { LocalTime } from "./local-time.ts";
import { unset } from "./unset.ts";

const MAX_DEPTH = 64;

/**
 * Picks a CQL type for a JavaScript value, as the DataStax drivers do for unprepared queries:
 * string → varchar, number → double (JavaScript numbers are doubles; to write an `int` column,
 * prepare the statement or pass a type hint), bigint → bigint, boolean → boolean,
 * Date → timestamp, Uint8Array → blob, Decimal → decimal, LocalDate → date, LocalTime → time,
 * Duration → duration, Float32Array → vector<float, n>, Float64Array → vector<double, n>,
 * Array → list and Set → set of the first non-null element's type, Map → map of the first
 * entry's types (empty collections and all-null ones use varchar). UUID strings stay varchar,
 * which Cassandra accepts for uuid columns only as literals, so prepare such queries.
 *
 * Returns null for null, undefined and {@link unset} (the caller writes those markers). Throws
 * TypeError for values with no CQL counterpart (plain objects, symbols, functions).
 */
export function inferType(value: unknown, name = "value"): DataType | null {
  return infer(value, name, 0);
}

function infer(v: unknown, name: string, depth: number): DataType | null {
  if (v === null || v === undefined || (typeof v === "symbol" && v === unset)) return null;
  if (depth > MAX_DEPTH) throw new TypeError(`${JSON.stringify(name)}: value nested too deeply`);
  switch (typeof v) {
    case "string":
      return primitive("varchar");
    case "number":
      return primitive("double");
    case "bigint":
      return primitive("bigint");
    case "boolean":
      return primitive("boolean");
  }
  if (v instanceof Date) return primitive("timestamp");
  if (v instanceof Uint8Array) return primitive("blob");
  if (v instanceof Decimal) return primitive("decimal");
  if (v instanceof LocalDate) return primitive("date");
  if (v instanceof LocalTime) return primitive("time");
  if (v instanceof Duration) return primitive("duration");
  if (v instanceof Float32Array) {
    return { kind: "vector", element: primitive("float"), dimension: v.length };
  }
  if (v instanceof Float64Array) {
    return { kind: "vector", element: primitive("double"), dimension: v.length };
  }
  if (Array.isArray(v) || v instanceof Set) {
    let element: DataType | null = null;
    for (const e of v) {
      element = infer(e, name, depth + 1);
      if (element !== null) break;
    }
    return { kind: Array.isArray(v) ? "list" : "set", element: element ?? primitive("varchar") };
  }
  if (v instanceof Map) {
    let key: DataType | null = null;
    let value: DataType | null = null;
    for (const [k, x] of v) {
      key ??= infer(k, name, depth + 1);
      value ??= infer(x, name, depth + 1);
      if (key !== null && value !== null) break;
    }
    return {
      kind: "map",
      key: key ?? primitive("varchar"),
      value: value ?? primitive("varchar"),
    };
  }
  throw new TypeError(
    `cannot infer a CQL type for ${
      JSON.stringify(name)
    }; prepare the statement or give a type hint`,
  );
}
