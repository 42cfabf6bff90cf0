/**
 * A deliberately tiny CQL native protocol v4 toolkit for the benchmark: frame headers, the few
 * requests the harness sends (STARTUP, QUERY, PREPARE, EXECUTE), value encoders for the bench
 * schema, and just enough response parsing to find a prepared id, a row count and a paging
 * state. It is self-contained (it does not import the driver under `src/`) so that the ceiling,
 * the schema step and the replay server measure nothing of ours and keep working while the
 * driver changes.
 *
 * @module
 */

import { net, type Socket } from "./net.ts";

/** Bytes in a v3/v4 frame header. */
export const HEADER = 9;

/** Request and response opcodes used here. */
export const Op = {
  ERROR: 0x00,
  STARTUP: 0x01,
  READY: 0x02,
  OPTIONS: 0x05,
  SUPPORTED: 0x06,
  QUERY: 0x07,
  RESULT: 0x08,
  PREPARE: 0x09,
  EXECUTE: 0x0a,
  REGISTER: 0x0b,
} as const;

/** Frame header flag: the body is compressed. */
export const FLAG_COMPRESSED = 0x01;

/** Consistency ONE: the node is alone, so every level means the same thing. */
export const CONSISTENCY_ONE = 0x0001;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Growable big-endian byte writer. */
export class Writer {
  /** Backing store; only `bytes()` is meaningful. */
  buf = new Uint8Array(256);
  /** Bytes written so far. */
  len = 0;
  private view = new DataView(this.buf.buffer);

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  /** Appends one byte. */
  u8(v: number): this {
    this.room(1);
    this.buf[this.len++] = v;
    return this;
  }
  /** Appends a [short]. */
  u16(v: number): this {
    this.room(2);
    this.view.setUint16(this.len, v);
    this.len += 2;
    return this;
  }
  /** Appends an [int]. */
  i32(v: number): this {
    this.room(4);
    this.view.setInt32(this.len, v);
    this.len += 4;
    return this;
  }
  /** Appends raw bytes. */
  raw(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  /** Appends a [string] (short length). */
  str(s: string): this {
    const b = encoder.encode(s);
    return this.u16(b.length).raw(b);
  }
  /** Appends a [long string] (int length). */
  longStr(s: string): this {
    const b = encoder.encode(s);
    return this.i32(b.length).raw(b);
  }
  /** Appends [short bytes]. */
  shortBytes(b: Uint8Array): this {
    return this.u16(b.length).raw(b);
  }
  /** Appends [bytes]; null encodes as length -1. */
  value(b: Uint8Array | null): this {
    if (b === null) return this.i32(-1);
    return this.i32(b.length).raw(b);
  }
  /** A copy of what was written. */
  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Builds a complete v4 frame around `body`. */
export function frame(opcode: number, stream: number, body: Uint8Array, flags = 0): Uint8Array {
  const out = new Uint8Array(HEADER + body.length);
  out[0] = 0x04;
  out[1] = flags;
  out[2] = (stream >> 8) & 0xff;
  out[3] = stream & 0xff;
  out[4] = opcode;
  new DataView(out.buffer).setUint32(5, body.length);
  out.set(body, HEADER);
  return out;
}

/** STARTUP body, optionally asking for a compression algorithm. */
export function startupBody(compression?: "lz4"): Uint8Array {
  const w = new Writer();
  const entries: [string, string][] = [["CQL_VERSION", "3.0.0"]];
  if (compression) entries.push(["COMPRESSION", compression]);
  w.u16(entries.length);
  for (const [k, v] of entries) w.str(k).str(v);
  return w.done();
}

/** QUERY body without values, consistency ONE. */
export function queryBody(cql: string): Uint8Array {
  return new Writer().longStr(cql).u16(CONSISTENCY_ONE).u8(0).done();
}

/** PREPARE body. */
export function prepareBody(cql: string): Uint8Array {
  return new Writer().longStr(cql).done();
}

/** Options for {@link executeBody}. */
export interface ExecuteOptions {
  /** Result page size; omitted means the server default. */
  pageSize?: number;
  /** Paging state from the previous page. */
  pagingState?: Uint8Array | null;
  /** Ask the server not to repeat result metadata (it is known from PREPARE). */
  skipMetadata?: boolean;
}

/** EXECUTE body for a prepared id with already-encoded values, consistency ONE. */
export function executeBody(
  id: Uint8Array,
  values: (Uint8Array | null)[],
  opts: ExecuteOptions = {},
): Uint8Array {
  const w = new Writer().shortBytes(id).u16(CONSISTENCY_ONE);
  let flags = 0;
  if (values.length) flags |= 0x01;
  if (opts.skipMetadata) flags |= 0x02;
  if (opts.pageSize) flags |= 0x04;
  if (opts.pagingState) flags |= 0x08;
  w.u8(flags);
  if (values.length) {
    w.u16(values.length);
    for (const v of values) w.value(v);
  }
  if (opts.pageSize) w.i32(opts.pageSize);
  if (opts.pagingState) w.value(opts.pagingState);
  return w.done();
}

/** Value encoders for the column types the bench schema uses. */
export const enc = {
  /** text */
  text: (s: string): Uint8Array => encoder.encode(s),
  /** int */
  int(v: number): Uint8Array {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v);
    return b;
  },
  /** bigint, counter, timestamp */
  bigint(v: bigint): Uint8Array {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, v);
    return b;
  },
  /** double */
  double(v: number): Uint8Array {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v);
    return b;
  },
  /** boolean */
  bool: (v: boolean): Uint8Array => new Uint8Array([v ? 1 : 0]),
  /** uuid from its 36-character text form */
  uuid(s: string): Uint8Array {
    const hex = s.replaceAll("-", "");
    const b = new Uint8Array(16);
    for (let i = 0; i < 16; i++) b[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return b;
  },
};

/** Reads the body length of the frame whose header starts at `off`. */
export function bodyLength(buf: Uint8Array, off: number): number {
  return ((buf[off + 5] << 24) | (buf[off + 6] << 16) | (buf[off + 7] << 8) | buf[off + 8]) >>> 0;
}

/** Reads a v3/v4 stream id (signed 16 bits) from a header at `off`. */
export function streamOf(buf: Uint8Array, off: number): number {
  return (buf[off + 2] << 8) | buf[off + 3];
}

/** The decoded parts of a response that the harness looks at. */
export interface Response {
  /** Response opcode. */
  opcode: number;
  /** Stream id. */
  stream: number;
  /** Body (decompressed by the caller if need be). */
  body: Uint8Array;
}

/** Human-readable text of an ERROR body. */
export function errorMessage(body: Uint8Array): string {
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const code = dv.getInt32(0);
  const n = dv.getUint16(4);
  return `0x${code.toString(16)}: ${decoder.decode(body.subarray(6, 6 + n))}`;
}

/** RESULT kind (first int of a RESULT body). */
export function resultKind(body: Uint8Array): number {
  return new DataView(body.buffer, body.byteOffset, body.byteLength).getInt32(0);
}

/** The prepared id of a RESULT/Prepared body. */
export function preparedId(body: Uint8Array): Uint8Array {
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const n = dv.getUint16(4);
  return body.slice(6, 6 + n);
}

/** Row count and paging state of a RESULT/Rows body, read without decoding a single row. */
export interface RowsSummary {
  /** Rows in this page. */
  rows: number;
  /** Paging state for the next page, or null on the last page. */
  pagingState: Uint8Array | null;
}

/** Skips an [option] type spec starting at `p`, returning the offset after it. */
function skipType(dv: DataView, p: number): number {
  const id = dv.getUint16(p);
  p += 2;
  switch (id) {
    case 0x0000: // custom: [string] class name
      return p + 2 + dv.getUint16(p);
    case 0x0020: // list
    case 0x0022: // set
      return skipType(dv, p);
    case 0x0021: // map
      return skipType(dv, skipType(dv, p));
    case 0x0030: { // udt: keyspace, name, n × (field name, type)
      p += 2 + dv.getUint16(p);
      p += 2 + dv.getUint16(p);
      const n = dv.getUint16(p);
      p += 2;
      for (let i = 0; i < n; i++) p = skipType(dv, p + 2 + dv.getUint16(p));
      return p;
    }
    case 0x0031: { // tuple
      const n = dv.getUint16(p);
      p += 2;
      for (let i = 0; i < n; i++) p = skipType(dv, p);
      return p;
    }
    default:
      return p;
  }
}

/** Reads the metadata of a RESULT/Rows body: enough to count rows and continue paging. */
export function rowsSummary(body: Uint8Array): RowsSummary {
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let p = 4; // kind
  const flags = dv.getInt32(p);
  const columns = dv.getInt32(p + 4);
  p += 8;
  let pagingState: Uint8Array | null = null;
  if (flags & 0x0002) {
    const n = dv.getInt32(p);
    p += 4;
    if (n >= 0) {
      pagingState = body.slice(p, p + n);
      p += n;
    }
  }
  if (!(flags & 0x0004)) { // metadata present
    const global = (flags & 0x0001) !== 0;
    if (global) {
      p += 2 + dv.getUint16(p);
      p += 2 + dv.getUint16(p);
    }
    for (let i = 0; i < columns; i++) {
      if (!global) {
        p += 2 + dv.getUint16(p);
        p += 2 + dv.getUint16(p);
      }
      p += 2 + dv.getUint16(p); // column name
      p = skipType(dv, p);
    }
  }
  return { rows: dv.getInt32(p), pagingState };
}

/** Appends an LZ4 length extension (the part of a length past the 4-bit nibble). */
function lz4Length(out: number[], n: number): void {
  while (n >= 255) {
    out.push(255);
    n -= 255;
  }
  out.push(n);
}

/**
 * Compresses one LZ4 block: a greedy single-pass matcher over 4-byte hashes. The harness only
 * compresses requests before the clock starts, so this favours brevity over speed; it keeps
 * the bench free of any LZ4 package (lz4-wasm's glue needs a bundler to load its .wasm).
 */
export function lz4CompressBlock(src: Uint8Array): Uint8Array {
  const out: number[] = [];
  const table = new Int32Array(1 << 16).fill(-1);
  const n = src.length;
  const limit = n - 12; // the last match must start 12 bytes before the end
  let anchor = 0;
  let i = 0;
  const read32 = (p: number) =>
    (src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24)) >>> 0;
  while (i < limit) {
    const v = read32(i);
    const h = Math.imul(v, 2654435761) >>> 16;
    const ref = table[h];
    table[h] = i;
    if (ref < 0 || i - ref > 65535 || read32(ref) !== v) {
      i++;
      continue;
    }
    let len = 4;
    while (i + len < n - 5 && src[ref + len] === src[i + len]) len++;
    const lit = i - anchor;
    out.push((Math.min(lit, 15) << 4) | Math.min(len - 4, 15));
    if (lit >= 15) lz4Length(out, lit - 15);
    for (let k = anchor; k < i; k++) out.push(src[k]);
    out.push((i - ref) & 0xff, (i - ref) >> 8);
    if (len - 4 >= 15) lz4Length(out, len - 4 - 15);
    i += len;
    anchor = i;
  }
  const lit = n - anchor;
  out.push(Math.min(lit, 15) << 4);
  if (lit >= 15) lz4Length(out, lit - 15);
  for (let k = anchor; k < n; k++) out.push(src[k]);
  return Uint8Array.from(out);
}

/** Decompresses one LZ4 block of known decompressed size. */
export function lz4DecompressBlock(src: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let i = 0;
  let o = 0;
  while (i < src.length) {
    const token = src[i++];
    let lit = token >> 4;
    if (lit === 15) {
      let b;
      do lit += b = src[i++]; while (b === 255);
    }
    out.set(src.subarray(i, i + lit), o);
    i += lit;
    o += lit;
    if (i >= src.length) break;
    const offset = src[i] | (src[i + 1] << 8);
    i += 2;
    let len = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b;
      do len += b = src[i++]; while (b === 255);
    }
    for (let k = 0; k < len; k++, o++) out[o] = out[o - offset];
  }
  return out;
}

/** LZ4 body framing of protocol v4: a big-endian uncompressed length, then one LZ4 block. */
export interface Lz4Codec {
  /** Frame body → compressed frame body. */
  compress(b: Uint8Array): Uint8Array;
  /** Compressed frame body → frame body. */
  decompress(b: Uint8Array): Uint8Array;
}

/** The v4 LZ4 body codec. */
export const lz4: Lz4Codec = {
  compress(b: Uint8Array): Uint8Array {
    const block = lz4CompressBlock(b);
    const out = new Uint8Array(4 + block.length);
    new DataView(out.buffer).setUint32(0, b.length);
    out.set(block, 4);
    return out;
  },
  decompress(b: Uint8Array): Uint8Array {
    const size = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0);
    return lz4DecompressBlock(b.subarray(4), size);
  },
};

/**
 * A minimal request/response connection over `node:net` (works on Node, Deno and Bun): one
 * request per stream id, answers matched by stream. Used by the schema step and the replay
 * recorder, where simplicity matters more than speed.
 */
export class SimpleConnection {
  private pending = new Map<number, (r: Response) => void>();
  private nextStream = 1;
  private acc: Uint8Array = new Uint8Array(0);
  private constructor(
    private sock: Socket,
    private codec: Lz4Codec | null,
  ) {
    sock.on("data", (chunk: Uint8Array) => this.onData(chunk));
  }

  /** Connects, sends STARTUP and waits for READY. */
  static async open(host: string, port: number, compression?: "lz4"): Promise<SimpleConnection> {
    const sock = net.connect({ host, port, noDelay: true });
    await new Promise<void>((ok, fail) => {
      sock.once("connect", () => ok());
      sock.once("error", fail);
    });
    const conn = new SimpleConnection(sock, null);
    const ready = await conn.request(Op.STARTUP, startupBody(compression));
    if (ready.opcode !== Op.READY) throw new Error(`STARTUP answered ${ready.opcode}`);
    if (compression) conn.codec = lz4;
    return conn;
  }

  private onData(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.acc.length) {
      buf = new Uint8Array(this.acc.length + chunk.length);
      buf.set(this.acc);
      buf.set(chunk, this.acc.length);
    }
    let off = 0;
    while (buf.length - off >= HEADER) {
      const n = bodyLength(buf, off);
      if (buf.length - off < HEADER + n) break;
      let body: Uint8Array = buf.slice(off + HEADER, off + HEADER + n);
      if (buf[off + 1] & FLAG_COMPRESSED && this.codec) body = this.codec.decompress(body);
      const stream = streamOf(buf, off);
      const resolve = this.pending.get(stream);
      this.pending.delete(stream);
      resolve?.({ opcode: buf[off + 4], stream, body });
      off += HEADER + n;
    }
    this.acc = buf.slice(off);
  }

  /** Sends one request and resolves with its response (ERROR included). */
  request(opcode: number, body: Uint8Array): Promise<Response> {
    let stream = this.nextStream;
    while (this.pending.has(stream)) stream = (stream % 32000) + 1;
    this.nextStream = (stream % 32000) + 1;
    let flags = 0;
    if (this.codec && opcode !== Op.STARTUP && opcode !== Op.OPTIONS) {
      body = this.codec.compress(body);
      flags = FLAG_COMPRESSED;
    }
    return new Promise((resolve) => {
      this.pending.set(stream, resolve);
      this.sock.write(frame(opcode, stream, body, flags));
    });
  }

  /** Like {@link request} but throws on an ERROR response. */
  async expect(opcode: number, body: Uint8Array): Promise<Uint8Array> {
    const r = await this.request(opcode, body);
    if (r.opcode === Op.ERROR) throw new Error(errorMessage(r.body));
    return r.body;
  }

  /** Runs an unprepared statement. */
  query(cql: string): Promise<Uint8Array> {
    return this.expect(Op.QUERY, queryBody(cql));
  }

  /** Prepares a statement and returns its id. */
  async prepare(cql: string): Promise<Uint8Array> {
    return preparedId(await this.expect(Op.PREPARE, prepareBody(cql)));
  }

  /** Closes the socket. */
  close(): void {
    this.sock.destroy();
  }
}
