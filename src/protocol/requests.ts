/**
 * Request encoders. Each writes one complete frame (header, optional custom payload, body, with
 * the length back-patched) at the end of a {@link ByteWriter}, so several requests can be
 * coalesced into one buffer and sent with one socket write.
 *
 * Bound values arrive already serialized: see {@link BoundValues}.
 *
 * @module
 */
import type { ByteWriter } from "./bytes.ts";
import { consistencyCode, type ConsistencyName } from "./consistency.ts";
import { beginFrame, endFrame, type RequestFrameOptions } from "./frame.ts";
import { Opcode } from "./opcodes.ts";
import { type Unset, unset } from "./types/unset.ts";

/**
 * Marker for a bound value left unset ([value] length -2: the column is not modified). The same
 * symbol as the value codecs' `unset`.
 */
export const UNSET: Unset = unset;
export type { Unset };

/** One serialized bound value: its bytes, null, or {@link UNSET}. */
export type ValueBytes = Uint8Array | null | Unset;

/**
 * Bound values, serialized by the caller straight into the request buffer.
 *
 * The encoder writes `count` values in order. For each index `i` it first writes `names[i]` as a
 * [string] when `names` is given, then calls `write(w, i)`, which must append exactly one
 * [value]: an [int] length followed by that many bytes, or the [int] -1 (null) or -2 (unset).
 * Writing in place means a value codec can encode into `w` directly, with no temporary array
 * per value; {@link writeValue} covers the already-encoded case.
 *
 * @example
 * ```ts
 * import type { BoundValues } from "./requests.ts";
 * // Two int columns written without temporaries.
 * const values: BoundValues = {
 *   count: 2,
 *   write(w, i) {
 *     w.int(4);
 *     w.int(i === 0 ? 42 : 7);
 *   },
 * };
 * ```
 */
export interface BoundValues {
  /** Number of values, 0..65535. */
  readonly count: number;
  /** Marker names for named values (QUERY only); same length as `count` when present. */
  readonly names?: readonly string[];
  /** Appends the [value] at `index` to `w`. */
  write(w: ByteWriter, index: number): void;
}

/** Writes one already-serialized value as a [value]. */
export function writeValue(w: ByteWriter, v: ValueBytes): void {
  if (v === UNSET) w.int(-2);
  else w.bytes(v);
}

/** Wraps an array of serialized values (and optional names) as {@link BoundValues}. */
export function boundValues(values: readonly ValueBytes[], names?: readonly string[]): BoundValues {
  return { count: values.length, names, write: (w, i) => writeValue(w, values[i]) };
}

/** Values as accepted by the encoders: a {@link BoundValues} or an array of serialized values. */
export type Values = BoundValues | readonly ValueBytes[];

function asBound(v: Values): BoundValues {
  return Array.isArray(v) ? boundValues(v) : v as BoundValues;
}

/** Flags of <query_parameters> (a [byte] in v4, an [int] in v5). */
export const QueryFlag = {
  Values: 0x0001,
  SkipMetadata: 0x0002,
  PageSize: 0x0004,
  PagingState: 0x0008,
  SerialConsistency: 0x0010,
  DefaultTimestamp: 0x0020,
  NamesForValues: 0x0040,
  /** v5 only. */
  Keyspace: 0x0080,
  /** v5 only. */
  NowInSeconds: 0x0100,
} as const;

/** A consistency level, by name or by wire code. */
export type ConsistencyLevel = ConsistencyName | number;

/** <query_parameters> of QUERY and EXECUTE (spec section 4.1.4). */
export interface QueryParameters {
  /** Consistency level. */
  readonly consistency: ConsistencyLevel;
  /** Bound values; omitted or empty sends no VALUES flag. */
  readonly values?: Values;
  /** Ask the server to leave the column specs out of a Rows result. */
  readonly skipMetadata?: boolean;
  /** Page size in rows (positive). */
  readonly pageSize?: number;
  /** Paging state from the previous page's Rows metadata. */
  readonly pagingState?: Uint8Array;
  /** Serial consistency for conditional updates (SERIAL or LOCAL_SERIAL). */
  readonly serialConsistency?: ConsistencyLevel;
  /** Default write timestamp in microseconds since the epoch. */
  readonly timestamp?: bigint;
  /** v5 only: keyspace to run the query in. */
  readonly keyspace?: string;
  /** v5 only: the "now" of the query in seconds (testing aid). */
  readonly nowInSeconds?: number;
}

function requireV5(version: number, what: string): void {
  if (version < 5) throw new TypeError(`${what} needs protocol v5 (connection is v${version})`);
}

/** Writes <query_parameters>. */
export function writeQueryParameters(w: ByteWriter, version: number, p: QueryParameters): void {
  const values = p.values === undefined ? undefined : asBound(p.values);
  let flags = 0;
  if (values !== undefined && values.count > 0) {
    flags |= QueryFlag.Values;
    if (values.names !== undefined) flags |= QueryFlag.NamesForValues;
  }
  if (p.skipMetadata) flags |= QueryFlag.SkipMetadata;
  if (p.pageSize !== undefined) flags |= QueryFlag.PageSize;
  if (p.pagingState !== undefined) flags |= QueryFlag.PagingState;
  if (p.serialConsistency !== undefined) flags |= QueryFlag.SerialConsistency;
  if (p.timestamp !== undefined) flags |= QueryFlag.DefaultTimestamp;
  if (p.keyspace !== undefined) {
    requireV5(version, "a per-query keyspace");
    flags |= QueryFlag.Keyspace;
  }
  if (p.nowInSeconds !== undefined) {
    requireV5(version, "now_in_seconds");
    flags |= QueryFlag.NowInSeconds;
  }
  w.short(consistencyCode(p.consistency));
  if (version >= 5) w.int(flags);
  else w.byte(flags);
  if (flags & QueryFlag.Values) writeValueList(w, values!, true);
  if (p.pageSize !== undefined) w.int(p.pageSize);
  if (p.pagingState !== undefined) w.bytes(p.pagingState);
  if (p.serialConsistency !== undefined) w.short(consistencyCode(p.serialConsistency));
  if (p.timestamp !== undefined) w.long(p.timestamp);
  if (p.keyspace !== undefined) w.string(p.keyspace);
  if (p.nowInSeconds !== undefined) w.int(p.nowInSeconds);
}

/** Writes [short] n then n ([name]) [value]s. */
function writeValueList(w: ByteWriter, v: BoundValues, allowNames: boolean): void {
  const n = v.count;
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new RangeError(`bad value count ${n}`);
  const names = allowNames ? v.names : undefined;
  if (names !== undefined && names.length !== n) {
    throw new TypeError(`${names.length} names for ${n} values`);
  }
  w.short(n);
  for (let i = 0; i < n; i++) {
    if (names !== undefined) w.string(names[i]);
    const before = w.length;
    v.write(w, i);
    if (w.length - before < 4) throw new TypeError(`value ${i} was not written as a [value]`);
  }
}

/** Writes a request body from the request's own arguments (up to three). */
type Body<A, B, C> = (w: ByteWriter, frame: RequestFrameOptions, a: A, b: B, c: C) => void;

/**
 * Writes one frame: header, the body written by `body(w, frame, a, b, c)`, back-patched length.
 * If `body` throws, the writer is rolled back so no half-written frame is left behind. Returns
 * the start offset. Bodies are module-level functions given their arguments, not closures: QUERY
 * and EXECUTE run for every request.
 */
function encodeFrame<A, B, C>(
  w: ByteWriter,
  opcode: number,
  frame: RequestFrameOptions,
  body: Body<A, B, C>,
  a: A,
  b: B,
  c: C,
): number {
  const start = beginFrame(w, opcode, frame);
  try {
    body(w, frame, a, b, c);
    endFrame(w, start);
  } catch (e) {
    w.length = start;
    throw e;
  }
  return start;
}

/** STARTUP: the options, e.g. `{ CQL_VERSION: "3.0.0", COMPRESSION: "lz4" }`. */
export function encodeStartup(
  w: ByteWriter,
  frame: RequestFrameOptions,
  options: Readonly<Record<string, string>>,
): number {
  return encodeFrame(w, Opcode.Startup, frame, writeStringMap, options, 0, 0);
}

function writeStringMap(w: ByteWriter, _f: RequestFrameOptions, map: Record<string, string>): void {
  w.stringMap(map);
}

/** OPTIONS: an empty body. */
export function encodeOptions(w: ByteWriter, frame: RequestFrameOptions): number {
  return encodeFrame(w, Opcode.Options, frame, writeNothing, 0, 0, 0);
}

function writeNothing(): void {}

/** AUTH_RESPONSE: the SASL token as [bytes]. */
export function encodeAuthResponse(
  w: ByteWriter,
  frame: RequestFrameOptions,
  token: Uint8Array | null,
): number {
  return encodeFrame(w, Opcode.AuthResponse, frame, writeBytes, token, 0, 0);
}

function writeBytes(w: ByteWriter, _f: RequestFrameOptions, bytes: Uint8Array | null): void {
  w.bytes(bytes);
}

/** REGISTER: the event types, e.g. `["TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"]`. */
export function encodeRegister(
  w: ByteWriter,
  frame: RequestFrameOptions,
  events: readonly string[],
): number {
  return encodeFrame(w, Opcode.Register, frame, writeStringList, events, 0, 0);
}

function writeStringList(w: ByteWriter, _f: RequestFrameOptions, list: readonly string[]): void {
  w.stringList(list);
}

/** QUERY: the CQL text as a [long string] then the parameters. */
export function encodeQuery(
  w: ByteWriter,
  frame: RequestFrameOptions,
  query: string,
  params: QueryParameters,
): number {
  return encodeFrame(w, Opcode.Query, frame, writeQueryBody, query, params, 0);
}

function writeQueryBody(
  w: ByteWriter,
  frame: RequestFrameOptions,
  query: string,
  params: QueryParameters,
): void {
  w.longString(query);
  writeQueryParameters(w, frame.version, params);
}

/** PREPARE: the CQL text; in v5 followed by an [int] flags and the optional keyspace. */
export function encodePrepare(
  w: ByteWriter,
  frame: RequestFrameOptions,
  query: string,
  keyspace?: string,
): number {
  return encodeFrame(w, Opcode.Prepare, frame, writePrepareBody, query, keyspace, 0);
}

function writePrepareBody(
  w: ByteWriter,
  frame: RequestFrameOptions,
  query: string,
  keyspace: string | undefined,
): void {
  w.longString(query);
  if (frame.version >= 5) {
    w.int(keyspace !== undefined ? 0x01 : 0);
    if (keyspace !== undefined) w.string(keyspace);
  } else if (keyspace !== undefined) {
    requireV5(frame.version, "PREPARE with a keyspace");
  }
}

/**
 * EXECUTE: the prepared id, in v5 the result metadata id (from the Prepared result, or the newer
 * one a Rows result reported), then the parameters.
 */
export function encodeExecute(
  w: ByteWriter,
  frame: RequestFrameOptions,
  id: Uint8Array,
  resultMetadataId: Uint8Array | null,
  params: QueryParameters,
): number {
  return encodeFrame(w, Opcode.Execute, frame, writeExecuteBody, id, resultMetadataId, params);
}

function writeExecuteBody(
  w: ByteWriter,
  frame: RequestFrameOptions,
  id: Uint8Array,
  resultMetadataId: Uint8Array | null,
  params: QueryParameters,
): void {
  w.shortBytes(id);
  if (frame.version >= 5) {
    if (resultMetadataId === null) throw new TypeError("v5 EXECUTE needs a result metadata id");
    w.shortBytes(resultMetadataId);
  }
  writeQueryParameters(w, frame.version, params);
}

/** Batch types. */
export const BatchType = { Logged: 0, Unlogged: 1, Counter: 2 } as const;

/** One statement of a BATCH: CQL text or a prepared id, with its values (positional only). */
export type BatchStatement =
  | { readonly query: string; readonly values?: Values }
  | { readonly id: Uint8Array; readonly values?: Values };

/** A BATCH request (spec section 4.1.7). */
export interface BatchRequest {
  /** 0 logged (default), 1 unlogged, 2 counter. */
  readonly type?: (typeof BatchType)[keyof typeof BatchType];
  /** The statements, executed in order. */
  readonly statements: readonly BatchStatement[];
  /** Consistency level. */
  readonly consistency: ConsistencyLevel;
  /** Serial consistency for conditional statements. */
  readonly serialConsistency?: ConsistencyLevel;
  /** Default timestamp in microseconds. */
  readonly timestamp?: bigint;
  /** v5 only. */
  readonly keyspace?: string;
  /** v5 only. */
  readonly nowInSeconds?: number;
}

/**
 * BATCH. Named values are not supported: the spec itself says the batch names flag cannot work
 * (CASSANDRA-10246), so any `names` on a statement's values are ignored.
 */
export function encodeBatch(
  w: ByteWriter,
  frame: RequestFrameOptions,
  batch: BatchRequest,
): number {
  const n = batch.statements.length;
  if (n > 0xffff) throw new RangeError(`too many statements in a batch: ${n}`);
  return encodeFrame(w, Opcode.Batch, frame, writeBatchBody, batch, n, 0);
}

function writeBatchBody(
  w: ByteWriter,
  { version }: RequestFrameOptions,
  batch: BatchRequest,
  n: number,
): void {
  w.byte(batch.type ?? BatchType.Logged);
  w.short(n);
  for (const s of batch.statements) {
    if ("id" in s) {
      w.byte(1);
      w.shortBytes(s.id);
    } else {
      w.byte(0);
      w.longString(s.query);
    }
    if (s.values === undefined) w.short(0);
    else writeValueList(w, asBound(s.values), false);
  }
  w.short(consistencyCode(batch.consistency));
  let flags = 0;
  if (batch.serialConsistency !== undefined) flags |= QueryFlag.SerialConsistency;
  if (batch.timestamp !== undefined) flags |= QueryFlag.DefaultTimestamp;
  if (batch.keyspace !== undefined) {
    requireV5(version, "a batch keyspace");
    flags |= QueryFlag.Keyspace;
  }
  if (batch.nowInSeconds !== undefined) {
    requireV5(version, "now_in_seconds");
    flags |= QueryFlag.NowInSeconds;
  }
  if (version >= 5) w.int(flags);
  else w.byte(flags);
  if (batch.serialConsistency !== undefined) w.short(consistencyCode(batch.serialConsistency));
  if (batch.timestamp !== undefined) w.long(batch.timestamp);
  if (batch.keyspace !== undefined) w.string(batch.keyspace);
  if (batch.nowInSeconds !== undefined) w.int(batch.nowInSeconds);
}
