/**
 * Which of a model's tables a statement goes to, decided from the native driver's schema
 * metadata: a SELECT to the first table (or view) whose keys the document covers, a mutation to
 * every table whose keys it covers.
 *
 * @module
 */
import type { Client as NativeClient } from "../../client/client.ts";
import type { RelationMetadata } from "../../metadata/model.ts";
import type { ModelMappingInfo } from "./mapping-info.ts";

/** One property of a document: where it goes and what it holds. */
export interface PropertyInfo {
  readonly propertyName: string;
  readonly columnName: string;
  readonly value: unknown;
  readonly fromModel: ((v: unknown) => unknown) | undefined;
}

/** What statement generation needs of a table. */
export interface MappedTable {
  readonly name: string;
  readonly partitionKeys: readonly string[];
  readonly clusteringKeys: readonly string[];
  /** Column kinds (`list`, `counter`, ...) by name. */
  readonly columns: ReadonlyMap<string, string>;
  readonly staticColumns: number;
}

function mapped(t: RelationMetadata): MappedTable {
  return {
    name: t.name,
    partitionKeys: t.partitionKey.map((c) => c.name),
    clusteringKeys: t.clusteringKey.map((c) => c.column.name),
    columns: new Map(t.columns.map((c) => [c.name, c.type.kind])),
    staticColumns: t.columns.reduce((n, c) => n + (c.isStatic ? 1 : 0), 0),
  };
}

/** Reads the model's tables (views too when `views`), failing on one that does not exist. */
async function tablesOf(
  native: NativeClient,
  info: ModelMappingInfo,
  views: boolean,
): Promise<MappedTable[]> {
  const list = views ? info.tables : info.tables.filter((t) => !t.isView);
  const md = native.metadata;
  const found = await Promise.all(
    list.map((t) => t.isView ? md.view(info.keyspace, t.name) : md.table(info.keyspace, t.name)),
  );
  return found.map((t, i) => {
    if (t === undefined) throw new Error(`Table "${list[i].name}" could not be retrieved`);
    return mapped(t);
  });
}

const ALL = 1, NONE = 0, SOME = -1;

function keyMatches(keys: readonly string[], props: readonly PropertyInfo[]): number {
  if (keys.length === 0) return ALL;
  let n = 0;
  for (const p of props) if (keys.includes(p.columnName)) n++;
  return n === 0 ? NONE : n === keys.length ? ALL : SOME;
}

const names = (props: readonly PropertyInfo[]) => props.map((p) => p.columnName).join(",");

/** The table or view a SELECT reads. */
export async function tableForSelect(
  native: NativeClient,
  info: ModelMappingInfo,
  allKeys: boolean,
  props: readonly PropertyInfo[],
  fields: readonly PropertyInfo[],
  orderBy: readonly (readonly [string, string])[],
): Promise<string> {
  for (const t of await tablesOf(native, info, true)) {
    if (keyMatches(t.partitionKeys, props) !== ALL) continue;
    if (allKeys && keyMatches(t.clusteringKeys, props) !== ALL) continue;
    if (
      props.length > t.partitionKeys.length &&
      !props.every((p) =>
        t.partitionKeys.includes(p.columnName) || t.clusteringKeys.includes(p.columnName)
      )
    ) continue;
    if (!fields.every((p) => t.columns.has(p.columnName))) continue;
    // CQL orders only by clustering columns, in their declared order.
    if (!orderBy.every((o, i) => t.clusteringKeys[i] === o[0])) continue;
    return t.name;
  }
  let message = `No table matches the filter (${
    allKeys ? "all PKs have to be specified" : "PKs"
  }): [${names(props)}]`;
  if (fields.length > 0) message += `; fields: [${names(fields)}]`;
  if (orderBy.length > 0) message += `; orderBy: [${orderBy.map((o) => o[0]).join(",")}]`;
  throw new Error(message);
}

/** The tables an INSERT writes: every one whose keys the document holds. */
export async function tablesForInsert(
  native: NativeClient,
  info: ModelMappingInfo,
  props: readonly PropertyInfo[],
): Promise<MappedTable[]> {
  const tables = (await tablesOf(native, info, false)).filter((t) => {
    if (keyMatches(t.partitionKeys, props) !== ALL) return false;
    const ck = keyMatches(t.clusteringKeys, props);
    if (ck === ALL) return true;
    if (ck === SOME) return false;
    // Without clustering keys it can only be a write of static columns.
    return t.staticColumns > 0 && props.length === t.partitionKeys.length + t.staticColumns;
  });
  if (tables.length === 0) {
    throw new Error(`No table matches (all PKs have to be specified) fields: [${names(props)}]`);
  }
  return tables;
}

/** The tables an UPDATE writes: keys covered and something to set. */
export async function tablesForUpdate(
  native: NativeClient,
  info: ModelMappingInfo,
  props: readonly PropertyInfo[],
  when: readonly PropertyInfo[],
): Promise<MappedTable[]> {
  const tables = (await tablesOf(native, info, false)).filter((t) => {
    if (keyMatches(t.partitionKeys, props) !== ALL) return false;
    const ck = keyMatches(t.clusteringKeys, props);
    if (ck === SOME) return false;
    if (ck === NONE && t.staticColumns === 0) return false;
    const applicable = props.reduce((n, p) => n + (t.columns.has(p.columnName) ? 1 : 0), 0);
    if (
      applicable <= t.partitionKeys.length + t.clusteringKeys.length &&
      (t.staticColumns === 0 || applicable <= t.partitionKeys.length)
    ) return false;
    return when.every((p) => t.columns.has(p.columnName));
  });
  if (tables.length === 0) {
    let message = `No table matches (all PKs and columns to set have to be specified) fields: [${
      names(props)
    }]`;
    if (when.length > 0) message += `; condition: [${names(when)}]`;
    throw new Error(message);
  }
  return tables;
}

/** The tables a DELETE writes: every key given. */
export async function tablesForDelete(
  native: NativeClient,
  info: ModelMappingInfo,
  props: readonly PropertyInfo[],
  when: readonly PropertyInfo[],
): Promise<MappedTable[]> {
  const tables = (await tablesOf(native, info, false)).filter((t) => {
    const given = props.map((p) => p.columnName);
    if (![...t.partitionKeys, ...t.clusteringKeys].every((k) => given.includes(k))) return false;
    return when.every((p) => t.columns.has(p.columnName));
  });
  if (tables.length === 0) {
    let message = `No table matches (all PKs have to be specified) fields: [${names(props)}]`;
    if (when.length > 0) message += `; condition: [${names(when)}]`;
    throw new Error(message);
  }
  return tables;
}
