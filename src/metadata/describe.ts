/**
 * CQL `CREATE` statements for schema objects, written as Cassandra 5.0's `DESCRIBE` writes them
 * (`TableMetadata.toCqlString` and friends): the same order of columns and options, the same
 * quoting, Java's formatting of doubles. Matching the server character for character lets a test,
 * or a tool diffing two clusters, compare our metadata with the server's own description.
 *
 * @module
 */
import { functionCqlType as functionType, isMultiCell } from "./build.ts";
import { compareSelectOrder, nameBytes, quoteIdentifier as q, quoteString } from "./identifiers.ts";
import type {
  AggregateMetadata,
  ColumnMetadata,
  FunctionMetadata,
  IndexMetadata,
  KeyspaceMetadata,
  MaterializedViewMetadata,
  RelationMetadata,
  TableMetadata,
  TableOptions,
  UserTypeMetadata,
} from "./model.ts";

const INDENT = "    ";

/**
 * Formats a double as Java's `Double.toString` does (`1.0`, `0.01`, `1.0E-4`), which is how the
 * server prints `bloom_filter_fp_chance` and `crc_check_chance`.
 */
export function javaDouble(d: number): string {
  if (Number.isNaN(d)) return "NaN";
  if (!Number.isFinite(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d === 0) return Object.is(d, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes(".") ? s : `${s}.0`;
  }
  const [mantissa, exp] = d.toExponential().split("e");
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${Number(exp)}`;
}

/** A `{'k': 'v', ...}` map, keys sorted as Java's TreeMap sorts strings (by UTF-16 units). */
function cqlMap(m: Readonly<Record<string, string>>): string {
  const keys = Object.keys(m).sort();
  return `{${keys.map((k) => `${quoteString(k)}: ${quoteString(m[k])}`).join(", ")}}`;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function extensionsMap(m: Readonly<Record<string, Uint8Array>>): string {
  const keys = Object.keys(m).sort();
  return `{${keys.map((k) => `${quoteString(k)}: 0x${hex(m[k])}`).join(", ")}}`;
}

function qualified(keyspace: string, name: string): string {
  return `${q(keyspace)}.${q(name)}`;
}

/** The option lines after `WITH`, in `TableParams.appendCqlTo`'s order; views lack a TTL. */
function optionLines(o: TableOptions, isView: boolean): string[] {
  const lines = [
    `additional_write_policy = ${quoteString(o.additional_write_policy)}`,
    `allow_auto_snapshot = ${o.allow_auto_snapshot}`,
    `bloom_filter_fp_chance = ${javaDouble(o.bloom_filter_fp_chance)}`,
    `caching = ${cqlMap(o.caching)}`,
    `cdc = ${o.cdc}`,
    `comment = ${quoteString(o.comment)}`,
    `compaction = ${cqlMap(o.compaction)}`,
    `compression = ${cqlMap(o.compression)}`,
    `memtable = ${quoteString(o.memtable)}`,
    `crc_check_chance = ${javaDouble(o.crc_check_chance)}`,
  ];
  if (!isView) lines.push(`default_time_to_live = ${o.default_time_to_live}`);
  lines.push(
    `extensions = ${extensionsMap(o.extensions)}`,
    `gc_grace_seconds = ${o.gc_grace_seconds}`,
    `incremental_backups = ${o.incremental_backups}`,
    `max_index_interval = ${o.max_index_interval}`,
    `memtable_flush_period_in_ms = ${o.memtable_flush_period_in_ms}`,
    `min_index_interval = ${o.min_index_interval}`,
    `read_repair = ${quoteString(o.read_repair)}`,
    `speculative_retry = ${quoteString(o.speculative_retry)}`,
  );
  return lines;
}

/** `WITH CLUSTERING ORDER BY (...)` (when there are clustering columns) and the options. */
function withClause(r: RelationMetadata, isView: boolean, virtual: boolean): string {
  const parts: string[] = [];
  if (r.clusteringKey.length > 0) {
    const cols = r.clusteringKey.map((c) => `${q(c.column.name)} ${c.order}`).join(", ");
    parts.push(`CLUSTERING ORDER BY (${cols})`);
  }
  if (virtual) parts.push(`comment = ${quoteString(r.options.comment)}`);
  else parts.push(...optionLines(r.options, isView));
  return `WITH ${parts.join(`\n${INDENT}AND `)};`;
}

function primaryKeyClause(r: RelationMetadata): string {
  const pk = r.partitionKey.map((c) => q(c.name));
  const head = pk.length > 1 ? `(${pk.join(", ")})` : pk[0] ?? "";
  const clustering = r.clusteringKey.map((c) => `, ${q(c.column.name)}`).join("");
  return `PRIMARY KEY (${head}${clustering})`;
}

function maskClause(c: ColumnMetadata): string {
  const m = c.mask;
  if (m === null) return "";
  const args = m.argumentValues.map((v) => v ?? "null").join(", ");
  return ` MASKED WITH ${m.functionKeyspace}.${m.functionName}(${args})`;
}

function columnDefinition(c: ColumnMetadata): string {
  return `${q(c.name)} ${c.cqlType}${c.isStatic ? " static" : ""}${maskClause(c)}`;
}

/**
 * The `CREATE TABLE` statement of `t`, as `DESCRIBE TABLE` prints it on Cassandra 5.0 (the first
 * row of its answer; the indexes and views that follow are {@link describeIndex} and
 * {@link describeView}). A virtual table gives the server's commented-out `VIRTUAL TABLE` form.
 */
export function describeTable(t: TableMetadata): string {
  const singleKey = t.partitionKey.length === 1 && t.clusteringKey.length === 0;
  const lines = t.columns.map((c) =>
    columnDefinition(c) + (singleKey && c.kind === "partition_key" ? " PRIMARY KEY" : "")
  );
  if (!singleKey) lines.push(primaryKeyClause(t));
  const name = qualified(t.keyspace, t.name);
  const body = `${lines.map((l) => INDENT + l).join(",\n")}\n) ${
    withClause(t, false, t.isVirtual)
  }`;
  if (!t.isVirtual) return `CREATE TABLE ${name} (\n${body}`;
  return `/*\nWarning: Table ${name} is a virtual table and cannot be recreated with CQL.\n` +
    `Structure, for reference:\nVIRTUAL TABLE ${name} (\n${body}\n*/`;
}

/**
 * The columns a view selects, in `SELECT` order: key columns, then the others merged by name
 * from the simple and the complex ones.
 */
function selectOrder(v: MaterializedViewMetadata): ColumnMetadata[] {
  const keys = v.columns.filter((c) => c.kind === "partition_key" || c.kind === "clustering");
  const rest = v.columns.filter((c) => c.kind === "static" || c.kind === "regular");
  const statics = rest.filter((c) => c.isStatic), regulars = rest.filter((c) => !c.isStatic);
  return [...keys, ...mergeByName(statics), ...mergeByName(regulars)];
}

/** Guava's `mergeSorted` of the simple and complex runs, as `Columns.selectOrderIterator`. */
function mergeByName(cols: ColumnMetadata[]): ColumnMetadata[] {
  const simple = cols.filter((c) => !isMultiCell(c)), complex = cols.filter(isMultiCell);
  const out: ColumnMetadata[] = [];
  let i = 0, j = 0;
  while (i < simple.length && j < complex.length) {
    const a = simple[i], b = complex[j];
    if (compareSelectOrder(nameBytes(a.name), nameBytes(b.name)) <= 0) out.push(simple[i++]);
    else out.push(complex[j++]);
  }
  return [...out, ...simple.slice(i), ...complex.slice(j)];
}

/** The `CREATE MATERIALIZED VIEW` statement of `v`, as `DESCRIBE MATERIALIZED VIEW` prints it. */
export function describeView(v: MaterializedViewMetadata): string {
  const select = v.includeAllColumns ? "*" : selectOrder(v).map((c) => q(c.name)).join(", ");
  return [
    `CREATE MATERIALIZED VIEW ${qualified(v.keyspace, v.name)} AS`,
    `${INDENT}SELECT ${select}`,
    `${INDENT}FROM ${qualified(v.keyspace, v.baseTable)}`,
    `${INDENT}WHERE ${v.whereClause}`,
    `${INDENT}${primaryKeyClause(v)}`,
    ` ${withClause(v, true, false)}`,
  ].join("\n");
}

/** The `CREATE [CUSTOM] INDEX` statement of index `i` of table `t`, as `DESCRIBE` prints it. */
export function describeIndex(
  t: Pick<TableMetadata, "keyspace" | "name">,
  i: IndexMetadata,
): string {
  const on = `${q(i.name)} ON ${qualified(t.keyspace, t.name)} (${i.target})`;
  if (i.kind.toUpperCase() !== "CUSTOM") return `CREATE INDEX ${on};`;
  const rest: Record<string, string> = { ...i.options };
  delete rest.target;
  delete rest.class_name;
  const using = `USING ${quoteString(i.className ?? "")}`;
  const opts = Object.keys(rest).length > 0 ? ` WITH OPTIONS = ${cqlMap(rest)}` : "";
  return `CREATE CUSTOM INDEX ${on} ${using}${opts};`;
}

/** The `CREATE TYPE` statement of `u`, as `DESCRIBE TYPE` prints it. */
export function describeUserType(u: UserTypeMetadata): string {
  const fields = u.fields.map((f) => `${INDENT}${q(f.name)} ${f.cqlType}`).join(",\n");
  return `CREATE TYPE ${qualified(u.keyspace, u.name)} (\n${fields}\n);`;
}

/** The `CREATE KEYSPACE` statement of `k`, as `DESCRIBE KEYSPACE` prints it first. */
export function describeKeyspace(k: KeyspaceMetadata): string {
  if (k.isVirtual) {
    return `/*\nWarning: Keyspace ${q(k.name)} is a virtual keyspace and cannot be recreated ` +
      `with CQL.\nStructure, for reference:\nVIRTUAL KEYSPACE ${q(k.name)};\n*/`;
  }
  const { class: cls = "", ...rest } = k.replication;
  // The server names its own strategies by simple name, any other by its full class name.
  const PKG = "org.apache.cassandra.locator.";
  const strategy = cls.startsWith(PKG) && !cls.slice(PKG.length).includes(".")
    ? cls.slice(PKG.length)
    : cls;
  const opts = Object.keys(rest).sort().map((o) => `, ${quoteString(o)}: ${quoteString(rest[o])}`);
  return `CREATE KEYSPACE ${q(k.name)} WITH replication = {'class': ${quoteString(strategy)}` +
    `${opts.join("")}}  AND durable_writes = ${k.durableWrites};`;
}

/** The `CREATE FUNCTION` statement of `f`, as `DESCRIBE FUNCTION` prints it. */
export function describeFunction(f: FunctionMetadata): string {
  const args = f.argumentNames.map((n, i) => `${q(n)} ${functionType(f.argumentCqlTypes[i])}`);
  return [
    `CREATE FUNCTION ${qualified(f.keyspace, f.name)}(${args.join(", ")})`,
    `${INDENT}${f.calledOnNullInput ? "CALLED" : "RETURNS NULL"} ON NULL INPUT`,
    `${INDENT}RETURNS ${functionType(f.returnCqlType)}`,
    `${INDENT}LANGUAGE ${f.language}`,
    `${INDENT}AS $$${f.body}$$;`,
  ].join("\n");
}

/** The `CREATE AGGREGATE` statement of `a`, as `DESCRIBE AGGREGATE` prints it. */
export function describeAggregate(a: AggregateMetadata): string {
  const lines = [
    `CREATE AGGREGATE ${qualified(a.keyspace, a.name)}(${
      a.argumentCqlTypes.map(functionType).join(", ")
    })`,
    `${INDENT}SFUNC ${q(a.stateFunction)}`,
    `${INDENT}STYPE ${functionType(a.stateCqlType)}`,
  ];
  if (a.finalFunction !== null) lines.push(`${INDENT}FINALFUNC ${q(a.finalFunction)}`);
  if (a.initCondition !== null) lines.push(`${INDENT}INITCOND ${a.initCondition}`);
  return `${lines.join("\n")};`;
}
