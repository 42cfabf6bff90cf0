/**
 * `types.BigDecimal`: an arbitrary-precision decimal (CQL `decimal`): an unscaled
 * {@link Integer} and a scale, value = unscaled × 10^-scale.
 *
 * @module
 */
import { allocBlob, readInt32BE, writeUInt32BE } from "../buffer.ts";
import { Integer } from "./integer.ts";

/**
 * An arbitrary-precision decimal.
 *
 * @example
 * ```ts
 * import { types } from "@cql/driver/compat";
 * types.BigDecimal.fromString("-12.50").toString(); // "-12.50"
 * ```
 */
export class BigDecimal {
  readonly #unscaled: Integer;
  readonly #scale: number;

  /** value = unscaledValue × 10^-scale. */
  constructor(unscaledValue: Integer | number, scale: number) {
    this.#unscaled = typeof unscaledValue === "number"
      ? Integer.fromNumber(unscaledValue)
      : unscaledValue;
    this.#scale = scale;
  }

  /** The unscaled value. */
  get unscaledValue(): Integer {
    return this.#unscaled;
  }

  /** The scale. */
  get scale(): number {
    return this.#scale;
  }

  /** From the CQL encoding: a 4-byte scale, then the unscaled varint. */
  static fromBuffer(buf: Uint8Array): BigDecimal {
    return new BigDecimal(Integer.fromBuffer(buf.subarray(4)), readInt32BE(buf, 0));
  }

  /** The CQL encoding of `value`. */
  static toBuffer(value: BigDecimal): Uint8Array {
    const u = Integer.toBuffer(value.#unscaled);
    const b = allocBlob(4 + u.length);
    writeUInt32BE(b, value.#scale, 0);
    b.set(u, 4);
    return b;
  }

  /** Parses "123", "-1.50" (the scale is the number of digits after the point). */
  static fromString(value: string): BigDecimal {
    if (!value) throw new TypeError("Invalid null or undefined value");
    let v = value.trim();
    const point = v.indexOf(".");
    let scale = 0;
    if (point >= 0) {
      scale = v.length - 1 - point;
      v = v.slice(0, point) + v.slice(point + 1);
    }
    return new BigDecimal(Integer.fromString(v), scale);
  }

  /** From a number's shortest decimal form (to 20 places when that is in exponent form). */
  static fromNumber(value: number): BigDecimal {
    if (isNaN(value)) return new BigDecimal(Integer.ZERO, 0);
    let text = value.toString();
    if (text.indexOf("e") >= 0) text = value.toFixed(20);
    return BigDecimal.fromString(text);
  }

  /** True when `other` is a BigDecimal of the same value (whatever its scale). */
  equals(other: unknown): boolean {
    return other instanceof BigDecimal && this.compare(other) === 0;
  }

  /** The opposite of {@link BigDecimal.equals}. */
  notEquals(other: BigDecimal): boolean {
    return !this.equals(other);
  }

  /** -1, 0 or 1. */
  compare(other: BigDecimal): number {
    const d = this.subtract(other);
    return d.isNegative() ? -1 : d.isZero() ? 0 : 1;
  }

  // Scales are aligned through a double power of ten, as cassandra-driver does: exact up to
  // 10^22, approximate beyond.
  #aligned(other: BigDecimal): [Integer, Integer, number] {
    const a = this.#scale, b = other.#scale;
    if (a === b) return [this.#unscaled, other.#unscaled, a];
    if (a < b) {
      const f = Integer.fromNumber(Math.pow(10, b - a));
      return [this.#unscaled.multiply(f), other.#unscaled, b];
    }
    const f = Integer.fromNumber(Math.pow(10, a - b));
    return [this.#unscaled, other.#unscaled.multiply(f), a];
  }

  /** this - other. */
  subtract(other: BigDecimal): BigDecimal {
    const [x, y, s] = this.#aligned(other);
    return new BigDecimal(x.subtract(y), s);
  }

  /** this + other. */
  add(other: BigDecimal): BigDecimal {
    const [x, y, s] = this.#aligned(other);
    return new BigDecimal(x.add(y), s);
  }

  /** this > other. */
  greaterThan(other: BigDecimal): boolean {
    return this.compare(other) === 1;
  }

  /** True below zero. */
  isNegative(): boolean {
    return this.#unscaled.isNegative();
  }

  /** True for zero. */
  isZero(): boolean {
    return this.#unscaled.isZero();
  }

  /** The plain decimal form, with exactly `scale` digits after the point. */
  toString(): string {
    let digits = this.#unscaled.toString();
    if (this.#scale === 0) return digits;
    let sign = "";
    if (digits.charAt(0) === "-") {
      sign = "-";
      digits = digits.slice(1);
    }
    let at = digits.length - this.#scale;
    if (at <= 0) {
      digits = "0".repeat(-at + 1) + digits;
      at = digits.length - this.#scale;
    }
    return `${sign}${digits.slice(0, at)}.${digits.slice(at)}`;
  }

  /** The closest number. */
  toNumber(): number {
    return parseFloat(this.toString());
  }

  /** The decimal string. */
  toJSON(): string {
    return this.toString();
  }

  /** The class name and the decimal string. */
  inspect(): string {
    return `BigDecimal: ${this.toString()}`;
  }
}
