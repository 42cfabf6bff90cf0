/**
 * CQL statements of the mapper and the functions that read their parameters from a document.
 * The statement and the shape of its parameters are fixed by the first document of a shape
 * (the caller caches them by shape); later documents only supply values.
 *
 * @module
 */
import { QueryAssignment, QueryOperator } from "./q.ts";
import type { MappedTable, PropertyInfo } from "./tables.ts";

/**
 * A document, or `docInfo.when`. Values are typed `any`, as cassandra-driver's declarations type
 * them, so that documents of the application's own interfaces and classes are accepted.
 */
// deno-lint-ignore no-explicit-any
export type Doc = { readonly [property: string]: any };

/** Reads the parameters of one execution. */
export type ParamsGetter = (doc: Doc | null, docInfo: DocInfoLike | null | undefined) => unknown[];

/** The parts of `docInfo` that become parameters. */
export interface DocInfoLike {
  readonly ttl?: number;
  readonly limit?: number;
  readonly when?: Doc;
}

/** A statement for one table. */
export interface TableQuery {
  readonly query: string;
  readonly paramsGetter: ParamsGetter;
  readonly isIdempotent: boolean;
  readonly isCounter: boolean;
}

/** Pushes the parameter(s) of one property of `src` onto `out`. */
type Push = (src: unknown, out: unknown[]) => void;

/** The getter of one value, following the operator structure of `sample`. */
function valuePush(sample: unknown, fromModel: PropertyInfo["fromModel"]): Push {
  if (sample instanceof QueryOperator) {
    if (sample.hasChildValues) {
      const [a, b] = sample.value as [unknown, unknown];
      const first = valuePush(a, fromModel), second = valuePush(b, fromModel);
      return (src, out) => {
        const v = (src as QueryOperator).value as [unknown, unknown];
        first(v[0], out);
        second(v[1], out);
      };
    }
    if (sample.isInOperator && fromModel) {
      return (src, out) => {
        out.push(((src as QueryOperator).value as unknown[]).map(fromModel));
      };
    }
    return fromModel
      ? (src, out) => {
        out.push(fromModel((src as QueryOperator).value));
      }
      : (src, out) => {
        out.push((src as QueryOperator).value);
      };
  }
  return fromModel
    ? (src, out) => {
      out.push(fromModel(src));
    }
    : (src, out) => {
      out.push(src);
    };
}

function propsPush(props: readonly PropertyInfo[]): (doc: Doc, out: unknown[]) => void {
  const pushes = props.map((p) => [p.propertyName, valuePush(p.value, p.fromModel)] as const);
  return (doc, out) => {
    for (const [name, push] of pushes) push(doc[name], out);
  };
}

function assignPush(props: readonly PropertyInfo[]): (doc: Doc, out: unknown[]) => void {
  const pushes = props.map((p) =>
    [p.propertyName, p.value instanceof QueryAssignment, p.fromModel] as const
  );
  return (doc, out) => {
    for (const [name, assign, fromModel] of pushes) {
      const v = assign ? (doc[name] as QueryAssignment).value : doc[name];
      out.push(fromModel ? fromModel(v) : v);
    }
  };
}

function condition(column: string, value: unknown): string {
  if (value instanceof QueryOperator) {
    if (value.hasChildValues) {
      const [a, b] = value.value as [unknown, unknown];
      return `${condition(column, a)} ${value.key} ${condition(column, b)}`;
    }
    return `"${column}" ${value.key} ?`;
  }
  return `"${column}" = ?`;
}

const conditions = (props: readonly PropertyInfo[]) =>
  props.map((p) => condition(p.columnName, p.value)).join(" AND ");

/** A SELECT and its parameters. */
export function selectQuery(
  table: string,
  keyspace: string,
  props: readonly PropertyInfo[],
  fields: readonly PropertyInfo[],
  orderBy: readonly (readonly [string, string])[],
  limit: number | undefined,
): { query: string; paramsGetter: ParamsGetter } {
  let query = "SELECT ";
  query += fields.length > 0 ? fields.map((p) => `"${p.columnName}"`).join(", ") : "*";
  query += ` FROM ${keyspace}.${table}`;
  if (props.length > 0) query += ` WHERE ${conditions(props)}`;
  if (orderBy.length > 0) {
    query += ` ORDER BY ${orderBy.map(([c, o]) => `"${c}" ${o}`).join(", ")}`;
  }
  const hasLimit = typeof limit === "number";
  if (hasLimit) query += " LIMIT ?";
  const push = propsPush(props);
  return {
    query,
    paramsGetter: (doc, docInfo) => {
      const out: unknown[] = [];
      if (doc !== null) push(doc, out);
      if (hasLimit) out.push(docInfo?.limit);
      return out;
    },
  };
}

/** An INSERT into `table` of the properties it has columns for. */
export function insertQuery(
  table: MappedTable,
  keyspace: string,
  props: readonly PropertyInfo[],
  ttl: number | undefined,
  ifNotExists: boolean | undefined,
): TableQuery {
  const own = props.filter((p) => table.columns.has(p.columnName));
  let query = `INSERT INTO ${keyspace}.${table.name} (`;
  query += own.map((p) => `"${p.columnName}"`).join(", ");
  query += `) VALUES (${own.map(() => "?").join(", ")})`;
  if (ifNotExists === true) query += " IF NOT EXISTS";
  const hasTtl = typeof ttl === "number";
  if (hasTtl) query += " USING TTL ?";
  const push = propsPush(own);
  return {
    query,
    paramsGetter: (doc, docInfo) => {
      const out: unknown[] = [];
      push(doc!, out);
      if (hasTtl) out.push(docInfo?.ttl);
      return out;
    },
    isIdempotent: !ifNotExists,
    isCounter: false,
  };
}

/** An UPDATE of `table`: keys in WHERE, the other columns it has in SET. */
export function updateQuery(
  table: MappedTable,
  keyspace: string,
  props: readonly PropertyInfo[],
  ttl: number | undefined,
  when: readonly PropertyInfo[],
  ifExists: boolean | undefined,
): TableQuery {
  const keys = new Set([...table.partitionKeys, ...table.clusteringKeys]);
  let isIdempotent = true, isCounter = false;
  const own = props.filter((p) => {
    const kind = table.columns.get(p.columnName);
    if (kind === undefined) return false;
    // Appending to a list, or any counter change, gives another result when run twice.
    if (kind === "list" && p.value instanceof QueryAssignment) isIdempotent = false;
    else if (kind === "counter") {
      isIdempotent = false;
      isCounter = true;
    }
    return true;
  });
  const set = own.filter((p) => !keys.has(p.columnName));
  const where = own.filter((p) => keys.has(p.columnName));
  const hasTtl = typeof ttl === "number";
  let query = `UPDATE ${keyspace}.${table.name} `;
  if (hasTtl) query += "USING TTL ? ";
  query += "SET ";
  query += set.map((p) => {
    const c = `"${p.columnName}"`;
    if (p.value instanceof QueryAssignment) {
      return p.value.inverted ? `${c} = ? ${p.value.sign} ${c}` : `${c} = ${c} ${p.value.sign} ?`;
    }
    return `${c} = ?`;
  }).join(", ");
  query += ` WHERE ${where.map((p) => `"${p.columnName}" = ?`).join(" AND ")}`;
  if (ifExists === true) query += " IF EXISTS";
  else if (when.length > 0) query += ` IF ${conditions(when)}`;
  const pushSet = assignPush(set), pushWhere = propsPush(where), pushWhen = propsPush(when);
  const hasWhen = when.length > 0;
  return {
    query,
    paramsGetter: (doc, docInfo) => {
      const out: unknown[] = [];
      if (hasTtl) out.push(docInfo?.ttl);
      pushSet(doc!, out);
      pushWhere(doc!, out);
      if (hasWhen) pushWhen(docInfo!.when!, out);
      return out;
    },
    isIdempotent: isIdempotent && when.length === 0 && !ifExists,
    isCounter,
  };
}

/** A DELETE from `table` (of some columns only with `deleteOnlyColumns`). */
export function deleteQuery(
  table: MappedTable,
  keyspace: string,
  props: readonly PropertyInfo[],
  deleteOnlyColumns: boolean | undefined,
  when: readonly PropertyInfo[],
  ifExists: boolean | undefined,
): TableQuery {
  const keys = new Set([...table.partitionKeys, ...table.clusteringKeys]);
  const own = props.filter((p) => table.columns.has(p.columnName));
  const where = own.filter((p) => keys.has(p.columnName));
  let query = "DELETE";
  if (deleteOnlyColumns) {
    const cols = own.filter((p) => !keys.has(p.columnName)).map((p) => `"${p.columnName}"`);
    if (cols.length > 0) query += ` ${cols.join(", ")}`;
  }
  query += ` FROM ${keyspace}.${table.name} WHERE `;
  query += where.map((p) => `"${p.columnName}" = ?`).join(" AND ");
  if (ifExists === true) query += " IF EXISTS";
  else if (when.length > 0) query += ` IF ${conditions(when)}`;
  const pushWhere = propsPush(where), pushWhen = propsPush(when);
  const hasWhen = when.length > 0;
  return {
    query,
    paramsGetter: (doc, docInfo) => {
      const out: unknown[] = [];
      pushWhere(doc!, out);
      if (hasWhen) pushWhen(docInfo!.when!, out);
      return out;
    },
    isIdempotent: when.length === 0 && !ifExists,
    isCounter: false,
  };
}
