/**
 * The `docInfo` argument of mapper calls, and the shape keys under which generated statements
 * are cached: two documents with the same properties, operators and options share a statement.
 *
 * @module
 */
import type { ModelMappingInfo } from "./mapping-info.ts";
import { QueryAssignment, QueryOperator } from "./q.ts";
import type { Doc } from "./queries.ts";
import type { PropertyInfo } from "./tables.ts";
import { ArgumentError } from "../errors.ts";

/** Options of `find` and `findAll`. */
export interface FindDocInfo {
  /** The properties to read (default: every column). */
  fields?: readonly string[];
  /** Order by clustering columns: property name → `"asc"` or `"desc"`. */
  orderBy?: Readonly<Record<string, string>>;
  /** The most rows to read. */
  limit?: number;
}

/** Options of `insert`. */
export interface InsertDocInfo {
  /** The properties to write (default: every property of the document). */
  fields?: readonly string[];
  /** Time to live of the values, in seconds. */
  ttl?: number;
  /** Only when the row does not exist yet (a lightweight transaction). */
  ifNotExists?: boolean;
}

/** Options of `update`. */
export interface UpdateDocInfo {
  /** The properties to write (default: every property of the document). */
  fields?: readonly string[];
  /** Time to live of the values, in seconds. */
  ttl?: number;
  /** Only when the row exists (a lightweight transaction). */
  ifExists?: boolean;
  /** Only when these properties have these values (a lightweight transaction). */
  when?: Doc;
  /** Accepted as cassandra-driver does, not used by UPDATE. */
  orderBy?: Readonly<Record<string, string>>;
  /** Accepted as cassandra-driver does, not used by UPDATE. */
  limit?: number;
  /** Accepted as cassandra-driver does, not used by UPDATE. */
  deleteOnlyColumns?: boolean;
}

/** Options of `remove`. */
export interface RemoveDocInfo {
  /** The properties of the statement (default: every property of the document). */
  fields?: readonly string[];
  /** Accepted as cassandra-driver does, not used by DELETE. */
  ttl?: number;
  /** Only when the row exists (a lightweight transaction). */
  ifExists?: boolean;
  /** Only when these properties have these values (a lightweight transaction). */
  when?: Doc;
  /** Delete only the given non-key columns, not the row. */
  deleteOnlyColumns?: boolean;
}

/** Any of them, as the handler reads them. */
export type AnyDocInfo = FindDocInfo & InsertDocInfo & UpdateDocInfo & RemoveDocInfo;

/** The properties of `keys` (or of `docInfo.fields` when given) with their columns. */
export function propertiesInfo(
  keys: readonly string[],
  docInfo: AnyDocInfo | null | undefined,
  doc: Doc,
  info: ModelMappingInfo,
): PropertyInfo[] {
  const names = docInfo?.fields && docInfo.fields.length > 0 ? docInfo.fields : keys;
  return names.map((propertyName) => ({
    propertyName,
    columnName: info.getColumnName(propertyName),
    value: doc[propertyName],
    fromModel: info.getFromModelFn(propertyName),
  }));
}

/** `docInfo.orderBy` as `[column, "ASC" | "DESC"]` pairs. */
export function orderByOf(
  docInfo: AnyDocInfo | null | undefined,
  info: ModelMappingInfo,
): [string, string][] {
  if (!docInfo?.orderBy) return [];
  return Object.keys(docInfo.orderBy).map((key) => {
    const value = docInfo.orderBy![key];
    const order = typeof value === "string" ? value.toUpperCase() : value;
    if (order !== "ASC" && order !== "DESC") {
      throw new ArgumentError('Order must be either "ASC" or "DESC", obtained: ' + value);
    }
    return [info.getColumnName(key), order];
  });
}

function operators(v: unknown, out: string[]): void {
  if (v instanceof QueryOperator) {
    out.push(v.key);
    if (v.hasChildValues) {
      const [a, b] = v.value as [unknown, unknown];
      operators(a, out);
      out.push("|/|");
      operators(b, out);
    }
  }
}

function keysAndOperators(keys: readonly string[], doc: Doc, out: string[]): void {
  for (const k of keys) {
    out.push(k);
    operators(doc[k], out);
  }
}

function fieldsKey(d: AnyDocInfo, out: string[]): void {
  if (d.fields && d.fields.length > 0) out.push("|f|", ...d.fields);
}

const join = (parts: string[]) => parts.join("\u0000");

/** The cache key of a SELECT (`doc` null for `findAll`). */
export function selectKey(
  keys: readonly string[] | null,
  doc: Doc | null,
  d: AnyDocInfo | null | undefined,
): string {
  const out: string[] = [];
  if (keys === null) out.push("root");
  else keysAndOperators(keys, doc!, out);
  if (d) {
    fieldsKey(d, out);
    if (typeof d.limit === "number") out.push("|l|");
    if (d.orderBy) {
      out.push("|o|");
      for (const k of Object.keys(d.orderBy)) out.push(k, String(d.orderBy[k]));
    }
  }
  return join(out);
}

/** The cache key of an INSERT. */
export function insertKey(keys: readonly string[], d: AnyDocInfo | null | undefined): string {
  const out = [...keys];
  if (d) {
    fieldsKey(d, out);
    if (typeof d.ttl === "number") out.push("|t|");
    if (d.ifNotExists) out.push("|e|");
  }
  return join(out);
}

/** The cache key of an UPDATE: assignments count too. */
export function updateKey(
  keys: readonly string[],
  doc: Doc,
  d: AnyDocInfo | null | undefined,
): string {
  const out: string[] = [];
  for (const k of keys) {
    out.push(k);
    const v = doc[k];
    if (v instanceof QueryOperator) operators(v, out);
    else if (v instanceof QueryAssignment) out.push(v.sign, String(v.inverted));
  }
  if (d) {
    fieldsKey(d, out);
    if (typeof d.ttl === "number") out.push("|t|");
    if (d.ifExists) out.push("|e|");
    if (d.when) keysAndOperators(Object.keys(d.when), d.when, out);
  }
  return join(out);
}

/** The cache key of a DELETE. */
export function removeKey(
  keys: readonly string[],
  doc: Doc,
  d: AnyDocInfo | null | undefined,
): string {
  const out: string[] = [];
  keysAndOperators(keys, doc, out);
  if (d) {
    fieldsKey(d, out);
    if (d.ifExists) out.push("|e|");
    if (d.deleteOnlyColumns) out.push("|dc|");
    if (d.when) keysAndOperators(Object.keys(d.when), d.when, out);
  }
  return join(out);
}
