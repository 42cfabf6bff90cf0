/**
 * The `duration` value class: months, days and nanoseconds kept apart, since their lengths
 * vary (a month is not a fixed number of days, nor a day of nanoseconds across DST changes).
 *
 * @module
 */

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

const NS_PER_US = 1000n;
const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;
const NS_PER_MIN = 60n * NS_PER_S;
const NS_PER_H = 60n * NS_PER_MIN;

/** Unit suffixes in the order toString writes them; each multiplies into one of the fields. */
const UNITS: Record<string, { field: 0 | 1 | 2; factor: bigint }> = {
  y: { field: 0, factor: 12n },
  mo: { field: 0, factor: 1n },
  w: { field: 1, factor: 7n },
  d: { field: 1, factor: 1n },
  h: { field: 2, factor: NS_PER_H },
  m: { field: 2, factor: NS_PER_MIN },
  s: { field: 2, factor: NS_PER_S },
  ms: { field: 2, factor: NS_PER_MS },
  us: { field: 2, factor: NS_PER_US },
  "µs": { field: 2, factor: NS_PER_US },
  ns: { field: 2, factor: 1n },
};

const UNIT_RE = /(\d+)(mo|ms|us|µs|ns|y|w|d|h|m|s)/giy;
const ISO_RE =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;

/**
 * A CQL `duration`: months and days (32-bit) and nanoseconds (64-bit), all of one sign.
 *
 * @example
 * ```ts
 * const d = Duration.fromString("1y2mo3d4h5m6s7ms8us9ns");
 * d.months; // 14
 * d.days; // 3
 * d.toString(); // "1y2mo3d4h5m6s7ms8us9ns"
 * ```
 */
export class Duration {
  /** Number of months (a year is 12). */
  readonly months: number;
  /** Number of days (a week is 7). */
  readonly days: number;
  /** Number of nanoseconds. */
  readonly nanoseconds: bigint;

  /**
   * Creates a duration; throws TypeError unless months and days are 32-bit integers, the
   * nanoseconds a 64-bit integer, and no two parts have opposite signs (as Cassandra requires).
   */
  constructor(months: number, days: number, nanoseconds: bigint | number) {
    const ns = typeof nanoseconds === "number" && Number.isSafeInteger(nanoseconds)
      ? BigInt(nanoseconds)
      : nanoseconds;
    if (
      !Number.isInteger(months) || months < INT32_MIN || months > INT32_MAX ||
      !Number.isInteger(days) || days < INT32_MIN || days > INT32_MAX ||
      typeof ns !== "bigint" || ns < INT64_MIN || ns > INT64_MAX
    ) {
      throw new TypeError(`invalid duration parts (${months}, ${days}, ${nanoseconds})`);
    }
    const neg = months < 0 || days < 0 || ns < 0n;
    const pos = months > 0 || days > 0 || ns > 0n;
    if (neg && pos) {
      throw new TypeError(`duration parts must not have mixed signs (${months}, ${days}, ${ns})`);
    }
    // Adding 0 turns -0 into 0, so equal durations compare equal field by field.
    this.months = months + 0;
    this.days = days + 0;
    this.nanoseconds = ns;
  }

  /**
   * Parses Cassandra's unit form (`1y2mo3w4d5h6m7s8ms9us10ns`, optional leading `-`, units
   * case-insensitive, each at most once) or ISO 8601 (`P1Y2M3DT4H5M6S`, `P2W`).
   */
  static fromString(s: string): Duration {
    const bad = () => new TypeError(`not a duration: ${JSON.stringify(s)}`);
    let text = s.trim();
    const negative = text.startsWith("-");
    if (negative) text = text.slice(1);
    const acc = [0n, 0n, 0n];
    if (/^P/i.test(text)) {
      const m = ISO_RE.exec(text);
      if (m === null || text.length === 1 || /T$/i.test(text)) throw bad();
      const f = [12n, 1n, 7n, 1n, NS_PER_H, NS_PER_MIN, NS_PER_S];
      const field = [0, 0, 1, 1, 2, 2, 2];
      for (let i = 0; i < 7; i++) {
        if (m[i + 1] !== undefined) acc[field[i]] += BigInt(m[i + 1]) * f[i];
      }
    } else {
      if (text === "") throw bad();
      const seen = new Set<string>();
      UNIT_RE.lastIndex = 0;
      let pos = 0;
      while (pos < text.length) {
        const m = UNIT_RE.exec(text);
        if (m === null) throw bad();
        const unit = m[2].toLowerCase();
        if (seen.has(unit)) throw bad();
        seen.add(unit);
        const u = UNITS[unit];
        acc[u.field] += BigInt(m[1]) * u.factor;
        pos = UNIT_RE.lastIndex;
      }
    }
    const sign = negative ? -1n : 1n;
    const months = acc[0] * sign;
    const days = acc[1] * sign;
    if (months < BigInt(INT32_MIN) || months > BigInt(INT32_MAX)) throw bad();
    if (days < BigInt(INT32_MIN) || days > BigInt(INT32_MAX)) throw bad();
    return new Duration(Number(months), Number(days), acc[2] * sign);
  }

  /**
   * Cassandra's unit form, largest units first, zero parts left out: `1y2mo3d4h5m6s7ms8us9ns`,
   * `-2d`, and `0s` for the zero duration.
   */
  toString(): string {
    const neg = this.months < 0 || this.days < 0 || this.nanoseconds < 0n;
    let out = neg ? "-" : "";
    const months = Math.abs(this.months);
    const days = Math.abs(this.days);
    let ns = this.nanoseconds < 0n ? -this.nanoseconds : this.nanoseconds;
    if (months >= 12) out += `${Math.floor(months / 12)}y`;
    if (months % 12 !== 0) out += `${months % 12}mo`;
    if (days !== 0) out += `${days}d`;
    const parts: [bigint, string][] = [
      [NS_PER_H, "h"],
      [NS_PER_MIN, "m"],
      [NS_PER_S, "s"],
      [NS_PER_MS, "ms"],
      [NS_PER_US, "us"],
      [1n, "ns"],
    ];
    for (const [size, unit] of parts) {
      const q = ns / size;
      if (q !== 0n) out += `${q}${unit}`;
      ns -= q * size;
    }
    return out === "" || out === "-" ? "0s" : out;
  }

  /** JSON form: the {@link Duration.toString} text. */
  toJSON(): string {
    return this.toString();
  }

  /** True when all three parts are equal. */
  equals(other: Duration): boolean {
    return this.months === other.months && this.days === other.days &&
      this.nanoseconds === other.nanoseconds;
  }
}
