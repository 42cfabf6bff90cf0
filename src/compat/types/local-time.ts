/**
 * `types.LocalTime`: a time of day in nanoseconds (CQL `time`).
 *
 * @module
 */
import { allocBlob, readInt32BE, writeUInt32BE } from "../buffer.ts";
import { bigIntFromLong, Long, longFromBigInt } from "./long.ts";

const MAX_NANOS = 86399999999999n;
const NS_PER_S = 1000000000n;
const MS_PER_DAY = 86400000;

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * A time of day with nanosecond precision.
 *
 * @example
 * ```ts
 * import { types } from "@cql/driver/compat";
 * types.LocalTime.fromString("12:30:05.25").toString(); // "12:30:05.25"
 * ```
 */
export class LocalTime {
  /** The hour, 0-23. */
  readonly hour: number;
  /** The minute, 0-59. */
  readonly minute: number;
  /** The second, 0-59. */
  readonly second: number;
  /** The nanoseconds within the second. */
  readonly nanosecond: number;
  readonly #value: Long;
  readonly #nanos: bigint;

  /** From nanoseconds since midnight (a Long, 0 to 86399999999999). */
  constructor(totalNanoseconds: Long) {
    if (!(totalNanoseconds instanceof Long)) {
      throw new Error("You must specify a Long value as totalNanoseconds");
    }
    const n = bigIntFromLong(totalNanoseconds);
    if (n < 0n || n > MAX_NANOS) throw new Error("Total nanoseconds out of range");
    this.#value = totalNanoseconds;
    this.#nanos = n;
    const secs = Number(n / NS_PER_S);
    this.nanosecond = Number(n % NS_PER_S);
    this.hour = Math.floor(secs / 3600);
    this.minute = Math.floor(secs / 60) % 60;
    this.second = secs % 60;
  }

  /** Parses "hh:mm", "hh:mm:ss" or "hh:mm:ss.fffffffff". */
  static fromString(value: string): LocalTime {
    if (typeof value !== "string") throw new Error(`Argument type invalid: ${value}`);
    const parts = value.split(":");
    let millis = parseInt(parts[0], 10) * 3600000 + parseInt(parts[1], 10) * 60000;
    let nanos = 0;
    if (parts.length === 3) {
      const sec = parts[2].split(".");
      millis += parseInt(sec[0], 10) * 1000;
      if (sec.length === 2) nanos = parseInt(sec[1].padEnd(9, "0"), 10) || 0;
    }
    return LocalTime.fromMilliseconds(millis, nanos);
  }

  /** The current local time, with `nanoseconds` added. */
  static now(nanoseconds?: number): LocalTime {
    return LocalTime.fromDate(new Date(), nanoseconds);
  }

  /** The local time of day of `date`, with `nanoseconds` added. */
  static fromDate(date: Date, nanoseconds?: number): LocalTime {
    if (!(date instanceof Date)) throw new Error("Not a valid date");
    const millis = (date.getTime() + date.getTimezoneOffset() * -60000) % MS_PER_DAY;
    return LocalTime.fromMilliseconds(millis, nanoseconds);
  }

  /** From milliseconds since midnight, plus `nanoseconds`. */
  static fromMilliseconds(milliseconds: number, nanoseconds?: number): LocalTime {
    const ns = typeof nanoseconds === "number" ? nanoseconds : 0;
    return new LocalTime(
      Long.fromNumber(milliseconds).multiply(1000000).add(Long.fromNumber(ns)),
    );
  }

  /** From the CQL encoding: 8 big-endian bytes. */
  static fromBuffer(value: Uint8Array): LocalTime {
    if (!(value instanceof Uint8Array)) throw new TypeError(`Expected Buffer, obtained ${value}`);
    return new LocalTime(new Long(readInt32BE(value, 4), readInt32BE(value, 0)));
  }

  /** From nanoseconds since midnight as a bigint. */
  static fromBigInt(nanos: bigint): LocalTime {
    return new LocalTime(longFromBigInt(nanos));
  }

  /** -1, 0 or 1. */
  compare(other: LocalTime): number {
    return this.#value.compare(other.#value);
  }

  /** True when `other` is the same time. */
  equals(other: unknown): boolean {
    return other instanceof LocalTime && this.compare(other) === 0;
  }

  /** Nanoseconds since midnight. */
  getTotalNanoseconds(): Long {
    return this.#value;
  }

  /** Nanoseconds since midnight, as a bigint. */
  toBigInt(): bigint {
    return this.#nanos;
  }

  /** The class name and the time. */
  inspect(): string {
    return `LocalTime: ${this.toString()}`;
  }

  /** The CQL encoding. */
  toBuffer(): Uint8Array {
    const b = allocBlob(8);
    writeUInt32BE(b, this.#value.getHighBitsUnsigned(), 0);
    writeUInt32BE(b, this.#value.getLowBitsUnsigned(), 4);
    return b;
  }

  /** "hh:mm:ss", with the nanoseconds after a point (trailing zeros dropped) when not zero. */
  toString(): string {
    let s = `${two(this.hour)}:${two(this.minute)}:${two(this.second)}`;
    if (this.nanosecond > 0) {
      s += "." + String(this.nanosecond).padStart(9, "0").replace(/(?<=.)0+$/, "");
    }
    return s;
  }

  /** The string form. */
  toJSON(): string {
    return this.toString();
  }
}
