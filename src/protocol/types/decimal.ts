/**
 * The `decimal` value class: an arbitrary-precision decimal number held exactly.
 *
 * @module
 */

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
// Beyond this many padding zeros toString switches to exponent form: a scale near ±2^31 would
// otherwise build a string of billions of characters.
const MAX_PLAIN_PADDING = 1000;

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * An exact decimal number `unscaled × 10^-scale`, the JavaScript value of CQL `decimal`.
 *
 * @example
 * ```ts
 * const d = Decimal.fromString("-12.3400");
 * d.unscaled; // -123400n
 * d.scale; // 4
 * d.toString(); // "-12.3400"
 * ```
 */
export class Decimal {
  /** The integer digits, sign included. */
  readonly unscaled: bigint;
  /** Power of ten to divide by; a 32-bit signed integer (negative scales multiply). */
  readonly scale: number;

  /** Creates `unscaled × 10^-scale`; throws TypeError unless `scale` is a 32-bit integer. */
  constructor(unscaled: bigint, scale: number) {
    if (typeof unscaled !== "bigint") {
      throw new TypeError("Decimal unscaled value must be a bigint");
    }
    if (!Number.isInteger(scale) || scale < INT32_MIN || scale > INT32_MAX) {
      throw new TypeError(`Decimal scale must be a 32-bit integer, got ${scale}`);
    }
    this.unscaled = unscaled;
    this.scale = scale;
  }

  /**
   * Parses plain (`"123.45"`, `"-0.001"`) or exponent (`"1.5e-7"`) notation exactly; the scale
   * keeps trailing zeros (`"1.10"` has scale 2). Throws TypeError on anything else.
   */
  static fromString(s: string): Decimal {
    const m = DECIMAL_RE.exec(s.trim());
    if (m === null || (m[2] === "" && (m[3] === undefined || m[3] === ""))) {
      throw new TypeError(`not a decimal number: ${JSON.stringify(s)}`);
    }
    const frac = m[3] ?? "";
    const digits = (m[2] + frac).replace(/^0+(?=\d)/, "");
    const exp = m[4] === undefined ? 0 : Number(m[4]);
    const scale = frac.length - exp;
    if (!Number.isSafeInteger(exp) || scale < INT32_MIN || scale > INT32_MAX) {
      throw new TypeError(`decimal exponent out of range: ${JSON.stringify(s)}`);
    }
    const u = BigInt(digits === "" ? "0" : digits);
    return new Decimal(m[1] === "-" ? -u : u, scale);
  }

  /**
   * Converts a finite number using its shortest round-trip decimal form, so `0.1` becomes
   * exactly `0.1` (not the binary expansion).
   */
  static fromNumber(n: number): Decimal {
    if (!Number.isFinite(n)) throw new TypeError(`not a finite number: ${n}`);
    return Decimal.fromString(String(n));
  }

  /**
   * Plain notation with exactly `scale` fraction digits (`"-12.3400"`, `"1200"` for
   * 12 with scale -2). Scales needing more than 1000 padding zeros use `"<unscaled>E<exp>"`.
   */
  toString(): string {
    const neg = this.unscaled < 0n;
    const digits = (neg ? -this.unscaled : this.unscaled).toString();
    const sign = neg ? "-" : "";
    const scale = this.scale;
    if (scale <= 0) {
      if (scale === 0 || this.unscaled === 0n) return sign + digits;
      if (-scale > MAX_PLAIN_PADDING) return `${sign}${digits}E+${-scale}`;
      return sign + digits + "0".repeat(-scale);
    }
    if (digits.length > scale) {
      return `${sign}${digits.slice(0, digits.length - scale)}.${
        digits.slice(digits.length - scale)
      }`;
    }
    if (scale - digits.length > MAX_PLAIN_PADDING) return `${sign}${digits}E-${scale}`;
    return `${sign}0.${"0".repeat(scale - digits.length)}${digits}`;
  }

  /** The nearest double (may round, overflow to ±Infinity or underflow to 0). */
  toNumber(): number {
    return Number(this.toString());
  }

  /** True when both have the same unscaled value and scale (so `1.0` differs from `1.00`). */
  equals(other: Decimal): boolean {
    return this.unscaled === other.unscaled && this.scale === other.scale;
  }

  /** JSON form: the exact string, since a JSON number could lose digits. */
  toJSON(): string {
    return this.toString();
  }
}
