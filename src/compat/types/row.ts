/**
 * `types.Row`: one row of a result, its columns as properties.
 *
 * @module
 */

/** A column as cassandra-driver describes it in `ResultSet.columns`. */
export interface ColumnInfo {
  /** The column name. */
  name: string;
  /** The column type: code (see `types.dataTypes`) and its parameters. */
  type: DataTypeInfo;
}

/** A CQL type as cassandra-driver describes it. */
export interface DataTypeInfo {
  /** The type code. */
  code: number;
  /** Always null (cassandra-driver keeps the slot). */
  type?: null;
  /** Element type(s), UDT description or custom class name; absent for simple types. */
  info?: unknown;
  /** "vector" for vector types. */
  customTypeName?: string;
}

/**
 * The prototype of rows of `columns`: each row's columns are found on it (defining a property on
 * every row costs more than decoding it). Rows are made with `Object.create` of it: a derived
 * class per column set took 0.3 µs per row to construct in Node, Object.create 0.02 µs.
 */
export function rowPrototypeFor(columns: readonly ColumnInfo[]): Row {
  return Object.create(Row.prototype, {
    __columns: { value: columns, enumerable: false },
  });
}

/**
 * A result row: each column is an own property, read also with `get(name | index)`.
 *
 * @example
 * ```ts ignore
 * const row = rs.first();
 * row.name; row.get("name"); row.get(0); row.keys(); row.values();
 * ```
 */
export class Row {
  /**
   * Column values by name. Typed `any`, as cassandra-driver's own declarations type them, so
   * that code written against them (`const name: string = row.name`) type-checks unchanged: the
   * one place the compat entry gives up `unknown`.
   */
  // deno-lint-ignore no-explicit-any
  [column: string]: any;

  /** An empty row of `columns` (the client fills the values in). */
  constructor(columns: readonly ColumnInfo[]) {
    if (!columns) throw new Error("Columns not defined");
    Object.defineProperty(this, "__columns", { value: columns, enumerable: false });
  }

  /** The value of a column, by name or by position. */
  // deno-lint-ignore no-explicit-any
  get(columnName: string | number): any {
    if (typeof columnName === "number") {
      const cols = (this as unknown as { __columns: readonly ColumnInfo[] }).__columns;
      return this[cols[columnName].name];
    }
    return this[columnName];
  }

  /** The values, in column order. */
  // deno-lint-ignore no-explicit-any
  values(): any[] {
    // deno-lint-ignore no-explicit-any
    const out: any[] = [];
    this.forEach((v) => out.push(v));
    return out;
  }

  /** The column names. */
  keys(): string[] {
    const out: string[] = [];
    this.forEach((_, k) => out.push(k));
    return out;
  }

  /** Calls `callback(value, name)` for each column. */
  // deno-lint-ignore no-explicit-any
  forEach(callback: (value: any, name: string) => void): void {
    for (const name of Object.keys(this)) callback(this[name], name);
  }
}
