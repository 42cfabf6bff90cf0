/**
 * CQL identifiers as Cassandra itself writes and orders them: `DESCRIBE` output is compared byte
 * for byte with ours, so quoting and column order follow the server's rules rather than ours.
 *
 * @module
 */

/**
 * Cassandra 5.0's reserved keywords (`org/apache/cassandra/cql3/reserved_keywords.txt`): an
 * identifier spelled like one must be quoted even when it is all lower case.
 */
const RESERVED = new Set([
  "add",
  "allow",
  "alter",
  "and",
  "apply",
  "asc",
  "authorize",
  "batch",
  "begin",
  "by",
  "columnfamily",
  "create",
  "delete",
  "desc",
  "describe",
  "drop",
  "entries",
  "execute",
  "from",
  "full",
  "grant",
  "if",
  "in",
  "index",
  "infinity",
  "insert",
  "into",
  "is",
  "keyspace",
  "limit",
  "materialized",
  "modify",
  "nan",
  "norecursive",
  "not",
  "null",
  "of",
  "on",
  "or",
  "order",
  "primary",
  "rename",
  "revoke",
  "schema",
  "select",
  "set",
  "table",
  "to",
  "token",
  "truncate",
  "unlogged",
  "update",
  "use",
  "using",
  "view",
  "where",
  "with",
]);

const UNQUOTED = /^[a-z][a-z0-9_]*$/;

/**
 * Writes `name` as CQL would need it (Cassandra's `ColumnIdentifier.maybeQuote`): bare when it
 * is lower case and not reserved, otherwise in double quotes with inner quotes doubled.
 */
export function quoteIdentifier(name: string): string {
  if (UNQUOTED.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** Writes `s` as a CQL string literal, single quotes doubled. */
export function quoteString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

const encoder = new TextEncoder();

/**
 * The UTF-8 bytes of a name: Cassandra orders column names by their bytes, not by UTF-16 units,
 * so sorting compares these (computed once per column, not once per comparison).
 */
export function nameBytes(name: string): Uint8Array {
  return encoder.encode(name);
}

/**
 * Cassandra's order of regular (or static) columns within one kind and one of simple/complex
 * (`ColumnMetadata.comparisonOrder`): the first six bytes with the top bit of the first one
 * flipped (so a name starting with a non-ASCII letter sorts before "A"), then all bytes unsigned.
 */
export function compareCreateOrder(x: Uint8Array, y: Uint8Array): number {
  for (let i = 0; i < 6; i++) {
    let p = i < x.length ? x[i] : 0;
    let q = i < y.length ? y[i] : 0;
    if (i === 0) {
      p ^= 0x80;
      q ^= 0x80;
    }
    if (p !== q) return p - q;
  }
  return compareUnsigned(x, y);
}

/**
 * The order in which a view lists its selected columns (`Columns.selectOrderIterator`): all bytes
 * unsigned, used to merge the simple and the complex columns (each already in create order).
 */
export function compareSelectOrder(x: Uint8Array, y: Uint8Array): number {
  return compareUnsigned(x, y);
}

function compareUnsigned(x: Uint8Array, y: Uint8Array): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
