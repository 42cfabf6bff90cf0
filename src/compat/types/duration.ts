/**
 * `types.Duration`: months, days and nanoseconds (CQL `duration`), with cassandra-driver's string
 * forms.
 *
 * @module
 */
import { blobOf } from "../buffer.ts";
import { bigIntFromLong, Long, longFromBigInt } from "./long.ts";
import { pushVint, readVint } from "./vint.ts";

const INT32_MAX = 0x7fffffff;
const NS_PER_US = 1000n;
const NS_PER_MS = 1000n * NS_PER_US;
const NS_PER_S = 1000n * NS_PER_MS;
const NS_PER_MIN = 60n * NS_PER_S;
const NS_PER_H = 60n * NS_PER_MIN;
const LONG_MAX = (1n << 63n) - 1n;

const STANDARD = /(\d+)(y|mo|w|d|h|s|ms|us|µs|ns|m)/gi;
const ISO = /P((\d+)Y)?((\d+)M)?((\d+)D)?(T((\d+)H)?((\d+)M)?((\d+)S)?)?/;
const ISO_WEEK = /P(\d+)W/;
const ISO_ALT = /P(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/;

/**
 * A duration.
 *
 * @example
 * ```ts
 * import { types } from "@cql/driver/compat";
 * types.Duration.fromString("1h30m").toString(); // "1h30m"
 * ```
 */
export class Duration {
  /** Months. */
  readonly months: number;
  /** Days. */
  readonly days: number;
  /** Nanoseconds. */
  readonly nanoseconds: Long;

  /** From months, days and nanoseconds (a number or a Long). */
  constructor(months: number, days: number, nanoseconds: number | Long) {
    this.months = months;
    this.days = days;
    this.nanoseconds = typeof nanoseconds === "number" ? Long.fromNumber(nanoseconds) : nanoseconds;
  }

  /** True when `other` is a Duration of the same three parts. */
  equals(other: unknown): boolean {
    return other instanceof Duration && this.months === other.months &&
      this.days === other.days && this.nanoseconds.equals(other.nanoseconds);
  }

  /** The CQL encoding: three signed vints. */
  toBuffer(): Uint8Array {
    const out: number[] = [];
    pushVint(out, BigInt(Math.trunc(this.months)));
    pushVint(out, BigInt(Math.trunc(this.days)));
    pushVint(out, bigIntFromLong(this.nanoseconds));
    return blobOf(out);
  }

  /** From the CQL encoding. */
  static fromBuffer(buffer: Uint8Array): Duration {
    const pos = { at: 0 };
    const months = Number(readVint(buffer, pos));
    const days = Number(readVint(buffer, pos));
    return new Duration(months, days, longFromBigInt(readVint(buffer, pos)));
  }

  /** Cassandra's unit form: "1y2mo3d4h5m6s7ms8us9ns", "-" first when negative. */
  toString(): string {
    let s = "";
    // Whole years are rounded, not floored (months 18 print as "2y6mo"), as in cassandra-driver.
    const part = (n: number, per: number, unit: string): number => {
      if (n === 0 || n < per) return n;
      s += (n / per).toFixed(0) + unit;
      return n % per;
    };
    const part64 = (n: bigint, per: bigint, unit: string): bigint => {
      if (n === 0n || n < per) return n;
      s += (n / per).toString() + unit;
      return n % per;
    };
    const ns = bigIntFromLong(this.nanoseconds);
    if (this.months < 0 || this.days < 0 || ns < 0n) s = "-";
    part(part(Math.abs(this.months), 12, "y"), 1, "mo");
    part(Math.abs(this.days), 1, "d");
    if (ns !== 0n) {
      // Long negation wraps: the most negative value stays negative and prints nothing more.
      let r = BigInt.asIntN(64, ns < 0n ? -ns : ns);
      r = part64(r, NS_PER_H, "h");
      r = part64(r, NS_PER_MIN, "m");
      r = part64(r, NS_PER_S, "s");
      r = part64(r, NS_PER_MS, "ms");
      r = part64(r, NS_PER_US, "us");
      part64(r, 1n, "ns");
    }
    return s;
  }

  /** Parses the unit form or ISO 8601 ("P1Y2M3DT4H5M6S", "P2W", "P0001-02-03T04:05:06"). */
  static fromString(input: string): Duration {
    const negative = input.charAt(0) === "-";
    const source = negative ? input.slice(1) : input;
    const b = new Builder(negative);
    if (source.charAt(0) === "P") {
      if (source.charAt(source.length - 1) === "W") {
        const m = whole(ISO_WEEK, source);
        return b.add(3, m[1]).build();
      }
      if (source.indexOf("-") > 0) {
        const m = whole(ISO_ALT, source);
        for (let i = 1; i <= 6; i++) b.add(i === 1 ? 1 : i === 2 ? 2 : i + 1, m[i]);
        return b.build();
      }
      const m = whole(ISO, source);
      if (m[1]) b.add(1, m[2]);
      if (m[3]) b.add(2, m[4]);
      if (m[5]) b.add(4, m[6]);
      if (m[7]) {
        if (m[8]) b.add(5, m[9]);
        if (m[10]) b.add(6, m[11]);
        if (m[12]) b.add(7, m[13]);
      }
      return b.build();
    }
    STANDARD.lastIndex = 0;
    for (let m = STANDARD.exec(source); m !== null; m = STANDARD.exec(source)) {
      const unit = UNIT_INDEX[m[2].toLowerCase()];
      if (unit === undefined) throw new TypeError(`Unknown duration symbol '${m[2]}'`);
      b.add(unit, m[1]);
    }
    return b.build();
  }
}

function whole(re: RegExp, source: string): RegExpExecArray {
  const m = re.exec(source);
  if (!m || m[0] !== source) throw new TypeError(`Unable to convert '${source}' to a duration`);
  return m;
}

const UNIT_NAMES = [
  "",
  "years",
  "months",
  "weeks",
  "days",
  "hours",
  "minutes",
  "seconds",
  "milliseconds",
  "microseconds",
  "nanoseconds",
];
const UNIT_INDEX: Record<string, number> = {
  y: 1,
  mo: 2,
  w: 3,
  d: 4,
  h: 5,
  m: 6,
  s: 7,
  ms: 8,
  "µs": 9,
  us: 9,
  ns: 10,
};
/** Months or days per unit (indexes 1-4), nanoseconds per unit (5-10). */
const PER_UNIT: readonly (number | bigint)[] = [
  0,
  12,
  1,
  7,
  1,
  NS_PER_H,
  NS_PER_MIN,
  NS_PER_S,
  NS_PER_MS,
  NS_PER_US,
  1n,
];

/** Adds units in order (each once, larger first), checking the totals fit, as Cassandra does. */
class Builder {
  #unit = 0;
  #months = 0;
  #days = 0;
  #nanos = 0n;
  constructor(readonly negative: boolean) {}

  add(unit: number, text: string): this {
    if (unit === this.#unit) {
      throw new TypeError(`Invalid duration. The ${UNIT_NAMES[unit]} are specified multiple times`);
    }
    if (unit <= this.#unit) {
      throw new TypeError(
        `Invalid duration. The ${UNIT_NAMES[this.#unit]} should be after ${UNIT_NAMES[unit]}`,
      );
    }
    this.#unit = unit;
    const per = PER_UNIT[unit];
    if (typeof per === "number") {
      const n = +text;
      const isMonths = unit <= 2;
      const total = isMonths ? this.#months : this.#days;
      if (n > (INT32_MAX - total) / per) {
        throw new TypeError(
          `Invalid duration. The total number of ${
            isMonths ? "months" : "days"
          } must be less or equal to ${INT32_MAX}`,
        );
      }
      if (isMonths) this.#months += n * per;
      else this.#days += n * per;
    } else {
      const n = BigInt.asIntN(64, BigInt(text));
      if (n > (LONG_MAX - this.#nanos) / per) {
        throw new TypeError(
          `Invalid duration. The total number of nanoseconds must be less or equal to ${LONG_MAX}`,
        );
      }
      this.#nanos += n * per;
    }
    return this;
  }

  build(): Duration {
    const n = this.negative ? -this.#nanos : this.#nanos;
    return this.negative
      ? new Duration(-this.#months, -this.#days, longFromBigInt(n))
      : new Duration(this.#months, this.#days, longFromBigInt(n));
  }
}
