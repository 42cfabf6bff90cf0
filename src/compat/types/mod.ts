/**
 * `types`: cassandra-driver's value classes and enumerations.
 *
 * @module
 */
import { Uuid } from "./uuid.ts";
import { TimeUuid } from "./time-uuid.ts";
import { Long } from "./long.ts";
import { Integer } from "./integer.ts";
import { BigDecimal } from "./big-decimal.ts";
import { InetAddress } from "./inet-address.ts";
import { LocalDate } from "./local-date.ts";
import { LocalTime } from "./local-time.ts";
import { Duration } from "./duration.ts";
import { Tuple } from "./tuple.ts";
import { Vector } from "./vector.ts";
import { Row } from "./row.ts";
import { ResultSet } from "./result-set.ts";
import {
  consistencies,
  consistencyToString,
  dataTypes,
  distance,
  protocolVersion,
  responseErrorCodes,
  unset,
} from "./constants.ts";
import { blobOf } from "../buffer.ts";

export {
  BigDecimal,
  consistencies,
  consistencyToString,
  dataTypes,
  distance,
  Duration,
  InetAddress,
  Integer,
  LocalDate,
  LocalTime,
  Long,
  protocolVersion,
  responseErrorCodes,
  ResultSet,
  Row,
  TimeUuid,
  Tuple,
  unset,
  Uuid,
  Vector,
};
export type { ColumnInfo, DataTypeInfo } from "./row.ts";
export type { ExecutionInfo } from "./result-set.ts";

/** Options of {@link timeuuid}, as the `uuid` package names them. */
export interface TimeuuidOptions {
  /** The time (milliseconds or a Date). */
  msecs?: number | Date;
  /** The 6 node id bytes. */
  node?: number[];
  /** The clock sequence. */
  clockseq?: number;
  /** The 100 ns ticks within the millisecond. */
  nsecs?: number;
}

/** A new time-based UUID string, or its bytes copied into `buffer` at `offset`. */
export function timeuuid(
  options?: TimeuuidOptions,
  buffer?: Uint8Array,
  offset?: number,
): string | Uint8Array {
  let date: Date | undefined, ticks: number | undefined;
  let node: Uint8Array | undefined, clock: Uint8Array | undefined;
  if (options) {
    if (typeof options.msecs === "number") date = new Date(options.msecs);
    if (options.msecs instanceof Date) date = options.msecs;
    if (Array.isArray(options.node)) node = blobOf(options.node);
    if (typeof options.clockseq === "number") {
      clock = blobOf([(options.clockseq >> 8) & 0xff, options.clockseq & 0xff]);
    }
    if (typeof options.nsecs === "number") ticks = options.nsecs;
  }
  const u = new TimeUuid(date, ticks, node, clock);
  if (buffer instanceof Uint8Array) {
    buffer.set(u.getBuffer(), offset || 0);
    return buffer;
  }
  return u.toString();
}

/** A new random UUID string, or its bytes copied into `buffer` at `offset`. */
export function uuid(
  options?: { random?: number[] },
  buffer?: Uint8Array,
  offset?: number,
): string | Uint8Array {
  const u = Array.isArray(options?.random) ? new Uuid(blobOf(options.random)) : Uuid.random();
  if (buffer instanceof Uint8Array) {
    buffer.set(u.getBuffer(), offset || 0);
    return buffer;
  }
  return u.toString();
}

let timestampTicks = 0;

/** A write timestamp in microseconds: `date` (default now) plus a sub-millisecond counter. */
export function generateTimestamp(date?: Date, microseconds?: number): Long {
  const d = date ?? new Date();
  let micros: number;
  if (typeof microseconds === "number" && microseconds >= 0 && microseconds < 1000) {
    micros = microseconds;
  } else {
    if (timestampTicks > 999) timestampTicks = 0;
    micros = timestampTicks++;
  }
  return Long.fromNumber(d.getTime()).multiply(1000).add(Long.fromInt(micros));
}
