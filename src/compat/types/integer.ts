/**
 * `types.Integer`: an arbitrary-precision integer (CQL `varint`), with the API of Closure's
 * `goog.math.Integer` that cassandra-driver exposes, computed on a native `bigint`.
 *
 * @module
 */
import { allocBlob } from "../buffer.ts";

const TWO_32 = 4294967296;

function checkRadix(radix: number): void {
  if (radix < 2 || 36 < radix) throw new Error(`radix out of range: ${radix}`);
}

/**
 * An arbitrary-precision signed integer.
 *
 * @example
 * ```ts
 * import { types } from "@cql/driver/compat";
 * const n = types.Integer.fromString("123456789012345678901234567890");
 * n.add(types.Integer.ONE).toString(); // "123456789012345678901234567891"
 * ```
 */
export class Integer {
  /** Zero. */
  static readonly ZERO: Integer = new Integer(0n);
  /** One. */
  static readonly ONE: Integer = new Integer(1n);

  readonly #v: bigint;

  /**
   * From 32-bit words, least significant first, and the sign of every word above them
   * (0 or -1), as `goog.math.Integer` takes them; or from a bigint.
   */
  constructor(bits: readonly number[] | bigint, sign?: number) {
    if (typeof bits === "bigint") {
      this.#v = bits;
      return;
    }
    let v = 0n;
    for (let i = bits.length - 1; i >= 0; i--) v = (v << 32n) | BigInt((bits[i] | 0) >>> 0);
    if (sign === -1) v -= 1n << BigInt(32 * bits.length);
    this.#v = v;
  }

  /** From a 32-bit integer. */
  static fromInt(value: number): Integer {
    return new Integer(BigInt(value | 0));
  }

  /** From a number, truncated toward zero; NaN and infinities give zero. */
  static fromNumber(value: number): Integer {
    if (isNaN(value) || !isFinite(value)) return Integer.ZERO;
    return new Integer(BigInt(Math.trunc(value)));
  }

  /** From 32-bit words, least significant first; the last word's top bit is the sign. */
  static fromBits(bits: readonly number[]): Integer {
    const high = bits[bits.length - 1];
    return new Integer(bits, high & (1 << 31) ? -1 : 0);
  }

  /** From a bigint. */
  static fromBigInt(value: bigint): Integer {
    return new Integer(value);
  }

  /** Parses digits in `radix` (default 10), with an optional leading "-". */
  static fromString(str: string, radix?: number): Integer {
    if (str.length === 0) throw new TypeError("number format error: empty string");
    const r = radix || 10;
    checkRadix(r);
    if (str.charAt(0) === "-") return Integer.fromString(str.substring(1), r).negate();
    if (str.indexOf("-") >= 0) throw new TypeError('number format error: interior "-" character');
    // Eight digits at a time through parseInt, as goog.math.Integer does: what parseInt makes of
    // a chunk (NaN is zero) is what the chunk is worth.
    let v = 0n;
    for (let i = 0; i < str.length; i += 8) {
      const size = Math.min(8, str.length - i);
      const chunk = parseInt(str.substring(i, i + size), r);
      v = v * BigInt(r) ** BigInt(size) + (isNaN(chunk) ? 0n : BigInt(chunk));
    }
    return new Integer(v);
  }

  /** From big-endian two's complement bytes (empty is zero). */
  static fromBuffer(buf: Uint8Array): Integer {
    if (buf.length === 0) return Integer.ZERO;
    let v = 0n;
    for (let i = 0; i < buf.length; i++) v = (v << 8n) | BigInt(buf[i]);
    return new Integer(BigInt.asIntN(buf.length * 8, v));
  }

  /** The shortest big-endian two's complement bytes of `value`. */
  static toBuffer(value: Integer): Uint8Array {
    const v = value.#v;
    let n = 1;
    while (BigInt.asIntN(n * 8, v) !== v) n++;
    const b = allocBlob(n);
    let x = BigInt.asUintN(n * 8, v);
    for (let i = n - 1; i >= 0; i--) {
      b[i] = Number(x & 0xffn);
      x >>= 8n;
    }
    return b;
  }

  /** The value as a bigint. */
  toBigInt(): bigint {
    return this.#v;
  }

  /** The low 32 bits as a signed integer. */
  toInt(): number {
    return Number(BigInt.asIntN(32, this.#v));
  }

  /** The closest number (summed word by word, as goog.math.Integer does). */
  toNumber(): number {
    if (this.#v < 0n) return -new Integer(-this.#v).toNumber();
    let v = this.#v, val = 0, pow = 1;
    while (v > 0n) {
      val += Number(v & 0xffffffffn) * pow;
      pow *= TWO_32;
      v >>= 32n;
    }
    return val;
  }

  /** Digits in `radix` (default 10). */
  toString(radix?: number): string {
    const r = radix || 10;
    checkRadix(r);
    return this.#v.toString(r);
  }

  /** The decimal string. */
  toJSON(): string {
    return this.toString();
  }

  /** The class name and the decimal string. */
  inspect(): string {
    return `Integer: ${this.toString()}`;
  }

  /** The 32-bit word at `index` (0 is the least significant), signed. */
  getBits(index: number): number {
    if (index < 0) return 0;
    return Number(BigInt.asIntN(32, this.#v >> BigInt(32 * index)));
  }

  /** The 32-bit word at `index`, unsigned. */
  getBitsUnsigned(index: number): number {
    const b = this.getBits(index);
    return b >= 0 ? b : TWO_32 + b;
  }

  /** -1 for negative values, 0 otherwise. */
  getSign(): number {
    return this.#v < 0n ? -1 : 0;
  }

  /** True for zero. */
  isZero(): boolean {
    return this.#v === 0n;
  }

  /** True below zero. */
  isNegative(): boolean {
    return this.#v < 0n;
  }

  /** True for odd values. */
  isOdd(): boolean {
    return (this.#v & 1n) === 1n;
  }

  /** True when `other` is an Integer of the same value. */
  equals(other: Integer): boolean {
    return other instanceof Integer && other.#v === this.#v;
  }

  /** The opposite of {@link Integer.equals}. */
  notEquals(other: Integer): boolean {
    return !this.equals(other);
  }

  /** -1, 0 or 1. */
  compare(other: Integer): number {
    const d = this.#v - other.#v;
    return d < 0n ? -1 : d === 0n ? 0 : 1;
  }

  /** this > other. */
  greaterThan(other: Integer): boolean {
    return this.#v > other.#v;
  }

  /** this >= other. */
  greaterThanOrEqual(other: Integer): boolean {
    return this.#v >= other.#v;
  }

  /** this < other. */
  lessThan(other: Integer): boolean {
    return this.#v < other.#v;
  }

  /** this <= other. */
  lessThanOrEqual(other: Integer): boolean {
    return this.#v <= other.#v;
  }

  /** The low `numBits` bits, sign-extended. */
  shorten(numBits: number): Integer {
    return new Integer(BigInt.asIntN(numBits, this.#v));
  }

  /** -this. */
  negate(): Integer {
    return new Integer(-this.#v);
  }

  /** |this|. */
  abs(): Integer {
    return this.#v < 0n ? this.negate() : this;
  }

  /** this + other. */
  add(other: Integer): Integer {
    return new Integer(this.#v + other.#v);
  }

  /** this - other. */
  subtract(other: Integer): Integer {
    return new Integer(this.#v - other.#v);
  }

  /** this × other. */
  multiply(other: Integer): Integer {
    return new Integer(this.#v * other.#v);
  }

  /** this / other, truncated toward zero. */
  divide(other: Integer): Integer {
    if (other.#v === 0n) throw new Error("division by zero");
    return new Integer(this.#v / other.#v);
  }

  /** The remainder of {@link Integer.divide} (the sign of this). */
  modulo(other: Integer): Integer {
    if (other.#v === 0n) throw new Error("division by zero");
    return new Integer(this.#v % other.#v);
  }

  /** Bitwise not. */
  not(): Integer {
    return new Integer(~this.#v);
  }

  /** Bitwise and. */
  and(other: Integer): Integer {
    return new Integer(this.#v & other.#v);
  }

  /** Bitwise or. */
  or(other: Integer): Integer {
    return new Integer(this.#v | other.#v);
  }

  /** Bitwise xor. */
  xor(other: Integer): Integer {
    return new Integer(this.#v ^ other.#v);
  }

  /** this << numBits. */
  shiftLeft(numBits: number): Integer {
    return new Integer(this.#v << BigInt(numBits));
  }

  /** this >> numBits (arithmetic). */
  shiftRight(numBits: number): Integer {
    return new Integer(this.#v >> BigInt(numBits));
  }
}
