/**
 * `types.Long`: the `long` package's class, which is what cassandra-driver hands out for
 * `bigint` and `counter` values, with the helpers cassandra-driver adds to it.
 *
 * @module
 */
import LongClass from "long";
import { allocBlob, readInt32BE, writeUInt32BE } from "../buffer.ts";

/** A 64-bit two's complement integer (the `long` package). */
export type Long = LongClass;

/** The `Long` class with cassandra-driver's `fromBuffer` and `toBuffer`. */
export type LongConstructor = typeof LongClass & {
  /** Reads 8 big-endian bytes. */
  fromBuffer(value: Uint8Array): Long;
  /** The 8 big-endian bytes of `value`. */
  toBuffer(value: Long): Uint8Array;
};

const L = LongClass as LongConstructor;
const proto = L.prototype as Long & { inspect?: () => string; toJSON?: () => string };

// cassandra-driver adds these to the same class; values serialise to JSON as decimal strings.
if (typeof L.fromBuffer !== "function") {
  L.fromBuffer = (value: Uint8Array): Long => {
    if (!(value instanceof Uint8Array)) throw new TypeError(`Expected Buffer, obtained ${value}`);
    return new L(readInt32BE(value, 4), readInt32BE(value, 0));
  };
}
if (typeof L.toBuffer !== "function") {
  L.toBuffer = (value: Long): Uint8Array => {
    if (!(value instanceof L)) throw new TypeError(`Expected Long, obtained ${value}`);
    const b = allocBlob(8);
    writeUInt32BE(b, value.getHighBitsUnsigned(), 0);
    writeUInt32BE(b, value.getLowBitsUnsigned(), 4);
    return b;
  };
}
if (typeof proto.inspect !== "function") {
  proto.inspect = function (this: Long) {
    return `Long: ${this.toString()}`;
  };
}
if (typeof proto.toJSON !== "function") {
  proto.toJSON = function (this: Long) {
    return this.toString();
  };
}

/** The `Long` class (the `long` package's, shared with anyone importing it). */
export const Long: LongConstructor = L;

/** A bigint as a Long (two's complement, wrapped to 64 bits). */
export function longFromBigInt(v: bigint): Long {
  // Most values fit in a double exactly: splitting the number is a third of the BigInt ops' cost.
  const n = Number(v);
  if (n >= -MAX_SAFE && n <= MAX_SAFE) return new L(n | 0, Math.floor(n / TWO_32) | 0);
  return new L(Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TWO_32 = 4294967296;

/** A Long as a bigint. */
export function bigIntFromLong(l: Long): bigint {
  return (BigInt(l.high) << 32n) | BigInt(l.low >>> 0);
}
