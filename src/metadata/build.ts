/**
 * Turns the schema rows of one keyspace ({@link RawKeyspace}) into its metadata: pure and
 * synchronous, so a reload that replaced some rows rebuilds without another round trip, and a
 * user type change re-resolves every column that uses it from the CQL text kept in the rows.
 *
 * @module
 */
import type { DataType, UdtType } from "../protocol/types/datatype.ts";
import { CqlTypeParseError, parseCqlType, type UdtResolver } from "./cql-type.ts";
import { compareCreateOrder, nameBytes } from "./identifiers.ts";
import type { RawKeyspace, SchemaRow } from "./loader.ts";
import type {
  AggregateMetadata,
  ClusteringColumn,
  ColumnKind,
  ColumnMask,
  ColumnMetadata,
  DroppedColumnMetadata,
  FunctionMetadata,
  IndexMetadata,
  KeyspaceMetadata,
  MaterializedViewMetadata,
  RelationMetadata,
  TableMetadata,
  TableOptions,
  UserTypeMetadata,
} from "./model.ts";

function str(row: SchemaRow, key: string, fallback = ""): string {
  const v = row[key];
  return v === null || v === undefined ? fallback : String(v);
}

function optStr(row: SchemaRow, key: string): string | null {
  const v = row[key];
  return v === null || v === undefined ? null : String(v);
}

function num(row: SchemaRow, key: string, fallback: number): number {
  const v = row[key];
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return fallback;
}

function bool(row: SchemaRow, key: string, fallback: boolean): boolean {
  const v = row[key];
  return typeof v === "boolean" ? v : fallback;
}

function list(row: SchemaRow, key: string): unknown[] {
  const v = row[key];
  if (Array.isArray(v)) return v;
  if (v instanceof Set) return [...v];
  return [];
}

function strList(row: SchemaRow, key: string): string[] {
  return list(row, key).map((x) => String(x));
}

/** A map column as decoded by this driver (a Map) or by a query function that gives objects. */
function entries(row: SchemaRow, key: string): [string, unknown][] {
  const v = row[key];
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [String(k), x]);
  if (v !== null && typeof v === "object") return Object.entries(v);
  return [];
}

function strRecord(row: SchemaRow, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries(row, key)) out[k] = String(v);
  return out;
}

function bytesRecord(row: SchemaRow, key: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [k, v] of entries(row, key)) {
    out[k] = v instanceof Uint8Array ? v : new Uint8Array(0);
  }
  return out;
}

function groupBy(rows: readonly SchemaRow[], key: string): Map<string, SchemaRow[]> {
  const out = new Map<string, SchemaRow[]>();
  for (const r of rows) {
    const k = str(r, key);
    let g = out.get(k);
    if (g === undefined) out.set(k, g = []);
    g.push(r);
  }
  return out;
}

/**
 * Parses a type of this keyspace. Text that does not parse (or names a user type the keyspace
 * lacks, as when rows of a concurrent change were read half before and half after it) becomes a
 * custom type carrying the text, whose values are raw bytes: wrong metadata must not fail the
 * whole keyspace.
 */
function typeOf(text: string, keyspace: string, resolveUdt: UdtResolver): DataType {
  try {
    return parseCqlType(text, { keyspace, resolveUdt });
  } catch (e) {
    if (e instanceof CqlTypeParseError) return { kind: "custom", className: text };
    throw e;
  }
}

/** Resolves the user types of one keyspace lazily, each once, in whatever order they refer. */
function typeResolver(keyspace: string, rows: readonly SchemaRow[]): {
  resolve: UdtResolver;
  all(): UserTypeMetadata[];
} {
  const byName = new Map(rows.map((r) => [str(r, "type_name"), r]));
  const done = new Map<string, UdtType>();
  const resolving = new Set<string>();
  const resolve: UdtResolver = (ks, name) => {
    if (ks !== keyspace) return undefined;
    const hit = done.get(name);
    if (hit !== undefined) return hit;
    const row = byName.get(name);
    // A cycle cannot come from a valid schema; treated as unknown rather than recursing forever.
    if (row === undefined || resolving.has(name)) return undefined;
    resolving.add(name);
    const names = strList(row, "field_names"), types = strList(row, "field_types");
    const fields = names.map((n, i) => ({
      name: n,
      type: typeOf(types[i] ?? "", keyspace, resolve),
    }));
    resolving.delete(name);
    const t: UdtType = { kind: "udt", keyspace, name, fields };
    done.set(name, t);
    return t;
  };
  return {
    resolve,
    all: () =>
      rows.map((r) => {
        const name = str(r, "type_name");
        const type = resolve(keyspace, name) ??
          { kind: "udt" as const, keyspace, name, fields: [] };
        const texts = strList(r, "field_types");
        return {
          keyspace,
          name,
          fields: type.fields.map((f, i) => ({ ...f, cqlType: texts[i] ?? "" })),
          type,
        };
      }),
  };
}

function maskOf(row: SchemaRow): ColumnMask {
  const values = strList(row, "function_argument_values");
  const nulls = list(row, "function_argument_nulls");
  return {
    functionKeyspace: str(row, "function_keyspace"),
    functionName: str(row, "function_name"),
    argumentTypes: strList(row, "function_argument_types"),
    argumentValues: values.map((v, i) => nulls[i] === true ? null : v),
  };
}

const KINDS: Record<string, ColumnKind> = {
  partition_key: "partition_key",
  clustering: "clustering",
  regular: "regular",
  static: "static",
};

function columnOf(
  row: SchemaRow,
  keyspace: string,
  resolve: UdtResolver,
  mask: ColumnMask | null,
): ColumnMetadata {
  const cqlType = str(row, "type");
  const kind = KINDS[str(row, "kind").toLowerCase()] ?? "regular";
  const order = str(row, "clustering_order").toUpperCase();
  return {
    name: str(row, "column_name"),
    type: typeOf(cqlType, keyspace, resolve),
    cqlType,
    kind,
    position: num(row, "position", -1),
    clusteringOrder: kind === "clustering" ? (order === "DESC" ? "DESC" : "ASC") : null,
    isStatic: kind === "static",
    mask,
  };
}

/**
 * Whether the server stores the column cell by cell (a collection or user type not frozen):
 * Cassandra lists those after the simple columns.
 */
export function isMultiCell(c: ColumnMetadata): boolean {
  if (/^\s*frozen\s*</i.test(c.cqlType)) return false;
  const k = c.type.kind;
  return k === "list" || k === "set" || k === "map" || k === "udt";
}

/** Static or regular columns in the server's order: simple ones by name, then complex ones. */
function serverOrder(cols: ColumnMetadata[]): ColumnMetadata[] {
  const keyed = cols.map((c) => ({ c, multi: isMultiCell(c), bytes: nameBytes(c.name) }));
  keyed.sort((a, b) =>
    a.multi !== b.multi ? (a.multi ? 1 : -1) : compareCreateOrder(a.bytes, b.bytes)
  );
  return keyed.map((k) => k.c);
}

function optionsOf(row: SchemaRow): TableOptions {
  return {
    additional_write_policy: str(row, "additional_write_policy", "99p"),
    allow_auto_snapshot: bool(row, "allow_auto_snapshot", true),
    bloom_filter_fp_chance: num(row, "bloom_filter_fp_chance", 0.01),
    caching: strRecord(row, "caching"),
    cdc: bool(row, "cdc", false),
    comment: str(row, "comment"),
    compaction: strRecord(row, "compaction"),
    compression: strRecord(row, "compression"),
    crc_check_chance: num(row, "crc_check_chance", 1),
    default_time_to_live: num(row, "default_time_to_live", 0),
    extensions: bytesRecord(row, "extensions"),
    gc_grace_seconds: num(row, "gc_grace_seconds", 864000),
    incremental_backups: bool(row, "incremental_backups", true),
    max_index_interval: num(row, "max_index_interval", 2048),
    memtable: str(row, "memtable", "default"),
    memtable_flush_period_in_ms: num(row, "memtable_flush_period_in_ms", 0),
    min_index_interval: num(row, "min_index_interval", 128),
    read_repair: str(row, "read_repair", "BLOCKING"),
    speculative_retry: str(row, "speculative_retry", "99p"),
  };
}

interface Relation extends RelationMetadata {
  readonly staticColumns: readonly ColumnMetadata[];
}

function relationOf(
  keyspace: string,
  name: string,
  row: SchemaRow,
  columnRows: readonly SchemaRow[],
  masks: ReadonlyMap<string, ColumnMask>,
  resolve: UdtResolver,
): Relation {
  const all = columnRows.map((r) =>
    columnOf(r, keyspace, resolve, masks.get(str(r, "column_name")) ?? null)
  );
  const byPosition = (a: ColumnMetadata, b: ColumnMetadata) => a.position - b.position;
  const partitionKey = all.filter((c) => c.kind === "partition_key").sort(byPosition);
  const clustering = all.filter((c) => c.kind === "clustering").sort(byPosition);
  const statics = serverOrder(all.filter((c) => c.kind === "static"));
  const regulars = serverOrder(all.filter((c) => c.kind === "regular"));
  const columns = [...partitionKey, ...clustering, ...statics, ...regulars];
  return {
    keyspace,
    name,
    id: optStr(row, "id"),
    columns,
    columnsByName: new Map(columns.map((c) => [c.name, c])),
    partitionKey,
    clusteringKey: clustering.map((column): ClusteringColumn => ({
      column,
      order: column.clusteringOrder ?? "ASC",
    })),
    staticColumns: statics,
    options: optionsOf(row),
  };
}

function indexOf(row: SchemaRow): IndexMetadata {
  const options = strRecord(row, "options");
  return {
    name: str(row, "index_name"),
    kind: str(row, "kind"),
    target: options.target ?? "",
    className: options.class_name ?? null,
    options,
  };
}

function droppedOf(row: SchemaRow): DroppedColumnMetadata {
  const t = row.dropped_time;
  return {
    name: str(row, "column_name"),
    cqlType: str(row, "type"),
    kind: str(row, "kind", "regular"),
    droppedTime: t instanceof Date ? t : null,
  };
}

/**
 * A function's argument or return type as the server writes it in signatures and `DESCRIBE`:
 * arguments are always frozen, and the server leaves `frozen` off tuples there (as stored, it is
 * on).
 */
export function functionCqlType(cql: string): string {
  const m = /^frozen<\s*(tuple<.*>)\s*>$/s.exec(cql.trim());
  return m === null ? cql : m[1];
}

function signature(name: string, argTypes: readonly string[]): string {
  return `${name}(${argTypes.map(functionCqlType).join(", ")})`;
}

function functionOf(row: SchemaRow, keyspace: string, resolve: UdtResolver): FunctionMetadata {
  const name = str(row, "function_name");
  const args = strList(row, "argument_types");
  const ret = str(row, "return_type");
  return {
    keyspace,
    name,
    signature: signature(name, args),
    argumentNames: strList(row, "argument_names"),
    argumentTypes: args.map((a) => typeOf(a, keyspace, resolve)),
    argumentCqlTypes: args,
    returnType: typeOf(ret, keyspace, resolve),
    returnCqlType: ret,
    language: str(row, "language"),
    body: str(row, "body"),
    calledOnNullInput: bool(row, "called_on_null_input", false),
  };
}

function aggregateOf(row: SchemaRow, keyspace: string, resolve: UdtResolver): AggregateMetadata {
  const name = str(row, "aggregate_name");
  const args = strList(row, "argument_types");
  const ret = str(row, "return_type");
  const state = str(row, "state_type");
  return {
    keyspace,
    name,
    signature: signature(name, args),
    argumentTypes: args.map((a) => typeOf(a, keyspace, resolve)),
    argumentCqlTypes: args,
    stateFunction: str(row, "state_func"),
    stateType: typeOf(state, keyspace, resolve),
    stateCqlType: state,
    finalFunction: optStr(row, "final_func"),
    initCondition: optStr(row, "initcond"),
    returnType: typeOf(ret, keyspace, resolve),
    returnCqlType: ret,
  };
}

function overloads<T extends { readonly name: string }>(items: T[]): Map<string, readonly T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const g = out.get(it.name);
    if (g === undefined) out.set(it.name, [it]);
    else g.push(it);
  }
  return out;
}

/** Rows sorted by name: a partial reload appends what it reread, maps should not move it. */
function sortedBy(rows: readonly SchemaRow[], key: string): SchemaRow[] {
  return [...rows].sort((a, b) => {
    const x = str(a, key), y = str(b, key);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Builds the metadata of one keyspace from its schema rows. */
export function buildKeyspace(raw: RawKeyspace): KeyspaceMetadata {
  const ks = raw.name;
  const types = typeResolver(ks, sortedBy(raw.types, "type_name"));
  const resolve = types.resolve;
  const columnsOf = groupBy(raw.columns, "table_name");
  const masksOf = new Map<string, Map<string, ColumnMask>>();
  for (const r of raw.columnMasks) {
    const t = str(r, "table_name");
    let m = masksOf.get(t);
    if (m === undefined) masksOf.set(t, m = new Map());
    m.set(str(r, "column_name"), maskOf(r));
  }
  const noMasks = new Map<string, ColumnMask>();
  const indexesOf = groupBy(raw.indexes, "table_name");
  const droppedOfTable = groupBy(raw.droppedColumns, "table_name");
  const viewsOf = groupBy(raw.views, "base_table_name");

  const tables = new Map<string, TableMetadata>();
  for (const row of sortedBy(raw.tables, "table_name")) {
    const name = str(row, "table_name");
    const rel = relationOf(
      ks,
      name,
      row,
      columnsOf.get(name) ?? [],
      masksOf.get(name) ?? noMasks,
      resolve,
    );
    const flags = strList(row, "flags");
    tables.set(name, {
      ...rel,
      indexes: (indexesOf.get(name) ?? []).map(indexOf),
      views: (viewsOf.get(name) ?? []).map((v) => str(v, "view_name")).sort(),
      droppedColumns: (droppedOfTable.get(name) ?? []).map(droppedOf),
      isCounter: flags.includes("counter") || rel.columns.some((c) => c.type.kind === "counter"),
      isVirtual: raw.virtual,
    });
  }

  const views = new Map<string, MaterializedViewMetadata>();
  for (const row of sortedBy(raw.views, "view_name")) {
    const name = str(row, "view_name");
    const { staticColumns: _, ...rel } = relationOf(
      ks,
      name,
      row,
      columnsOf.get(name) ?? [],
      masksOf.get(name) ?? noMasks,
      resolve,
    );
    views.set(name, {
      ...rel,
      baseTable: str(row, "base_table_name"),
      baseTableId: optStr(row, "base_table_id"),
      whereClause: str(row, "where_clause"),
      includeAllColumns: bool(row, "include_all_columns", false),
    });
  }

  return {
    name: ks,
    replication: strRecord(raw.keyspace, "replication"),
    durableWrites: bool(raw.keyspace, "durable_writes", true),
    isVirtual: raw.virtual,
    tables,
    views,
    userTypes: new Map(types.all().map((t) => [t.name, t])),
    functions: overloads(raw.functions.map((r) => functionOf(r, ks, resolve))),
    aggregates: overloads(raw.aggregates.map((r) => aggregateOf(r, ks, resolve))),
  };
}
