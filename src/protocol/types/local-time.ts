/**
 * The `time` value class: a time of day with nanosecond precision.
 *
 * @module
 */

const NANOS_PER_SECOND = 1_000_000_000;
const NANOS_PER_DAY = 86_400n * 1_000_000_000n;
const MAX_NANOS_NUM = 86_400 * NANOS_PER_SECOND;
const TIME_RE = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/**
 * A time of day without time zone (CQL `time`): nanoseconds since midnight, 0 to
 * 86399999999999.
 *
 * @example
 * ```ts
 * const t = LocalTime.fromString("13:45:01.123456789");
 * t.hour; // 13
 * t.nanos; // 49501123456789n
 * ```
 */
export class LocalTime {
  /** Hour, 0 to 23. */
  readonly hour: number;
  /** Minute, 0 to 59. */
  readonly minute: number;
  /** Second, 0 to 59. */
  readonly second: number;
  /** Nanosecond within the second, 0 to 999999999. */
  readonly nanosecond: number;

  /** Creates a time from nanoseconds since midnight; throws TypeError outside one day. */
  constructor(nanos: bigint | number) {
    const total = typeof nanos === "bigint"
      ? (nanos >= 0n && nanos < NANOS_PER_DAY ? Number(nanos) : -1)
      : (Number.isSafeInteger(nanos) && nanos < MAX_NANOS_NUM ? nanos : -1);
    if (total < 0) {
      throw new TypeError(`time must be 0 to 86399999999999 ns since midnight, got ${nanos}`);
    }
    // The count is below 2^47, so a double holds it exactly and the field math stays in doubles.
    const secs = Math.floor(total / NANOS_PER_SECOND);
    this.nanosecond = total - secs * NANOS_PER_SECOND;
    this.hour = Math.floor(secs / 3600);
    this.minute = Math.floor(secs / 60) % 60;
    this.second = secs % 60;
  }

  /** Creates a time from its parts; throws TypeError if a part is out of range. */
  static of(hour: number, minute: number, second = 0, nanosecond = 0): LocalTime {
    const ok = (v: number, max: number) => Number.isInteger(v) && v >= 0 && v <= max;
    if (!ok(hour, 23) || !ok(minute, 59) || !ok(second, 59) || !ok(nanosecond, 999_999_999)) {
      throw new TypeError(`invalid time ${hour}:${minute}:${second}.${nanosecond}`);
    }
    return new LocalTime((hour * 3600 + minute * 60 + second) * NANOS_PER_SECOND + nanosecond);
  }

  /** Parses `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fffffffff` (1 to 9 fraction digits). */
  static fromString(s: string): LocalTime {
    const m = TIME_RE.exec(s);
    if (m === null) throw new TypeError(`not a time (HH:MM:SS.fffffffff): ${JSON.stringify(s)}`);
    const frac = m[4] === undefined ? 0 : Number(m[4].padEnd(9, "0"));
    return LocalTime.of(Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3]), frac);
  }

  /** The UTC time of day of a `Date` (millisecond precision). */
  static fromDate(date: Date): LocalTime {
    const ms = date.getTime();
    if (Number.isNaN(ms)) throw new TypeError("invalid Date");
    const msOfDay = ((ms % 86_400_000) + 86_400_000) % 86_400_000;
    return new LocalTime(msOfDay * 1_000_000);
  }

  /** Nanoseconds since midnight. */
  get nanos(): bigint {
    return BigInt(
      (this.hour * 3600 + this.minute * 60 + this.second) * NANOS_PER_SECOND + this.nanosecond,
    );
  }

  /** `HH:MM:SS` plus a fraction with trailing zeros trimmed, e.g. `13:45:01.1234`. */
  toString(): string {
    const p2 = (v: number) => (v < 10 ? "0" : "") + v;
    const base = `${p2(this.hour)}:${p2(this.minute)}:${p2(this.second)}`;
    if (this.nanosecond === 0) return base;
    return `${base}.${String(this.nanosecond).padStart(9, "0").replace(/0+$/, "")}`;
  }

  /** JSON form: the {@link LocalTime.toString} text. */
  toJSON(): string {
    return this.toString();
  }

  /** True when both are the same instant of the day. */
  equals(other: LocalTime): boolean {
    return this.hour === other.hour && this.minute === other.minute &&
      this.second === other.second && this.nanosecond === other.nanosecond;
  }
}
