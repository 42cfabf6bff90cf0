/**
 * Value encoding and decoding for every CQL type, collections and nesting included (spec
 * sections 6 and 7). Codecs are built once per type descriptor and cached.
 *
 * @module
 */
import { ByteWriter } from "../bytes.ts";
import { ProtocolError } from "../errors.ts";
import type { DataType, MapType, TupleType, UdtType, VectorType } from "./datatype.ts";
import {
  type Codec,
  type Decoder,
  type Encoder,
  invalid,
  truncated,
  writeElement,
} from "./codec-util.ts";
import { customCodec, PRIMITIVE_CODECS } from "./primitive-codecs.ts";
import { unset } from "./unset.ts";
import { readUnsignedVintSmall, type VintCursor, writeUnsignedVintSmall } from "./vint.ts";

/** Types nested deeper than this get a codec that refuses every value. */
const MAX_DEPTH = 100;

const cache = new WeakMap<DataType, Codec>();

/** The (cached) codec of a type. */
export function codecFor(type: DataType): Codec {
  return build(type, 0);
}

/** The decoder of a type, for callers that precompute per-column decoders. */
export function decoderFor(type: DataType): Decoder {
  return build(type, 0).dec;
}

function build(type: DataType, depth: number): Codec {
  const hit = cache.get(type);
  if (hit !== undefined) return hit;
  let c: Codec;
  if (depth > MAX_DEPTH) return refusing(type, `type nested deeper than ${MAX_DEPTH} levels`);
  switch (type.kind) {
    case "custom":
      c = customCodec(type);
      break;
    case "list":
    case "set":
      c = collectionCodec(type, build(type.element, depth + 1));
      break;
    case "map":
      c = mapCodec(type, build(type.key, depth + 1), build(type.value, depth + 1));
      break;
    case "tuple":
      c = tupleCodec(type, type.elements.map((t) => build(t, depth + 1)));
      break;
    case "udt":
      c = udtCodec(type, type.fields.map((f) => build(f.type, depth + 1)));
      break;
    case "vector":
      c = vectorCodec(type, build(type.element, depth + 1));
      break;
    default: {
      const p = PRIMITIVE_CODECS[type.kind];
      if (p === undefined) return refusing(type, "unknown type");
      c = p;
    }
  }
  cache.set(type, c);
  return c;
}

/** A codec for a type we cannot handle; fails only when actually used. */
function refusing(type: DataType, why: string): Codec {
  const kind = String((type as { kind?: unknown }).kind);
  return {
    type,
    size: -1,
    dec: () => {
      throw new ProtocolError(`cannot decode ${kind}: ${why}`);
    },
    enc: (_w, _v, name) => {
      throw new TypeError(`cannot encode ${JSON.stringify(name)} (${kind}): ${why}`);
    },
  };
}

function isIterable(v: unknown): v is Iterable<unknown> {
  return typeof v === "object" && v !== null &&
    typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function";
}

function isNullish(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "symbol" && v === unset);
}

function collectionCodec(type: DataType & { kind: "list" | "set" }, elem: Codec): Codec {
  const ed = elem.dec;
  const dec: Decoder = (buf, dv, off, len) => {
    // A zero-length collection is the legacy empty value.
    if (len === 0) return [];
    if (len < 4) truncated(type);
    const end = off + len;
    const n = dv.getInt32(off);
    // Every element takes at least its 4-byte length: check before allocating anything.
    if (n < 0 || n > (len - 4) / 4) truncated(type);
    const out: unknown[] = [];
    let p = off + 4;
    for (let i = 0; i < n; i++) {
      if (p + 4 > end) truncated(type);
      const l = dv.getInt32(p);
      p += 4;
      if (l < 0) {
        out.push(null);
        continue;
      }
      if (l > end - p) truncated(type);
      out.push(ed(buf, dv, p, l));
      p += l;
    }
    if (p !== end) truncated(type);
    return out;
  };
  const expected = type.kind === "set" ? "an array, Set or iterable" : "an array or iterable";
  const enc: Encoder = (w, v, name) => {
    if (!isIterable(v) || v instanceof Map) invalid(name, type, expected, v);
    w.ensure(4);
    const countAt = w.length;
    w.length += 4;
    let i = 0;
    for (const e of v) {
      const label = `${name}[${i}]`;
      if (isNullish(e)) invalid(label, elem.type, "a value (collections cannot hold null)", e);
      writeElement(w, elem, e, label);
      i++;
    }
    w.setIntAt(countAt, i);
  };
  return { type, size: -1, dec, enc };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function mapCodec(type: MapType, key: Codec, value: Codec): Codec {
  const kd = key.dec;
  const vd = value.dec;
  const textKeys = type.key.kind === "varchar" || type.key.kind === "ascii";
  const dec: Decoder = (buf, dv, off, len) => {
    const out = new Map<unknown, unknown>();
    if (len === 0) return out;
    if (len < 4) truncated(type);
    const end = off + len;
    const n = dv.getInt32(off);
    if (n < 0 || n > (len - 4) / 8) truncated(type);
    let p = off + 4;
    for (let i = 0; i < n; i++) {
      if (p + 4 > end) truncated(type);
      let l = dv.getInt32(p);
      p += 4;
      let k: unknown = null;
      if (l >= 0) {
        if (l > end - p) truncated(type);
        k = kd(buf, dv, p, l);
        p += l;
      }
      if (p + 4 > end) truncated(type);
      l = dv.getInt32(p);
      p += 4;
      let v: unknown = null;
      if (l >= 0) {
        if (l > end - p) truncated(type);
        v = vd(buf, dv, p, l);
        p += l;
      }
      out.set(k, v);
    }
    if (p !== end) truncated(type);
    return out;
  };
  const writePair = (w: ByteWriter, k: unknown, v: unknown, name: string) => {
    if (isNullish(k)) invalid(`${name} key`, key.type, "a value (map keys cannot be null)", k);
    if (isNullish(v)) {
      invalid(`${name}[${String(k)}]`, value.type, "a value (map values cannot be null)", v);
    }
    writeElement(w, key, k, `${name} key`);
    writeElement(w, value, v, name);
  };
  const enc: Encoder = (w, v, name) => {
    if (v instanceof Map) {
      w.int(v.size);
      for (const [k, x] of v) writePair(w, k, x, name);
    } else if (textKeys && isPlainObject(v)) {
      const keys = Object.keys(v);
      w.int(keys.length);
      for (const k of keys) writePair(w, k, v[k], name);
    } else {
      invalid(name, type, textKeys ? "a Map or a plain object" : "a Map", v);
    }
  };
  return { type, size: -1, dec, enc };
}

function tupleCodec(type: TupleType, elems: Codec[]): Codec {
  const n = elems.length;
  const decs = elems.map((c) => c.dec);
  const dec: Decoder = (buf, dv, off, len) => {
    const end = off + len;
    const out: unknown[] = [];
    let p = off;
    for (let i = 0; i < n; i++) {
      // Values written before the tuple grew are shorter: the missing trailing ones are null.
      if (p === end) {
        out.push(null);
        continue;
      }
      if (p + 4 > end) truncated(type);
      const l = dv.getInt32(p);
      p += 4;
      if (l < 0) {
        out.push(null);
        continue;
      }
      if (l > end - p) truncated(type);
      out.push(decs[i](buf, dv, p, l));
      p += l;
    }
    if (p !== end) truncated(type);
    return out;
  };
  const enc: Encoder = (w, v, name) => {
    if (!Array.isArray(v) || v.length !== n) invalid(name, type, `an array of ${n} elements`, v);
    for (let i = 0; i < n; i++) {
      const e = v[i];
      if (e === null || e === undefined) w.int(-1);
      else if (e === unset) invalid(`${name}[${i}]`, elems[i].type, "a value or null", e);
      else writeElement(w, elems[i], e, `${name}[${i}]`);
    }
  };
  return { type, size: -1, dec, enc };
}

/**
 * Builds objects of one fixed shape: copying a template keeps every object on the same hidden
 * class (no `new Function`, which edge runtimes forbid). The template is made with
 * defineProperty so a field named `__proto__` becomes a plain own property.
 */
export function objectTemplate(names: readonly string[]): Record<string, unknown> {
  const t: Record<string, unknown> = {};
  for (const n of names) {
    Object.defineProperty(t, n, {
      value: null,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return t;
}

function udtCodec(type: UdtType, fields: Codec[]): Codec {
  const names = type.fields.map((f) => f.name);
  const known = new Set(names);
  const decs = fields.map((c) => c.dec);
  const template = objectTemplate(names);
  const n = names.length;
  const dec: Decoder = (buf, dv, off, len) => {
    const end = off + len;
    const out = { ...template };
    let p = off;
    // Fewer values than fields is allowed (the rest stay null); values beyond the known fields
    // come from fields added after this metadata was read and are ignored.
    for (let i = 0; i < n && p < end; i++) {
      if (p + 4 > end) truncated(type);
      const l = dv.getInt32(p);
      p += 4;
      if (l < 0) continue;
      if (l > end - p) truncated(type);
      out[names[i]] = decs[i](buf, dv, p, l);
      p += l;
    }
    return out;
  };
  const enc: Encoder = (w, v, name) => {
    if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Map) {
      invalid(name, type, "an object with the UDT's fields", v);
    }
    const o = v as Record<string, unknown>;
    for (const k in o) {
      if (!known.has(k) && o[k] !== undefined) {
        invalid(name, type, `only the fields ${names.join(", ")} (unknown field "${k}")`, v);
      }
    }
    for (let i = 0; i < n; i++) {
      const e = Object.hasOwn(o, names[i]) ? o[names[i]] : undefined;
      if (e === null || e === undefined) w.int(-1);
      else if (e === unset) invalid(`${name}.${names[i]}`, fields[i].type, "a value or null", e);
      else writeElement(w, fields[i], e, `${name}.${names[i]}`);
    }
  };
  return { type, size: -1, dec, enc };
}

/**
 * Byte size of a vector element when Cassandra serializes it without a length prefix (its
 * `valueLengthIfFixed`), or -1. Not the same as the CQL value size: smallint, tinyint, date and
 * time are length-prefixed inside vectors.
 */
export function vectorElementSize(t: DataType): number {
  switch (t.kind) {
    case "boolean":
      return 1;
    case "int":
    case "float":
      return 4;
    case "bigint":
    case "double":
    case "timestamp":
      return 8;
    case "uuid":
    case "timeuuid":
      return 16;
    case "vector": {
      const s = vectorElementSize(t.element);
      return s < 0 ? -1 : s * t.dimension;
    }
    default:
      return -1;
  }
}

function isNumberArrayLike(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array;
}

function vectorCodec(type: VectorType, elem: Codec): Codec {
  const dim = type.dimension;
  const ekind = type.element.kind;
  const esize = vectorElementSize(type.element);
  const size = esize < 0 ? -1 : esize * dim;
  const ed = elem.dec;
  let dec: Decoder;
  let enc: Encoder;
  if (ekind === "float" || ekind === "double") {
    const single = ekind === "float";
    dec = (_buf, dv, off, len) => {
      if (len !== size) return len === 0 ? null : truncated(type);
      if (single) {
        const out = new Float32Array(dim);
        for (let i = 0; i < dim; i++) out[i] = dv.getFloat32(off + 4 * i);
        return out;
      }
      const out = new Float64Array(dim);
      for (let i = 0; i < dim; i++) out[i] = dv.getFloat64(off + 8 * i);
      return out;
    };
    enc = (w, v, name) => {
      if (!isNumberArrayLike(v) || v.length !== dim) {
        invalid(
          name,
          type,
          `${single ? "a Float32Array" : "a Float64Array"} or number[] of length ${dim}`,
          v,
        );
      }
      w.ensure(size);
      const view = w.view;
      const base = w.length;
      for (let i = 0; i < dim; i++) {
        const x = v[i];
        if (typeof x !== "number") invalid(`${name}[${i}]`, type.element, "a number", x);
        if (single) view.setFloat32(base + 4 * i, x);
        else view.setFloat64(base + 8 * i, x);
      }
      w.length += size;
    };
  } else if (esize >= 0) {
    dec = (buf, dv, off, len) => {
      if (len !== size) return len === 0 ? null : truncated(type);
      const out: unknown[] = [];
      for (let i = 0; i < dim; i++) out.push(ed(buf, dv, off + esize * i, esize));
      return out;
    };
    enc = (w, v, name) => {
      if (!Array.isArray(v) || v.length !== dim) {
        invalid(name, type, `an array of length ${dim}`, v);
      }
      for (let i = 0; i < dim; i++) {
        const e = v[i];
        if (isNullish(e)) {
          invalid(`${name}[${i}]`, type.element, "a value (vectors cannot hold null)", e);
        }
        elem.enc(w, e, `${name}[${i}]`);
      }
    };
  } else {
    dec = (buf, dv, off, len) => {
      if (len === 0) return null;
      // Each element takes at least its one-byte length: check before allocating.
      if (dim > len) truncated(type);
      const end = off + len;
      const cur: VintCursor = { pos: off };
      const out: unknown[] = [];
      for (let i = 0; i < dim; i++) {
        const l = readUnsignedVintSmall(buf, cur, end);
        if (l > end - cur.pos) truncated(type);
        out.push(ed(buf, dv, cur.pos, l));
        cur.pos += l;
      }
      if (cur.pos !== end) truncated(type);
      return out;
    };
    enc = (w, v, name) => {
      if (!Array.isArray(v) || v.length !== dim) {
        invalid(name, type, `an array of length ${dim}`, v);
      }
      // The vint length prefix has a variable size, so each element is staged to learn its length.
      const tmp = new ByteWriter(64);
      for (let i = 0; i < dim; i++) {
        const e = v[i];
        if (isNullish(e)) {
          invalid(`${name}[${i}]`, type.element, "a value (vectors cannot hold null)", e);
        }
        tmp.reset();
        elem.enc(tmp, e, `${name}[${i}]`);
        writeUnsignedVintSmall(w, tmp.length);
        w.raw(tmp.view0());
      }
    };
  }
  return { type, size, dec, enc };
}

/** Converts anything a decoder threw into a {@link ProtocolError}. */
export function asProtocolError(e: unknown): ProtocolError {
  if (e instanceof ProtocolError) return e;
  return new ProtocolError(`malformed value: ${e instanceof Error ? e.message : String(e)}`, {
    cause: e,
  });
}

/**
 * Writes a [value]: its 4-byte length then its bytes. null and undefined write length -1;
 * {@link unset} writes -2 (only valid for protocol v4 and later; the caller checks the version).
 * `name` (a column or parameter name, or a label such as `$1`) appears in errors.
 *
 * Throws TypeError if the value does not fit the type; the writer is then left as it was.
 */
export function writeValue(w: ByteWriter, type: DataType, value: unknown, name: string): void {
  writeValueWith(w, build(type, 0), value, name);
}

/**
 * {@link writeValue} with the type's codec (from {@link codecFor}) looked up beforehand: callers
 * that bind the same markers on every request keep one per marker rather than a cache lookup per
 * value.
 */
export function writeValueWith(w: ByteWriter, c: Codec, value: unknown, name: string): void {
  if (value === null || value === undefined) {
    w.int(-1);
    return;
  }
  // The typeof test first: a bare `value === unset` sees strings, numbers and bigints beside
  // the symbol, and V8 then compiles it to a generic comparison call (2% of the driver-bound
  // select profile).
  if (typeof value === "symbol" && value === unset) {
    w.int(-2);
    return;
  }
  const start = w.length;
  w.ensure(4);
  w.length += 4;
  try {
    c.enc(w, value, name);
  } catch (e) {
    w.length = start;
    throw e;
  }
  w.setIntAt(start, w.length - start - 4);
}

/**
 * The bytes of a value without the length prefix, or null for null/undefined. Throws TypeError
 * if the value does not fit the type, or is {@link unset} (which has no byte form).
 */
export function encodeValue(type: DataType, value: unknown, name: string): Uint8Array | null {
  if (value === null || value === undefined) return null;
  if (value === unset) throw new TypeError(`${JSON.stringify(name)}: unset has no byte form`);
  const w = new ByteWriter(64);
  build(type, 0).enc(w, value, name);
  return w.toBytes();
}

/**
 * Decodes a value's bytes (without length prefix); null stays null. Malformed bytes throw
 * {@link ProtocolError}, never another exception.
 */
export function decodeValue(type: DataType, bytes: Uint8Array | null): unknown {
  if (bytes === null) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return build(type, 0).dec(bytes, dv, 0, bytes.length);
  } catch (e) {
    throw asProtocolError(e);
  }
}
