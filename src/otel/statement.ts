/**
 * What a span is named and grouped by, read from a CQL statement's text: the operation (its
 * first keyword) and the table it acts on, with the keyspace when the statement names one.
 *
 * @module
 */

/** The operation and the table of one statement, as far as its text says. */
export interface StatementSummary {
  /** `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `CREATE`, ...: the statement's first keyword. */
  readonly operation: string | undefined;
  /** The table, when the statement acts on one. */
  readonly table: string | undefined;
  /** The keyspace that qualifies the table (`ks.table`), when given. */
  readonly keyspace: string | undefined;
}

// One identifier: unquoted, or double-quoted with "" as an escaped quote.
const NAME = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z0-9_]+)`;
const TARGET = new RegExp(String.raw`^(${NAME})(?:\s*\.\s*(${NAME}))?`);
const AFTER: Record<string, RegExp> = {
  SELECT: /\bFROM\s+/i,
  DELETE: /\bFROM\s+/i,
  INSERT: /^\s*INSERT\s+INTO\s+/i,
  UPDATE: /^\s*UPDATE\s+/i,
  TRUNCATE: /^\s*TRUNCATE\s+(?:TABLE\s+)?/i,
};

const unquote = (n: string) => n.startsWith('"') ? n.slice(1, -1).replaceAll('""', '"') : n;

/** Reads the operation and table of `cql` (a single statement, with bind markers). */
export function summarize(cql: string): StatementSummary {
  const operation = /^\s*([A-Za-z]+)/.exec(cql)?.[1]?.toUpperCase();
  const after = operation === undefined ? undefined : AFTER[operation];
  if (after === undefined) return { operation, table: undefined, keyspace: undefined };
  const m = after.exec(cql);
  if (m === null) return { operation, table: undefined, keyspace: undefined };
  const t = TARGET.exec(cql.slice(m.index + m[0].length));
  if (t === null) return { operation, table: undefined, keyspace: undefined };
  return t[2] === undefined
    ? { operation, table: unquote(t[1]), keyspace: undefined }
    : { operation, table: unquote(t[2]), keyspace: unquote(t[1]) };
}
