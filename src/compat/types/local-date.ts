/**
 * `types.LocalDate`: a date without time zone (CQL `date`), as cassandra-driver holds it: on a
 * UTC `Date`, or as days since the epoch when outside the range of `Date`.
 *
 * @module
 */
import { allocBlob, readUInt32BE, writeUInt32BE } from "../buffer.ts";

const MS_PER_DAY = 86400000;
const DATE_CENTER = 2 ** 31;

function pad(s: string, n: number): string {
  return s.length >= n ? s : "0".repeat(n - s.length) + s;
}

/**
 * A date without time zone.
 *
 * @example
 * ```ts
 * import { types } from "@cql/driver/compat";
 * new types.LocalDate(2024, 2, 29).toString(); // "2024-02-29"
 * ```
 */
export class LocalDate {
  /** The year (NaN when outside the range of `Date`). */
  readonly year: number;
  /** The month, 1 to 12. */
  readonly month: number;
  /** The day of the month. */
  readonly day: number;
  readonly #date: Date;
  /** Days since the epoch, kept only when `#date` cannot hold them. */
  readonly #days: number | null;

  /** From year, month (1-12) and day; or from days since the epoch alone. */
  constructor(year: number, month?: number, day?: number) {
    let date: Date | undefined;
    if (typeof year === "number" && typeof month === "number" && typeof day === "number") {
      // setUTCFullYear, not Date.UTC: Date.UTC takes years 0-99 as 1900-1999.
      date = new Date();
      date.setUTCHours(0, 0, 0, 0);
      date.setUTCFullYear(year, month - 1, day);
      if (isNaN(date.getTime())) {
        throw new Error(`${year}-${month}-${day} does not form a valid ES5 date!`);
      }
    } else if (month === undefined && day === undefined && typeof year === "number") {
      if (year < -2147483648 || year > 2147483647) {
        throw new Error(
          "You must provide a valid value for days since epoch (-2147483648 <= value <= 2147483647).",
        );
      }
      date = new Date(year * MS_PER_DAY);
    }
    if (date === undefined) throw new Error("You must provide a valid year, month and day");
    this.#date = date;
    this.#days = isNaN(date.getTime()) ? year : null;
    this.year = date.getUTCFullYear();
    this.month = date.getUTCMonth() + 1;
    this.day = date.getUTCDate();
  }

  /** Today in the local time zone. */
  static now(): LocalDate {
    return LocalDate.fromDate(new Date());
  }

  /** Today in UTC. */
  static utcNow(): LocalDate {
    return new LocalDate(Date.now());
  }

  /** The local-time date of `date`. */
  static fromDate(date: Date): LocalDate {
    if (isNaN(date.getTime())) throw new TypeError(`Invalid date: ${date}`);
    return new LocalDate(date.getFullYear(), date.getMonth() + 1, date.getDate());
  }

  /** Parses "yyyy-mm-dd" (optionally negative) or days since the epoch. */
  static fromString(value: string): LocalDate {
    if ((value.match(/-/g) ?? []).length >= 2) {
      let sign = 1;
      let v = value;
      if (v[0] === "-") {
        v = v.slice(1);
        sign = -1;
      }
      const [y, m, d] = v.split("-");
      return new LocalDate(sign * parseInt(y, 10), parseInt(m, 10), parseInt(d, 10));
    }
    if (/^-?\d+$/.test(value)) return new LocalDate(parseInt(value, 10));
    throw new Error(`Invalid input '${value}'.`);
  }

  /** From the CQL encoding: days since the epoch, offset by 2^31, big-endian. */
  static fromBuffer(buffer: Uint8Array): LocalDate {
    return new LocalDate(readUInt32BE(buffer, 0) - DATE_CENTER);
  }

  /** Days since the epoch. */
  get daysSinceEpoch(): number {
    return this.#days ?? Math.floor(this.#date.getTime() / MS_PER_DAY);
  }

  #ms(): number {
    return this.#days === null ? this.#date.getTime() : this.#days * MS_PER_DAY;
  }

  /** -1, 0 or 1. */
  compare(other: LocalDate): number {
    const d = this.#ms() - other.#ms();
    return d < 0 ? -1 : d > 0 ? 1 : 0;
  }

  /** True when `other` is the same date. */
  equals(other: unknown): boolean {
    return other instanceof LocalDate && this.compare(other) === 0;
  }

  /** The class name and the date. */
  inspect(): string {
    return `LocalDate: ${this.toString()}`;
  }

  /** The CQL encoding. */
  toBuffer(): Uint8Array {
    const b = allocBlob(4);
    writeUInt32BE(b, this.daysSinceEpoch + DATE_CENTER, 0);
    return b;
  }

  /** "yyyy-mm-dd" (at least 4 year digits, "-" before negative years), or days since the epoch. */
  toString(): string {
    if (this.#days !== null) return this.#days.toString();
    const y = this.year < 0 ? `-${pad(String(-this.year), 4)}` : pad(String(this.year), 4);
    return `${y}-${pad(String(this.month), 2)}-${pad(String(this.day), 2)}`;
  }

  /** The string form. */
  toJSON(): string {
    return this.toString();
  }
}
