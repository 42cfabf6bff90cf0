/**
 * Result and prepared-statement metadata (spec sections 4.2.5.2 and 4.2.5.4), plus the [inet]
 * notation used by events.
 *
 * @module
 */
import type { ByteReader } from "./bytes.ts";
import { ProtocolError } from "./errors.ts";
import { type ColumnSpec, readDataType } from "./types/datatype.ts";

/** Flags of Rows metadata. */
export const RowsFlag = {
  GlobalTablesSpec: 0x0001,
  HasMorePages: 0x0002,
  NoMetadata: 0x0004,
  /** v5: the result metadata changed; a new result metadata id follows. */
  MetadataChanged: 0x0008,
} as const;

/** Metadata of a Rows result, or the result metadata of a Prepared result. */
export interface RowsMetadata {
  /** Raw flag bits ({@link RowsFlag}). */
  readonly flags: number;
  /** Number of columns in each row (present even when the column specs are not). */
  readonly columnCount: number;
  /** Column specs; null when the server skipped them (NO_METADATA). */
  readonly columns: readonly ColumnSpec[] | null;
  /** State to fetch the next page with (a copy); null on the last page. */
  readonly pagingState: Uint8Array | null;
  /** v5: the new result metadata id when METADATA_CHANGED is set (a copy), else null. */
  readonly newMetadataId: Uint8Array | null;
}

/** Metadata of a prepared statement's bind markers. */
export interface PreparedMetadata {
  /** Raw flag bits (only GLOBAL_TABLES_SPEC is defined). */
  readonly flags: number;
  /** One spec per bind marker, in order. */
  readonly columns: readonly ColumnSpec[];
  /** Indexes of the bind markers forming the partition key, in key order (may be empty). */
  readonly partitionKeyIndexes: readonly number[];
}

// A column spec is at least a 2-byte name length and a 2-byte type id, so a count above
// remaining/4 is a lie; refusing it early keeps a tiny message from allocating a huge array.
function checkCount(r: ByteReader, n: number, minBytesEach: number, what: string): void {
  if (n < 0 || n * minBytesEach > r.remaining) {
    throw new ProtocolError(`bad ${what} count ${n} with ${r.remaining} bytes left`);
  }
}

function readColumns(r: ByteReader, n: number, global: boolean): ColumnSpec[] {
  let ks = "";
  let table = "";
  if (global) {
    ks = r.string();
    table = r.string();
  }
  checkCount(r, n, 4, "column");
  const cols = new Array<ColumnSpec>(n);
  for (let i = 0; i < n; i++) {
    if (!global) {
      ks = r.string();
      table = r.string();
    }
    const name = r.string();
    cols[i] = { keyspace: ks, table, name, type: readDataType(r) };
  }
  return cols;
}

/** A column-spec section read before: its bytes and what they decoded to. */
interface SeenColumns {
  readonly global: boolean;
  readonly bytes: Uint8Array;
  readonly columns: ColumnSpec[];
}

// Recently read column-spec sections, newest first. Every page and every execution of a
// statement repeats the same specs (on v4 always: skipping them is not safe there), and decoding
// them (three strings per column) took 15% of the client's CPU on JavaScriptCore in the
// driver-bound select benchmark. A section is self-delimiting, so bytes equal to a seen one decode
// to the same specs; the shared arrays also make the client's column comparison an identity check.
const seenColumns: SeenColumns[] = [];
const SEEN_MAX = 16;
const SEEN_MAX_BYTES = 4096;

function readColumnsCached(r: ByteReader, n: number, global: boolean): ColumnSpec[] {
  const buf = r.buf;
  const start = r.pos;
  const room = r.end - start;
  for (let i = 0; i < seenColumns.length; i++) {
    const seen = seenColumns[i];
    const bytes = seen.bytes;
    if (seen.columns.length !== n || seen.global !== global || bytes.length > room) continue;
    let k = 0;
    while (k < bytes.length && buf[start + k] === bytes[k]) k++;
    if (k < bytes.length) continue;
    r.pos = start + bytes.length;
    if (i > 0) {
      seenColumns.splice(i, 1);
      seenColumns.unshift(seen);
    }
    return seen.columns;
  }
  const columns = readColumns(r, n, global);
  if (r.pos - start <= SEEN_MAX_BYTES) {
    seenColumns.unshift({ global, bytes: buf.slice(start, r.pos), columns });
    if (seenColumns.length > SEEN_MAX) seenColumns.pop();
  }
  return columns;
}

/** Reads Rows metadata (also the <result_metadata> of a Prepared result). */
export function readRowsMetadata(r: ByteReader): RowsMetadata {
  const flags = r.int();
  const columnCount = r.int();
  if (columnCount < 0) throw new ProtocolError(`negative column count ${columnCount}`);
  let pagingState: Uint8Array | null = null;
  if (flags & RowsFlag.HasMorePages) pagingState = r.bytes()?.slice() ?? null;
  let newMetadataId: Uint8Array | null = null;
  if (flags & RowsFlag.MetadataChanged) newMetadataId = r.shortBytes().slice();
  const columns = flags & RowsFlag.NoMetadata
    ? null
    : readColumnsCached(r, columnCount, (flags & RowsFlag.GlobalTablesSpec) !== 0);
  return { flags, columnCount, columns, pagingState, newMetadataId };
}

/** Reads the bind-marker <metadata> of a Prepared result (v4 and v5). */
export function readPreparedMetadata(r: ByteReader): PreparedMetadata {
  const flags = r.int();
  const columnCount = r.int();
  if (columnCount < 0) throw new ProtocolError(`negative column count ${columnCount}`);
  const pkCount = r.int();
  checkCount(r, pkCount, 2, "partition key index");
  const partitionKeyIndexes = new Array<number>(pkCount);
  for (let i = 0; i < pkCount; i++) partitionKeyIndexes[i] = r.short();
  const columns = readColumns(r, columnCount, (flags & RowsFlag.GlobalTablesSpec) !== 0);
  return { flags, columns, partitionKeyIndexes };
}

/** Formats 4 or 16 address bytes as dotted IPv4 or RFC 5952 IPv6 text. */
export function formatInetAddress(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length !== 16) throw new ProtocolError(`bad address length ${b.length}`);
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  // RFC 5952: compress the longest run (of at least two) of zero groups, the first on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/** A node address with port, from an [inet]. */
export interface InetAddress {
  /** Address text, e.g. "10.0.0.1" or "2001:db8::1". */
  readonly address: string;
  /** Port number. */
  readonly port: number;
}

/** Reads an [inet]: address bytes then an [int] port. */
export function readInet(r: ByteReader): InetAddress {
  const address = formatInetAddress(r.inetAddrBytes());
  return { address, port: r.int() };
}
