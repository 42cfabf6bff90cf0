/**
 * `types.TimeUuid`: a version 1 (time-based) UUID, as cassandra-driver generates and reads them.
 *
 * @module
 */
import { allocBlob, blobOf, randomBlob, readUInt32BE, toBlob } from "../buffer.ts";
import { Uuid, type ValueCallback } from "./uuid.ts";

const UNIX_TO_GREGORIAN_MS = 12219292800000;
const TICKS_PER_MS = 10000;

const MIN_NODE = blobOf([0x80, 0x80, 0x80, 0x80, 0x80, 0x80]);
const MIN_CLOCK = blobOf([0x80, 0x80]);
const MAX_NODE = blobOf([0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f]);
const MAX_CLOCK = blobOf([0x7f, 0x7f]);

// Sub-millisecond counters: uuids made in the same millisecond still differ.
let ticksCounter = 0;
let ticksForNow = 0;
let lastNow = 0;

/** A node or clock id: bytes, or a string taken as ASCII. */
export type IdBytes = string | Uint8Array;

function idBytes(v: IdBytes | null | undefined, size: number, what: string): Uint8Array {
  let b: Uint8Array | undefined;
  if (typeof v === "string") b = blobOf(Array.from(v, (c) => c.charCodeAt(0) & 0xff));
  else if (v instanceof Uint8Array) b = v;
  if (b === undefined) return randomBlob(size);
  if (b.length !== size) throw new Error(`${what} identifier must have ${size} bytes`);
  return b;
}

function timeAndTicks(date: unknown, ticks: unknown): { time: number; ticks: number } {
  let t = ticks;
  let d = date;
  if (!(d instanceof Date) || isNaN(d.getTime())) {
    d = new Date();
    const time = (d as Date).getTime();
    ticksForNow++;
    if (ticksForNow > TICKS_PER_MS || time > lastNow) {
      ticksForNow = 0;
      lastNow = time;
    }
    t = ticksForNow;
  }
  if (typeof t !== "number" || t >= TICKS_PER_MS) {
    ticksCounter++;
    if (ticksCounter >= TICKS_PER_MS) ticksCounter = 0;
    t = ticksCounter;
  }
  return { time: (d as Date).getTime(), ticks: t as number };
}

function generate(
  date: unknown,
  ticks: unknown,
  nodeId: IdBytes | null | undefined,
  clockId: IdBytes | null | undefined,
): Uint8Array {
  const tt = timeAndTicks(date, ticks);
  const node = idBytes(nodeId, 6, "Node");
  const clock = idBytes(clockId, 2, "Clock");
  const b = allocBlob(16);
  const v = BigInt.asUintN(
    64,
    (BigInt(Math.trunc(tt.time)) + BigInt(UNIX_TO_GREGORIAN_MS)) * BigInt(TICKS_PER_MS) +
      BigInt(Math.trunc(tt.ticks)),
  );
  const low = Number(v & 0xffffffffn);
  const high = Number(v >> 32n);
  b[0] = low >>> 24;
  b[1] = (low >>> 16) & 0xff;
  b[2] = (low >>> 8) & 0xff;
  b[3] = low & 0xff;
  b[4] = (high >>> 8) & 0xff;
  b[5] = high & 0xff;
  b[6] = ((high >>> 24) & 0x0f) | 0x10;
  b[7] = (high >>> 16) & 0xff;
  b.set(clock, 8);
  b.set(node, 10);
  b[8] = (b[8] & 0x3f) | 0x80;
  return b;
}

/**
 * A time-based UUID (CQL `timeuuid`).
 *
 * @example
 * ```ts
 * import { types } from "@cql/driver/compat";
 * const id = types.TimeUuid.fromDate(new Date("2024-01-01T00:00:00Z"));
 * id.getDate().toISOString(); // "2024-01-01T00:00:00.000Z"
 * ```
 */
export class TimeUuid extends Uuid {
  /**
   * From 16 bytes, or generated from a date (default now), its 100 ns ticks (0-9999), a 6-byte
   * node id and a 2-byte clock id (random when absent).
   */
  constructor(
    value?: Uint8Array | Date | null,
    ticks?: number | null,
    nodeId?: IdBytes | null,
    clockId?: IdBytes | null,
  ) {
    let buffer: Uint8Array;
    if (value instanceof Uint8Array) {
      if (value.length !== 16) throw new Error("Buffer for v1 uuid not valid");
      buffer = value;
    } else {
      buffer = generate(value, ticks, nodeId, clockId);
    }
    super(buffer);
  }

  /** A TimeUuid for `date`; with a callback (as last argument), passed there. */
  static fromDate(
    date: Date | null | undefined,
    ticks?: number | null | ValueCallback<TimeUuid>,
    nodeId?: IdBytes | null | ValueCallback<TimeUuid>,
    clockId?: IdBytes | null | ValueCallback<TimeUuid>,
    callback?: ValueCallback<TimeUuid>,
  ): TimeUuid {
    let cb = callback;
    let t = ticks, n = nodeId, c = clockId;
    if (typeof t === "function") {
      cb = t;
      t = n = c = null;
    } else if (typeof n === "function") {
      cb = n;
      n = c = null;
    } else if (typeof c === "function") {
      cb = c;
      c = null;
    }
    if (!cb) return new TimeUuid(date, t as number | null, n as IdBytes, c as IdBytes);
    let u: TimeUuid;
    try {
      u = new TimeUuid(date, t as number | null, n as IdBytes, c as IdBytes);
    } catch (e) {
      cb(e as Error);
      return undefined as unknown as TimeUuid;
    }
    cb(null, u);
    return undefined as unknown as TimeUuid;
  }

  /** Parses the 36-character form. */
  static override fromString(value: string): TimeUuid {
    return new TimeUuid(Uuid.fromString(value).getBuffer());
  }

  /** The smallest TimeUuid of `date` (and `ticks`), for range queries. */
  static min(date: Date, ticks?: number): TimeUuid {
    return new TimeUuid(date, ticks, MIN_NODE, MIN_CLOCK);
  }

  /** The largest TimeUuid of `date` (and `ticks`), for range queries. */
  static max(date: Date, ticks?: number): TimeUuid {
    return new TimeUuid(date, ticks, MAX_NODE, MAX_CLOCK);
  }

  /** A TimeUuid for the current time. */
  static now(
    nodeId?: IdBytes | null | ValueCallback<TimeUuid>,
    clockId?: IdBytes | null | ValueCallback<TimeUuid>,
    callback?: ValueCallback<TimeUuid>,
  ): TimeUuid {
    return TimeUuid.fromDate(null, null, nodeId, clockId, callback);
  }

  /** The date (millisecond precision) and the 100 ns ticks within its millisecond. */
  getDatePrecision(): { date: Date; ticks: number } {
    const b = this.buffer;
    const low = BigInt(readUInt32BE(b, 0));
    const high = BigInt(((b[6] & 0x0f) << 24) | (b[7] << 16) | (b[4] << 8) | b[5]);
    const v = (high << 32n) | low;
    const ticks = Number(v % BigInt(TICKS_PER_MS));
    const ms = Number(v / BigInt(TICKS_PER_MS)) - UNIX_TO_GREGORIAN_MS;
    return { date: new Date(ms), ticks };
  }

  /** The date, millisecond precision. */
  getDate(): Date {
    return this.getDatePrecision().date;
  }

  /** The 6 node id bytes. */
  getNodeId(): Uint8Array {
    return toBlob(this.buffer.subarray(10));
  }

  /** The 2 clock id bytes. */
  getClockId(): Uint8Array {
    return toBlob(this.buffer.subarray(8, 10));
  }

  /** The node id as an ASCII string. */
  getNodeIdString(): string {
    return String.fromCharCode(...Array.from(this.buffer.subarray(10), (c) => c & 0x7f));
  }
}
