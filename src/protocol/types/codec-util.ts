/**
 * Shared pieces of the value codecs: the codec shape, error helpers and element writing.
 *
 * @module
 */
import type { ByteWriter } from "../bytes.ts";
import { ProtocolError } from "../errors.ts";
import { type DataType, typeToString } from "./datatype.ts";

/**
 * Decodes the `len` value bytes at `off` in `buf` (`dv` views the same bytes, offsets equal).
 * Must throw only {@link ProtocolError}, and must not read outside `[off, off + len)`.
 */
export type Decoder = (buf: Uint8Array, dv: DataView, off: number, len: number) => unknown;

/**
 * Writes a non-null value's bytes (no length prefix). `name` labels the value in TypeError
 * messages.
 */
export type Encoder = (w: ByteWriter, value: unknown, name: string) => void;

/** The encoder and decoder of one CQL type. */
export interface Codec {
  /** The type this codec handles. */
  readonly type: DataType;
  /** Fixed byte size of every non-empty value, or -1 when it varies. */
  readonly size: number;
  /** See {@link Decoder}. */
  readonly dec: Decoder;
  /** See {@link Encoder}. */
  readonly enc: Encoder;
}

/** A short description of a value for error messages (never the whole of a large value). */
export function describe(v: unknown): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return v.length > 40 ? `string ${JSON.stringify(v.slice(0, 40))}...` : JSON.stringify(v);
    case "number":
      return Object.is(v, -0) ? "-0" : String(v);
    case "bigint":
      return `${v}n`;
    case "boolean":
    case "undefined":
      return String(v);
    case "symbol":
      return v.toString();
    case "function":
      return "a function";
    default: {
      if (Array.isArray(v)) return `an array of length ${v.length}`;
      const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
      return ctor ? `a ${ctor}` : "an object";
    }
  }
}

/** Throws the TypeError for a value that does not fit its column or parameter type. */
export function invalid(name: string, type: DataType, expected: string, v: unknown): never {
  throw new TypeError(
    `invalid value for ${JSON.stringify(name)} (${typeToString(type)}): expected ${expected}, got ${
      describe(v)
    }`,
  );
}

/** Throws the ProtocolError for a value of the wrong byte length. */
export function badLength(type: DataType, len: number): never {
  throw new ProtocolError(`malformed ${typeToString(type)} value of ${len} bytes`);
}

/** Throws the ProtocolError for a length or count that runs past the value's bytes. */
export function truncated(type: DataType): never {
  throw new ProtocolError(`truncated or malformed ${typeToString(type)} value`);
}

/** Writes `[int length][bytes]` for a non-null element, back-patching the length if needed. */
export function writeElement(w: ByteWriter, c: Codec, v: unknown, name: string): void {
  if (c.size >= 0) {
    w.int(c.size);
    c.enc(w, v, name);
    return;
  }
  w.ensure(4);
  const start = w.length;
  w.length += 4;
  c.enc(w, v, name);
  w.setIntAt(start, w.length - start - 4);
}
