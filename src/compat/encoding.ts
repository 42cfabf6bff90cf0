/**
 * `encoding` client options: how some CQL values are represented in JavaScript.
 *
 * @module
 */

/** A Map-like class to build `map` values with (for example `Map`). */
export type MapConstructorLike = new () => { set(key: unknown, value: unknown): unknown };
/** A Set-like class to build `set` values with (for example `Set`). */
export type SetConstructorLike = new () => { add(value: unknown): unknown };

/** cassandra-driver's `encoding` options. */
export interface EncodingOptions {
  /** Build `map` values with this class instead of plain objects. */
  map?: MapConstructorLike;
  /** Build `set` values with this class instead of arrays. */
  set?: SetConstructorLike;
  /** Give `bigint` and `counter` values as `bigint`, not `Long`. */
  useBigIntAsLong?: boolean;
  /** Give `varint` values as `bigint`, not `Integer`. */
  useBigIntAsVarint?: boolean;
  /** Bind `undefined` as unset rather than null (default true). */
  useUndefinedAsUnset?: boolean;
  /** Kept for compatibility: blobs are always fresh copies or unshared views. */
  copyBuffer?: boolean;
}
