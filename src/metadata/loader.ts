/**
 * Reads the schema tables: `system_schema.*` for one keyspace, one object of it, or the whole
 * cluster, plus `system_virtual_schema.*` for virtual keyspaces. It returns the rows as the server
 * gave them ({@link RawKeyspace}); turning them into metadata is `build.ts`'s job, so a partial
 * reload can replace some rows and rebuild without asking the server again.
 *
 * @module
 */

/**
 * Runs one CQL statement (with `?` markers bound to `params`) and resolves to every row of its
 * result, all pages. The lead wires one that runs on the control connection.
 */
export type SchemaQuery = (cql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** A row of a schema table. */
export type SchemaRow = Record<string, unknown>;

/** Every schema row of one keyspace. */
export interface RawKeyspace {
  /** The keyspace name. */
  readonly name: string;
  /** Whether it comes from `system_virtual_schema`. */
  readonly virtual: boolean;
  /** Its row of `keyspaces`. */
  readonly keyspace: SchemaRow;
  /** Rows of `tables`. */
  readonly tables: readonly SchemaRow[];
  /** Rows of `columns` (of tables and views). */
  readonly columns: readonly SchemaRow[];
  /** Rows of `dropped_columns`. */
  readonly droppedColumns: readonly SchemaRow[];
  /** Rows of `column_masks` (Cassandra 5). */
  readonly columnMasks: readonly SchemaRow[];
  /** Rows of `indexes`. */
  readonly indexes: readonly SchemaRow[];
  /** Rows of `views`. */
  readonly views: readonly SchemaRow[];
  /** Rows of `types`. */
  readonly types: readonly SchemaRow[];
  /** Rows of `functions`. */
  readonly functions: readonly SchemaRow[];
  /** Rows of `aggregates`. */
  readonly aggregates: readonly SchemaRow[];
}

/** The rows of one table or view: what a TABLE schema change can have changed. */
export interface RawRelation {
  /** Its row of `tables`, if it is a table. */
  readonly tables: readonly SchemaRow[];
  /** Its row of `views`, if it is a view. */
  readonly views: readonly SchemaRow[];
  /** Its columns. */
  readonly columns: readonly SchemaRow[];
  /** Its dropped columns. */
  readonly droppedColumns: readonly SchemaRow[];
  /** Its column masks. */
  readonly columnMasks: readonly SchemaRow[];
  /** Its indexes. */
  readonly indexes: readonly SchemaRow[];
}

const S = "system_schema";

/**
 * Runs a query of a table older servers do not have (`column_masks` before 5.0, the virtual
 * schema before 4.0): its absence is an empty result, any other failure still fails the load.
 */
async function optional(
  query: SchemaQuery,
  cql: string,
  params?: unknown[],
): Promise<SchemaRow[]> {
  try {
    return await query(cql, params);
  } catch (e) {
    if (isMissingTable(e)) return [];
    throw e;
  }
}

function isMissingTable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return /unconfigured table|does(n't| not) exist|undefined name|unknown (table|keyspace)/i
    .test(e.message);
}

function byKeyspace(rows: readonly SchemaRow[]): Map<string, SchemaRow[]> {
  const out = new Map<string, SchemaRow[]>();
  for (const r of rows) {
    const k = String(r.keyspace_name);
    let list = out.get(k);
    if (list === undefined) out.set(k, list = []);
    list.push(r);
  }
  return out;
}

const NONE: readonly SchemaRow[] = Object.freeze([]);

/** How many queries {@link loadKeyspace} runs: what a partial reload must stay under. */
export const KEYSPACE_QUERIES = 10;

/**
 * Reads every schema row of keyspace `name` (ten queries, run together); undefined when the
 * keyspace does not exist. Virtual keyspaces are looked up when no regular one has the name.
 */
export async function loadKeyspace(
  query: SchemaQuery,
  name: string,
): Promise<RawKeyspace | undefined> {
  const p = [name];
  const w = "WHERE keyspace_name = ?";
  const [ks, tables, columns, dropped, masks, indexes, views, types, functions, aggregates] =
    await Promise.all([
      query(`SELECT * FROM ${S}.keyspaces ${w}`, p),
      query(`SELECT * FROM ${S}.tables ${w}`, p),
      query(`SELECT * FROM ${S}.columns ${w}`, p),
      optional(query, `SELECT * FROM ${S}.dropped_columns ${w}`, p),
      optional(query, `SELECT * FROM ${S}.column_masks ${w}`, p),
      query(`SELECT * FROM ${S}.indexes ${w}`, p),
      query(`SELECT * FROM ${S}.views ${w}`, p),
      query(`SELECT * FROM ${S}.types ${w}`, p),
      query(`SELECT * FROM ${S}.functions ${w}`, p),
      query(`SELECT * FROM ${S}.aggregates ${w}`, p),
    ]);
  if (ks.length === 0) return await loadVirtualKeyspace(query, name);
  return {
    name,
    virtual: false,
    keyspace: ks[0],
    tables,
    columns,
    droppedColumns: dropped,
    columnMasks: masks,
    indexes,
    views,
    types,
    functions,
    aggregates,
  };
}

async function loadVirtualKeyspace(
  query: SchemaQuery,
  name: string,
): Promise<RawKeyspace | undefined> {
  const p = [name];
  const w = "WHERE keyspace_name = ?";
  const V = "system_virtual_schema";
  const [ks, tables, columns] = await Promise.all([
    optional(query, `SELECT * FROM ${V}.keyspaces ${w}`, p),
    optional(query, `SELECT * FROM ${V}.tables ${w}`, p),
    optional(query, `SELECT * FROM ${V}.columns ${w}`, p),
  ]);
  if (ks.length === 0) return undefined;
  return virtualKeyspace(name, ks[0], tables, columns);
}

function virtualKeyspace(
  name: string,
  keyspace: SchemaRow,
  tables: readonly SchemaRow[],
  columns: readonly SchemaRow[],
): RawKeyspace {
  return {
    name,
    virtual: true,
    keyspace,
    tables,
    columns,
    droppedColumns: NONE,
    columnMasks: NONE,
    indexes: NONE,
    views: NONE,
    types: NONE,
    functions: NONE,
    aggregates: NONE,
  };
}

/**
 * Reads the whole schema (thirteen queries, run together, each returning one table of
 * `system_schema` or `system_virtual_schema` in full) grouped by keyspace.
 */
export async function loadAll(query: SchemaQuery): Promise<Map<string, RawKeyspace>> {
  const V = "system_virtual_schema";
  const [
    ks,
    tables,
    columns,
    dropped,
    masks,
    indexes,
    views,
    types,
    functions,
    aggregates,
    vks,
    vtables,
    vcolumns,
  ] = await Promise.all([
    query(`SELECT * FROM ${S}.keyspaces`),
    query(`SELECT * FROM ${S}.tables`),
    query(`SELECT * FROM ${S}.columns`),
    optional(query, `SELECT * FROM ${S}.dropped_columns`),
    optional(query, `SELECT * FROM ${S}.column_masks`),
    query(`SELECT * FROM ${S}.indexes`),
    query(`SELECT * FROM ${S}.views`),
    query(`SELECT * FROM ${S}.types`),
    query(`SELECT * FROM ${S}.functions`),
    query(`SELECT * FROM ${S}.aggregates`),
    optional(query, `SELECT * FROM ${V}.keyspaces`),
    optional(query, `SELECT * FROM ${V}.tables`),
    optional(query, `SELECT * FROM ${V}.columns`),
  ]);
  const g = {
    tables: byKeyspace(tables),
    columns: byKeyspace(columns),
    dropped: byKeyspace(dropped),
    masks: byKeyspace(masks),
    indexes: byKeyspace(indexes),
    views: byKeyspace(views),
    types: byKeyspace(types),
    functions: byKeyspace(functions),
    aggregates: byKeyspace(aggregates),
  };
  const out = new Map<string, RawKeyspace>();
  for (const row of ks) {
    const name = String(row.keyspace_name);
    out.set(name, {
      name,
      virtual: false,
      keyspace: row,
      tables: g.tables.get(name) ?? NONE,
      columns: g.columns.get(name) ?? NONE,
      droppedColumns: g.dropped.get(name) ?? NONE,
      columnMasks: g.masks.get(name) ?? NONE,
      indexes: g.indexes.get(name) ?? NONE,
      views: g.views.get(name) ?? NONE,
      types: g.types.get(name) ?? NONE,
      functions: g.functions.get(name) ?? NONE,
      aggregates: g.aggregates.get(name) ?? NONE,
    });
  }
  const vt = byKeyspace(vtables), vc = byKeyspace(vcolumns);
  for (const row of vks) {
    const name = String(row.keyspace_name);
    if (out.has(name)) continue;
    out.set(name, virtualKeyspace(name, row, vt.get(name) ?? NONE, vc.get(name) ?? NONE));
  }
  return out;
}

/** How many queries {@link loadRelation} runs. */
export const RELATION_QUERIES = 6;

/**
 * Reads the rows of table or view `name` of `keyspace` (a TABLE schema change names either):
 * six queries, run together.
 */
export async function loadRelation(
  query: SchemaQuery,
  keyspace: string,
  name: string,
): Promise<RawRelation> {
  const p = [keyspace, name];
  const w = "WHERE keyspace_name = ? AND table_name = ?";
  const [tables, views, columns, droppedColumns, columnMasks, indexes] = await Promise.all([
    query(`SELECT * FROM ${S}.tables ${w}`, p),
    query(`SELECT * FROM ${S}.views WHERE keyspace_name = ? AND view_name = ?`, p),
    query(`SELECT * FROM ${S}.columns ${w}`, p),
    optional(query, `SELECT * FROM ${S}.dropped_columns ${w}`, p),
    optional(query, `SELECT * FROM ${S}.column_masks ${w}`, p),
    query(`SELECT * FROM ${S}.indexes ${w}`, p),
  ]);
  return { tables, views, columns, droppedColumns, columnMasks, indexes };
}

/** Reads the keyspace row of `keyspace` (what ALTER KEYSPACE changes); undefined if dropped. */
export async function loadKeyspaceRow(
  query: SchemaQuery,
  keyspace: string,
): Promise<SchemaRow | undefined> {
  const rows = await query(`SELECT * FROM ${S}.keyspaces WHERE keyspace_name = ?`, [keyspace]);
  return rows[0];
}

/**
 * Reads every user type of `keyspace`: types refer to each other, so one that changed is
 * re-resolved along with all of them.
 */
export function loadTypes(query: SchemaQuery, keyspace: string): Promise<SchemaRow[]> {
  return query(`SELECT * FROM ${S}.types WHERE keyspace_name = ?`, [keyspace]);
}

/** Reads every overload of function `name` of `keyspace`. */
export function loadFunctions(
  query: SchemaQuery,
  keyspace: string,
  name: string,
): Promise<SchemaRow[]> {
  return query(
    `SELECT * FROM ${S}.functions WHERE keyspace_name = ? AND function_name = ?`,
    [keyspace, name],
  );
}

/** Reads every overload of aggregate `name` of `keyspace`. */
export function loadAggregates(
  query: SchemaQuery,
  keyspace: string,
  name: string,
): Promise<SchemaRow[]> {
  return query(
    `SELECT * FROM ${S}.aggregates WHERE keyspace_name = ? AND aggregate_name = ?`,
    [keyspace, name],
  );
}
