/**
 * Codecs of the primitive CQL types (spec section 6).
 *
 * A zero-length value of a non-string, non-blob type is the legacy "empty" value Cassandra still
 * allows (e.g. `blobAsInt(0x)`); it decodes as null rather than failing.
 *
 * @module
 */
import { type ByteWriter, utf8DecodeRange } from "../bytes.ts";
import { ProtocolError } from "../errors.ts";
import { type DataType, primitive, type PrimitiveTypeName } from "./datatype.ts";
import { Decimal } from "./decimal.ts";
import { Duration } from "./duration.ts";
import { formatInet, parseInet } from "./inet.ts";
import { LocalDate } from "./local-date.ts";
import { LocalTime } from "./local-time.ts";
import { formatUuid, parseUuidInto } from "./uuid.ts";
import { readVarint, writeVarint } from "./varint.ts";
import { readVint, type VintCursor, writeVint } from "./vint.ts";
import { viewOrCopy } from "../owned.ts";
import {
  badLength,
  type Codec,
  type Decoder,
  type Encoder,
  invalid,
  truncated,
} from "./codec-util.ts";

const TWO32 = 4294967296;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const MAX_DATE_MS = 8.64e15;
const NANOS_PER_DAY = 86_400_000_000_000;
const DATE_EPOCH = 0x80000000;

function codec(kind: PrimitiveTypeName, size: number, dec: Decoder, enc: Encoder): Codec {
  return { type: primitive(kind), size, dec, enc };
}

/** Writes a 64-bit integer given as a safe-integer double, without a bigint round trip. */
function writeSafeLong(w: ByteWriter, v: number): void {
  w.ensure(8);
  const hi = Math.floor(v / TWO32);
  w.view.setInt32(w.length, hi);
  w.view.setUint32(w.length + 4, v - hi * TWO32);
  w.length += 8;
}

/** Reads a 64-bit integer as a double (exact below 2^53 in magnitude). */
function readLongAsNumber(dv: DataView, off: number): number {
  return dv.getInt32(off) * TWO32 + dv.getUint32(off + 4);
}

function intCodec(kind: "tinyint" | "smallint" | "int", bytes: 1 | 2 | 4): Codec {
  const type = primitive(kind);
  const max = 2 ** (bytes * 8 - 1) - 1;
  const min = -max - 1;
  const expected = `an integer from ${min} to ${max}`;
  const dec: Decoder = bytes === 4
    ? (_b, dv, off, len) => len === 4 ? dv.getInt32(off) : len === 0 ? null : badLength(type, len)
    : bytes === 2
    ? (_b, dv, off, len) => len === 2 ? dv.getInt16(off) : len === 0 ? null : badLength(type, len)
    : (_b, dv, off, len) => len === 1 ? dv.getInt8(off) : len === 0 ? null : badLength(type, len);
  const enc: Encoder = (w, v, name) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      invalid(name, type, expected, v);
    }
    if (bytes === 4) w.int(v);
    else if (bytes === 2) w.short(v & 0xffff);
    else w.byte(v & 0xff);
  };
  return { type, size: bytes, dec, enc };
}

function longCodec(kind: "bigint" | "counter"): Codec {
  const type = primitive(kind);
  return codec(
    kind,
    8,
    (_b, dv, off, len) => len === 8 ? dv.getBigInt64(off) : len === 0 ? null : badLength(type, len),
    (w, v, name) => {
      if (typeof v === "bigint") {
        if (v < INT64_MIN || v > INT64_MAX) invalid(name, type, "a 64-bit integer", v);
        w.long(v);
      } else if (typeof v === "number" && Number.isSafeInteger(v)) {
        writeSafeLong(w, v);
      } else {
        invalid(name, type, "a bigint or a safe integer number", v);
      }
    },
  );
}

function floatCodec(kind: "float" | "double"): Codec {
  const type = primitive(kind);
  const single = kind === "float";
  return codec(
    kind,
    single ? 4 : 8,
    single
      ? (_b, dv, off, len) =>
        len === 4 ? dv.getFloat32(off) : len === 0 ? null : badLength(type, len)
      : (_b, dv, off, len) =>
        len === 8 ? dv.getFloat64(off) : len === 0 ? null : badLength(type, len),
    (w, v, name) => {
      if (typeof v !== "number") invalid(name, type, "a number", v);
      if (single) {
        w.ensure(4);
        w.view.setFloat32(w.length, v);
        w.length += 4;
      } else {
        w.ensure(8);
        w.view.setFloat64(w.length, v);
        w.length += 8;
      }
    },
  );
}

function textCodec(kind: "varchar" | "ascii"): Codec {
  const type = primitive(kind);
  const dec: Decoder = (buf, _dv, off, len) => utf8DecodeRange(buf, off, off + len);
  if (kind === "ascii") {
    return codec(kind, -1, dec, (w, v, name) => {
      if (typeof v !== "string") invalid(name, type, "a string", v);
      w.ensure(v.length);
      if (w.ascii(v) < v.length) invalid(name, type, "an ASCII string", v);
    });
  }
  return codec(kind, -1, dec, (w, v, name) => {
    if (typeof v !== "string") invalid(name, type, "a string", v);
    if (w.utf8(v, true) < 0) {
      invalid(name, type, "a well-formed string (no lone surrogates)", v);
    }
  });
}

function toBytes(v: unknown): Uint8Array | null {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return null;
}

function blobCodec(type: DataType): Codec {
  return {
    type,
    size: -1,
    // Never a view of memory the transport reuses; a view only where it pins little.
    dec: (buf, _dv, off, len) => viewOrCopy(buf, off, off + len),
    enc: (w, v, name) => {
      const b = toBytes(v);
      if (b === null) invalid(name, type, "a Uint8Array", v);
      w.raw(b);
    },
  };
}

function uuidCodec(kind: "uuid" | "timeuuid"): Codec {
  const type = primitive(kind);
  const timeBased = kind === "timeuuid";
  return codec(
    kind,
    16,
    (buf, _dv, off, len) =>
      len === 16 ? formatUuid(buf, off) : len === 0 ? null : badLength(type, len),
    (w, v, name) => {
      w.ensure(16);
      const base = w.length;
      if (typeof v === "string") {
        try {
          parseUuidInto(v, w.buf, base);
        } catch {
          invalid(name, type, "a UUID string (8-4-4-4-12 hex)", v);
        }
      } else if (v instanceof Uint8Array && v.length === 16) {
        w.buf.set(v, base);
      } else {
        invalid(name, type, "a UUID string", v);
      }
      if (timeBased && w.buf[base + 6] >> 4 !== 1) invalid(name, type, "a version 1 UUID", v);
      w.length += 16;
    },
  );
}

const inetType = primitive("inet");
const inet = codec(
  "inet",
  -1,
  (buf, _dv, off, len) =>
    len === 4 || len === 16
      ? formatInet(buf, off, len)
      : len === 0
      ? null
      : badLength(inetType, len),
  (w, v, name) => {
    if (typeof v === "string") {
      let b: Uint8Array;
      try {
        b = parseInet(v);
      } catch {
        invalid(name, inetType, "an IPv4 or IPv6 address", v);
      }
      w.raw(b);
    } else if (v instanceof Uint8Array && (v.length === 4 || v.length === 16)) {
      w.raw(v);
    } else {
      invalid(name, inetType, "an IP address string", v);
    }
  },
);

const timestampType = primitive("timestamp");
const timestamp = codec(
  "timestamp",
  8,
  (_b, dv, off, len) => {
    if (len !== 8) return len === 0 ? null : badLength(timestampType, len);
    // Beyond ±8.64e15 ms a Date cannot hold the value: it decodes to an Invalid Date.
    const ms = readLongAsNumber(dv, off);
    return new Date(ms >= -MAX_DATE_MS && ms <= MAX_DATE_MS ? ms : NaN);
  },
  (w, v, name) => {
    if (v instanceof Date) {
      const ms = v.getTime();
      if (Number.isNaN(ms)) invalid(name, timestampType, "a valid Date", v);
      writeSafeLong(w, ms);
    } else if (typeof v === "number" && Number.isSafeInteger(v)) {
      writeSafeLong(w, v);
    } else if (typeof v === "bigint" && v >= INT64_MIN && v <= INT64_MAX) {
      w.long(v);
    } else {
      invalid(name, timestampType, "a Date or integer milliseconds since the epoch", v);
    }
  },
);

const dateType = primitive("date");
const date = codec(
  "date",
  4,
  (_b, dv, off, len) =>
    len === 4
      ? LocalDate.fromDays(dv.getUint32(off) - DATE_EPOCH)
      : len === 0
      ? null
      : badLength(dateType, len),
  (w, v, name) => {
    let d: LocalDate;
    if (v instanceof LocalDate) d = v;
    else if (v instanceof Date || typeof v === "string") {
      try {
        d = v instanceof Date ? LocalDate.fromDate(v) : LocalDate.fromString(v);
      } catch {
        invalid(name, dateType, "a valid date (YYYY-MM-DD) in the CQL range", v);
      }
    } else invalid(name, dateType, "a LocalDate, Date or YYYY-MM-DD string", v);
    w.uint(d.days + DATE_EPOCH);
  },
);

const timeType = primitive("time");
const time = codec(
  "time",
  8,
  (_b, dv, off, len) => {
    if (len !== 8) return len === 0 ? null : badLength(timeType, len);
    const n = readLongAsNumber(dv, off);
    if (n < 0 || n >= NANOS_PER_DAY) throw new ProtocolError(`time value out of range: ${n}`);
    return new LocalTime(n);
  },
  (w, v, name) => {
    let t: LocalTime;
    if (v instanceof LocalTime) t = v;
    else if (typeof v === "bigint" || typeof v === "string") {
      try {
        t = typeof v === "bigint" ? new LocalTime(v) : LocalTime.fromString(v);
      } catch {
        invalid(name, timeType, "a time of day (0 to 86399999999999 ns)", v);
      }
    } else invalid(name, timeType, "a LocalTime, bigint nanoseconds or HH:MM:SS string", v);
    writeSafeLong(
      w,
      (t.hour * 3600 + t.minute * 60 + t.second) * 1_000_000_000 + t.nanosecond,
    );
  },
);

const INT32_MIN_N = -(1n << 31n);
const INT32_MAX_N = (1n << 31n) - 1n;

const durationType = primitive("duration");
const duration = codec(
  "duration",
  -1,
  (buf, _dv, off, len) => {
    if (len === 0) return null;
    const end = off + len;
    const cur: VintCursor = { pos: off };
    const months = readVint(buf, cur, end);
    const days = readVint(buf, cur, end);
    const nanos = readVint(buf, cur, end);
    if (cur.pos !== end) truncated(durationType);
    if (
      months < INT32_MIN_N || months > INT32_MAX_N || days < INT32_MIN_N || days > INT32_MAX_N ||
      nanos < INT64_MIN || nanos > INT64_MAX
    ) {
      throw new ProtocolError("duration part out of range");
    }
    const neg = months < 0n || days < 0n || nanos < 0n;
    const pos = months > 0n || days > 0n || nanos > 0n;
    if (neg && pos) throw new ProtocolError("duration parts have mixed signs");
    return new Duration(Number(months), Number(days), nanos);
  },
  (w, v, name) => {
    let d: Duration;
    if (v instanceof Duration) d = v;
    else if (typeof v === "string") {
      try {
        d = Duration.fromString(v);
      } catch {
        invalid(name, durationType, "a duration string like 1h30m", v);
      }
    } else invalid(name, durationType, "a Duration", v);
    writeVint(w, BigInt(d.months));
    writeVint(w, BigInt(d.days));
    writeVint(w, d.nanoseconds);
  },
);

const varintType = primitive("varint");
const varint = codec(
  "varint",
  -1,
  (buf, dv, off, len) => len === 0 ? null : readVarint(buf, dv, off, len),
  (w, v, name) => {
    if (typeof v === "bigint") writeVarint(w, v);
    else if (typeof v === "number" && Number.isSafeInteger(v)) writeVarint(w, BigInt(v));
    else invalid(name, varintType, "a bigint or a safe integer number", v);
  },
);

const decimalType = primitive("decimal");
const decimal = codec(
  "decimal",
  -1,
  (buf, dv, off, len) => {
    if (len === 0) return null;
    if (len < 5) badLength(decimalType, len);
    return new Decimal(readVarint(buf, dv, off + 4, len - 4), dv.getInt32(off));
  },
  (w, v, name) => {
    let d: Decimal;
    if (v instanceof Decimal) d = v;
    else if (typeof v === "bigint") d = new Decimal(v, 0);
    else if (typeof v === "number" || typeof v === "string") {
      try {
        d = typeof v === "number" ? Decimal.fromNumber(v) : Decimal.fromString(v);
      } catch {
        invalid(name, decimalType, "a finite decimal number", v);
      }
    } else invalid(name, decimalType, "a Decimal, number, bigint or numeric string", v);
    w.int(d.scale);
    writeVarint(w, d.unscaled);
  },
);

const booleanType = primitive("boolean");
const boolean = codec(
  "boolean",
  1,
  (buf, _dv, off, len) =>
    len === 1 ? buf[off] !== 0 : len === 0 ? null : badLength(booleanType, len),
  (w, v, name) => {
    if (typeof v !== "boolean") invalid(name, booleanType, "a boolean", v);
    w.byte(v ? 1 : 0);
  },
);

/** The codec of every primitive type, by type name. */
export const PRIMITIVE_CODECS: Readonly<Record<PrimitiveTypeName, Codec>> = {
  ascii: textCodec("ascii"),
  varchar: textCodec("varchar"),
  tinyint: intCodec("tinyint", 1),
  smallint: intCodec("smallint", 2),
  int: intCodec("int", 4),
  bigint: longCodec("bigint"),
  counter: longCodec("counter"),
  float: floatCodec("float"),
  double: floatCodec("double"),
  boolean,
  blob: blobCodec(primitive("blob")),
  uuid: uuidCodec("uuid"),
  timeuuid: uuidCodec("timeuuid"),
  inet,
  timestamp,
  date,
  time,
  duration,
  varint,
  decimal,
};

/** The codec of a custom type: raw bytes, copied on decode. */
export function customCodec(type: DataType): Codec {
  return blobCodec(type);
}
