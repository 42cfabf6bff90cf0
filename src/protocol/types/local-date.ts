/**
 * The `date` value class: a calendar day with no time zone, over CQL's whole range.
 *
 * @module
 */

const MS_PER_DAY = 86_400_000;
/** CQL `date` covers unsigned 32-bit day numbers with the epoch at 2^31. */
const MIN_DAYS = -0x80000000;
const MAX_DAYS = 0x7fffffff;

const DATE_RE = /^([+-]?\d{4,})-(\d{1,2})-(\d{1,2})$/;

// Proleptic Gregorian conversions on 400-year eras (146097 days); plain double arithmetic is
// exact over the whole CQL range (about ±5.9 million years).
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) -
      Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * A date without time zone (CQL `date`), proleptic Gregorian, lossless over the whole CQL range
 * (-5877641-06-23 to 5881580-07-11). Dates outside JavaScript's `Date` range (±275760 years)
 * still round-trip through {@link LocalDate.days}; only {@link LocalDate.toDate} cannot represent
 * them.
 *
 * @example
 * ```ts
 * const d = LocalDate.fromString("2024-05-01");
 * d.days; // 19844
 * d.toString(); // "2024-05-01"
 * ```
 */
export class LocalDate {
  /** Days since 1970-01-01 (negative before). */
  readonly days: number;
  /** The year; 0 is 1 BC, -1 is 2 BC (astronomical numbering, as in ISO 8601). */
  readonly year: number;
  /** The month, 1 to 12. */
  readonly month: number;
  /** The day of the month, 1 to 31. */
  readonly day: number;

  /** Creates a date from its parts; throws TypeError for an invalid or out-of-range date. */
  constructor(year: number, month: number, day: number) {
    if (
      !Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day) ||
      month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)
    ) {
      throw new TypeError(`invalid date ${year}-${month}-${day}`);
    }
    const days = daysFromCivil(year, month, day);
    if (days < MIN_DAYS || days > MAX_DAYS) {
      throw new TypeError(`date ${year}-${month}-${day} outside the CQL date range`);
    }
    this.days = days;
    this.year = year;
    this.month = month;
    this.day = day;
  }

  /** The date `days` days after 1970-01-01; throws TypeError outside the CQL range. */
  static fromDays(days: number): LocalDate {
    if (!Number.isInteger(days) || days < MIN_DAYS || days > MAX_DAYS) {
      throw new TypeError(`day number out of the CQL date range: ${days}`);
    }
    const [y, m, d] = civilFromDays(days);
    return new LocalDate(y, m, d);
  }

  /** The UTC calendar day of a `Date` (time of day is dropped). */
  static fromDate(date: Date): LocalDate {
    const ms = date.getTime();
    if (Number.isNaN(ms)) throw new TypeError("invalid Date");
    return LocalDate.fromDays(Math.floor(ms / MS_PER_DAY));
  }

  /**
   * Parses `YYYY-MM-DD`; years beyond four digits take a sign and more digits
   * (`+10000-01-01`, `-00001-12-31`). Throws TypeError on anything else.
   */
  static fromString(s: string): LocalDate {
    const m = DATE_RE.exec(s);
    if (m === null) throw new TypeError(`not a date (YYYY-MM-DD): ${JSON.stringify(s)}`);
    return new LocalDate(Number(m[1]), Number(m[2]), Number(m[3]));
  }

  /** Midnight UTC of this day; an Invalid Date when beyond the JavaScript `Date` range. */
  toDate(): Date {
    return new Date(this.days * MS_PER_DAY);
  }

  /** `YYYY-MM-DD`, or `±YYYYY-MM-DD` (at least five year digits) for years outside 0 to 9999. */
  toString(): string {
    const y = this.year;
    const year = y >= 0 && y <= 9999
      ? String(y).padStart(4, "0")
      : (y < 0 ? "-" : "+") + String(Math.abs(y)).padStart(5, "0");
    return `${year}-${this.month < 10 ? "0" : ""}${this.month}-${
      this.day < 10 ? "0" : ""
    }${this.day}`;
  }

  /** JSON form: the {@link LocalDate.toString} text. */
  toJSON(): string {
    return this.toString();
  }

  /** True when both are the same day. */
  equals(other: LocalDate): boolean {
    return this.days === other.days;
  }
}
