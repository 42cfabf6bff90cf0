/**
 * Byte readers and writers for the CQL native protocol notation ([int], [short], [string],
 * [bytes], [string map], ...). Everything here is big-endian, as the spec requires.
 *
 * @module
 */
import { ProtocolError } from "./errors.ts";

const encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF: it is part of the value, not an encoding mark.
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A runtime's native UTF-8 decoder over `bytes[start, end)`, such as `Buffer`'s `utf8Slice`:
 * it replaces invalid sequences with U+FFFD instead of failing.
 */
export type Utf8Slice = (bytes: Uint8Array, start: number, end: number) => string;

// Set once by a transport that has one (see useNativeUtf8); text cells are the bulk of most
// rows and TextDecoder costs 1.5x (Node, Bun) to 5x (Deno) more on short strings.
let nativeSlice: Utf8Slice | undefined;
// Up to this many bytes, ASCII is decoded by hand: no call into the runtime at all. Measured
// break-even against a native slice: about 8 bytes; against TextDecoder: about 16.
let handMax = 16;

/**
 * Makes every UTF-8 decode in this module use `slice` (checked, so invalid input still fails).
 * Transports call it with their runtime's decoder; it changes speed, never results.
 */
export function useNativeUtf8(slice: Utf8Slice): void {
  nativeSlice = slice;
  handMax = 8;
}

/**
 * Decodes UTF-8; invalid sequences are a {@link ProtocolError} because they can only come from
 * a server sending bad data.
 */
export function utf8Decode(b: Uint8Array): string {
  return utf8DecodeRange(b, 0, b.length);
}

/** {@link utf8Decode} of `b[start, end)`, without a subarray. */
export function utf8DecodeRange(b: Uint8Array, start: number, end: number): string {
  if (end - start <= handMax) {
    let s = "";
    for (let i = start; i < end; i++) {
      const c = b[i];
      if (c > 0x7f) return decodeRuntime(b, start, end);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decodeRuntime(b, start, end);
}

function decodeRuntime(b: Uint8Array, start: number, end: number): string {
  if (nativeSlice !== undefined) {
    const s = nativeSlice(b, start, end);
    // Only a replacement character can stand for an invalid sequence; TextDecoder judges those.
    if (s.indexOf("\uFFFD") === -1) return s;
  }
  return decodeSlow(b.subarray(start, end));
}

function decodeSlow(b: Uint8Array): string {
  try {
    return decoder.decode(b);
  } catch (e) {
    throw new ProtocolError("invalid UTF-8 in a string", { cause: e });
  }
}

/** Returns true when both arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Concatenates byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Lower-case hex of the bytes, e.g. for prepared statement ids in messages. */
export function toHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}

/** Parses lower- or upper-case hex into bytes; throws TypeError on a bad digit or odd length. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new TypeError(`odd-length hex string: ${hex.length} digits`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const v = parseInt(hex.substr(i * 2, 2), 16);
    if (Number.isNaN(v)) throw new TypeError(`bad hex digit near offset ${i * 2}`);
    out[i] = v;
  }
  return out;
}

/**
 * A growable big-endian writer. Reuse one per message: `reset()` keeps the buffer, so encoding
 * many requests allocates only the final copies handed to the socket.
 */
export class ByteWriter {
  /** The underlying buffer; valid bytes are `[0, length)`. */
  buf: Uint8Array;
  /** A view over {@link buf}. */
  view: DataView;
  /** Number of bytes written so far. */
  length = 0;

  /** Creates a writer with an initial capacity in bytes. */
  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Forgets what was written, keeping the buffer for reuse. */
  reset(): void {
    this.length = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A copy of the written bytes. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  /** A view of the written bytes; it is invalidated by the next write or reset. */
  view0(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** Writes one unsigned byte. */
  byte(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v;
  }

  /** Writes a [short]: 2-byte unsigned. */
  short(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.length, v);
    this.length += 2;
  }

  /** Writes an [int]: 4-byte signed. */
  int(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.length, v);
    this.length += 4;
  }

  /** Writes a 4-byte unsigned integer. */
  uint(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, v);
    this.length += 4;
  }

  /** Writes a [long]: 8-byte signed. */
  long(v: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.length, v);
    this.length += 8;
  }

  /** Writes raw bytes with no length prefix. */
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Writes a [string]: [short] length then UTF-8. */
  string(s: string): void {
    this.utf8WithLength(s, 2);
  }

  /** Writes a [long string]: [int] length then UTF-8. */
  longString(s: string): void {
    this.utf8WithLength(s, 4);
  }

  /**
   * Writes `s` as UTF-8 with no length prefix and returns the byte count. A lone surrogate has no
   * UTF-8 form: with `strict` nothing is written and the result is -1, otherwise it is written
   * as U+FFFD, as TextEncoder does.
   */
  utf8(s: string, strict = false): number {
    const n = s.length;
    // Worst case UTF-8 is 3 bytes per UTF-16 unit; encode in place to avoid a temporary array.
    this.ensure(n * 3);
    const start = this.length;
    // Short ASCII (keys, names) is copied by hand: up to about 24 characters that beats
    // encodeInto and the subarray it needs by 3-4x on every runtime.
    if (n > 24 || this.ascii(s) < n) {
      if (strict && !s.isWellFormed()) {
        this.length = start;
        return -1;
      }
      this.length = start + encoder.encodeInto(s, this.buf.subarray(start)).written;
    }
    return this.length - start;
  }

  /**
   * Writes the leading ASCII characters of `s`, one byte each, and returns how many there were;
   * the caller has ensured room for all of `s`.
   */
  ascii(s: string): number {
    const n = s.length;
    const buf = this.buf;
    const base = this.length;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) break;
      buf[base + i] = c;
    }
    this.length = base + i;
    return i;
  }

  private utf8WithLength(s: string, prefix: 2 | 4): void {
    const at = this.length;
    this.ensure(prefix);
    this.length = at + prefix;
    const written = this.utf8(s);
    if (prefix === 2) {
      if (written > 0xffff) {
        this.length = at;
        throw new TypeError(`string too long for a [string]: ${written} bytes`);
      }
      this.view.setUint16(at, written);
    } else {
      this.view.setInt32(at, written);
    }
  }

  /** Writes [bytes]: [int] length then the bytes; null writes length -1. */
  bytes(b: Uint8Array | null): void {
    if (b === null) {
      this.int(-1);
      return;
    }
    this.ensure(4 + b.length);
    this.view.setInt32(this.length, b.length);
    this.buf.set(b, this.length + 4);
    this.length += 4 + b.length;
  }

  /** Writes [short bytes]: [short] length then the bytes. */
  shortBytes(b: Uint8Array): void {
    if (b.length > 0xffff) throw new TypeError(`too long for [short bytes]: ${b.length}`);
    this.short(b.length);
    this.raw(b);
  }

  /** Writes a [string list]. */
  stringList(list: readonly string[]): void {
    this.short(list.length);
    for (const s of list) this.string(s);
  }

  /** Writes a [string map]. */
  stringMap(map: Readonly<Record<string, string>>): void {
    const keys = Object.keys(map);
    this.short(keys.length);
    for (const k of keys) {
      this.string(k);
      this.string(map[k]);
    }
  }

  /** Writes a [bytes map] (used by custom payloads). */
  bytesMap(map: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>): void {
    const entries = map instanceof Map ? [...map.entries()] : Object.entries(map);
    this.short(entries.length);
    for (const [k, v] of entries) {
      this.string(k);
      this.bytes(v);
    }
  }

  /** Overwrites a 4-byte signed integer at an earlier offset (for back-patched lengths). */
  setIntAt(offset: number, v: number): void {
    this.view.setInt32(offset, v);
  }
}

/**
 * Sets `key` as an own data property: a server-sent key `__proto__` must not replace the
 * object's prototype (what `out[key] = v` does on runtimes with the `__proto__` accessor).
 */
function setOwn<T>(out: Record<string, T>, key: string, v: T): void {
  if (key === "__proto__") {
    Object.defineProperty(out, key, {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else out[key] = v;
}

/**
 * A bounds-checked big-endian reader over a byte range. Every read past the end throws a
 * {@link ProtocolError}, so a truncated or lying server message can never read garbage.
 */
export class ByteReader {
  /** The bytes being read. */
  readonly buf: Uint8Array;
  /** A view over {@link buf}. */
  readonly view: DataView;
  /** Current read offset into {@link buf}. */
  pos: number;
  /** End offset (exclusive) into {@link buf}. */
  readonly end: number;

  /** Reads `buf` from `start` (default 0) to `end` (default its length). */
  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = end;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new ProtocolError(
        `message truncated: need ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`,
      );
    }
  }

  /** Reads one unsigned byte. */
  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  /** Reads a [short] (unsigned 16-bit). */
  short(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  /** Reads an [int] (signed 32-bit). */
  int(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  /** Reads a [long] (signed 64-bit) as bigint. */
  long(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }

  /** Returns a view (not a copy) of the next `n` bytes. */
  raw(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads a [string]. */
  string(): string {
    const n = this.short();
    this.need(n);
    const start = this.pos;
    this.pos += n;
    return utf8DecodeRange(this.buf, start, start + n);
  }

  /** Reads a [long string]. */
  longString(): string {
    const n = this.int();
    if (n < 0) throw new ProtocolError(`negative [long string] length ${n}`);
    return utf8Decode(this.raw(n));
  }

  /** Reads [bytes]; a negative length is null. Returns a view, not a copy. */
  bytes(): Uint8Array | null {
    const n = this.int();
    if (n < 0) return null;
    return this.raw(n);
  }

  /** Reads [short bytes]. Returns a view. */
  shortBytes(): Uint8Array {
    return this.raw(this.short());
  }

  /** Reads a [string list]. */
  stringList(): string[] {
    const n = this.short();
    // Each string takes at least its 2-byte length: a lying count fails before allocating.
    this.need(2 * n);
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = this.string();
    return out;
  }

  /** Reads a [string map]. */
  stringMap(): Record<string, string> {
    const n = this.short();
    const out: Record<string, string> = {};
    for (let i = 0; i < n; i++) {
      const k = this.string();
      setOwn(out, k, this.string());
    }
    return out;
  }

  /** Reads a [string multimap]. */
  stringMultimap(): Record<string, string[]> {
    const n = this.short();
    const out: Record<string, string[]> = {};
    for (let i = 0; i < n; i++) {
      const k = this.string();
      setOwn(out, k, this.stringList());
    }
    return out;
  }

  /** Reads a [bytes map]. Values are copies, so they outlive the frame buffer. */
  bytesMap(): Map<string, Uint8Array | null> {
    const n = this.short();
    const out = new Map<string, Uint8Array | null>();
    for (let i = 0; i < n; i++) {
      const k = this.string();
      const v = this.bytes();
      out.set(k, v === null ? null : v.slice());
    }
    return out;
  }

  /** Reads a [uuid] as 16 bytes (a view). */
  uuidBytes(): Uint8Array {
    return this.raw(16);
  }

  /** Reads an [inetaddr] (no port) as 4 or 16 bytes (a view). */
  inetAddrBytes(): Uint8Array {
    const n = this.byte();
    if (n !== 4 && n !== 16) throw new ProtocolError(`bad [inetaddr] length ${n}`);
    return this.raw(n);
  }
}
