/**
 * The parsed mapping options of one model: keyspace, tables, naming convention and the columns
 * named or converted apart from it.
 *
 * @module
 */
import { DefaultTableMappings, TableMappings } from "./table-mappings.ts";

/** A column's own property name and value conversions. */
export interface ModelColumnOptions {
  /** The property name. */
  name: string;
  /** Turns a column value into the property value (results). */
  toModel?: (columnValue: unknown) => unknown;
  /** Turns a property value into the column value (parameters). */
  fromModel?: (modelValue: unknown) => unknown;
}

/** A table (or a materialized view, read only) of a model. */
export interface ModelTables {
  /** The table or view name. */
  name: string;
  /** Whether it is a materialized view. */
  isView: boolean;
}

/** The options of one model. */
export interface ModelOptions {
  /** Its tables (the model's name when none). */
  tables?: readonly string[] | readonly ModelTables[];
  /** The naming convention (default: names as they are). */
  mappings?: TableMappings;
  /** Columns, by column name, named (`"id"`) or converted apart from the convention. */
  columns?: Readonly<Record<string, string | ModelColumnOptions>>;
  /** The keyspace (default: the client's). */
  keyspace?: string;
}

/** The options of a `Mapper`: its models, by name. */
export interface MappingOptions {
  /** Each model's options. */
  models: Readonly<Record<string, ModelOptions>>;
}

/** A conversion of values. */
export type ValueFn = (value: unknown) => unknown;

interface ColumnInfo {
  readonly columnName: string;
  readonly propertyName: string;
  readonly toModel: ValueFn | undefined;
  readonly fromModel: ValueFn | undefined;
}

/** What the mapper knows of one model. */
export class ModelMappingInfo {
  /** The keyspace. */
  readonly keyspace: string;
  /** Its tables and views, in the order given. */
  readonly tables: readonly ModelTables[];
  readonly #mappings: TableMappings;
  readonly #byColumn: ReadonlyMap<string, ColumnInfo>;
  readonly #byProperty: ReadonlyMap<string, ColumnInfo>;

  /** From parsed options. */
  constructor(
    keyspace: string,
    tables: readonly ModelTables[],
    mappings: TableMappings,
    columns: ReadonlyMap<string, ColumnInfo>,
  ) {
    this.keyspace = keyspace;
    this.tables = tables;
    this.#mappings = mappings;
    this.#byColumn = columns;
    this.#byProperty = new Map([...columns.values()].map((c) => [c.propertyName, c]));
  }

  /** The column of a property. */
  getColumnName(propName: string): string {
    return this.#byProperty.get(propName)?.columnName ?? this.#mappings.getColumnName(propName);
  }

  /** The property of a column. */
  getPropertyName(columnName: string): string {
    return this.#byColumn.get(columnName)?.propertyName ??
      this.#mappings.getPropertyName(columnName);
  }

  /** The conversion of a property's values into column values, if any. */
  getFromModelFn(propName: string): ValueFn | undefined {
    return this.#byProperty.get(propName)?.fromModel;
  }

  /** The conversion of a column's values into property values, if any. */
  getToModelFn(columnName: string): ValueFn | undefined {
    return this.#byColumn.get(columnName)?.toModel;
  }

  /** A new document. */
  // deno-lint-ignore no-explicit-any
  newInstance(): Record<string, any> {
    return this.#mappings.newObjectInstance();
  }

  /** A model mapped by default: the table of its name, names as they are. */
  static createDefault(modelName: string, keyspace: string): ModelMappingInfo {
    return new ModelMappingInfo(
      keyspace,
      [{ name: modelName, isView: false }],
      new DefaultTableMappings(),
      new Map(),
    );
  }

  /** Every model of `options`; `keyspace` is the client's. */
  static parse(
    options: MappingOptions | undefined,
    keyspace: string | undefined,
  ): Map<string, ModelMappingInfo> {
    const out = new Map<string, ModelMappingInfo>();
    if (!options?.models) return out;
    for (const name of Object.keys(options.models)) {
      out.set(name, create(name, keyspace, options.models[name]));
    }
    return out;
  }
}

function create(
  name: string,
  keyspace: string | undefined,
  o: ModelOptions | undefined,
): ModelMappingInfo {
  if (!keyspace && !o?.keyspace) {
    throw new Error(
      "You should specify the keyspace of the model in the MappingOptions when the Client is not using a keyspace",
    );
  }
  if (!o) return ModelMappingInfo.createDefault(name, keyspace!);
  let tables: ModelTables[];
  if (o.tables && o.tables.length > 0) {
    tables = o.tables.map((item: string | ModelTables) => {
      const t = typeof item === "string"
        ? { name: item, isView: false }
        : { name: item?.name, isView: !!item?.isView };
      if (!t.name) throw new Error(`Table name not specified for model '${name}'`);
      return t;
    });
  } else {
    tables = [{ name, isView: false }];
  }
  if (o.mappings && !(o.mappings instanceof TableMappings)) {
    throw new Error("mappings should be an instance of TableMappings");
  }
  const columns = new Map<string, ColumnInfo>();
  if (o.columns !== null && typeof o.columns === "object") {
    for (const column of Object.keys(o.columns)) {
      columns.set(column, columnInfo(column, o.columns[column]));
    }
  }
  return new ModelMappingInfo(
    o.keyspace || keyspace!,
    tables,
    o.mappings || new DefaultTableMappings(),
    columns,
  );
}

function columnInfo(column: string, v: string | ModelColumnOptions | undefined): ColumnInfo {
  if (!v) {
    return { columnName: column, propertyName: column, toModel: undefined, fromModel: undefined };
  }
  if (typeof v === "string") {
    return { columnName: column, propertyName: v, toModel: undefined, fromModel: undefined };
  }
  const propertyName = v.name || column;
  for (const k of ["toModel", "fromModel"] as const) {
    if (v[k] && typeof v[k] !== "function") {
      throw new TypeError(
        `${k} type for property '${propertyName}' should be a function (obtained ${typeof v[k]})`,
      );
    }
  }
  return { columnName: column, propertyName, toModel: v.toModel, fromModel: v.fromModel };
}
