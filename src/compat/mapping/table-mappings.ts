/**
 * Table mappings: how property names of documents turn into column names and back.
 *
 * @module
 */

/** The base convention: a property is named as its column; documents are plain objects. */
export class TableMappings {
  /** A new, empty document (override it to make instances of a class). */
  // deno-lint-ignore no-explicit-any
  newObjectInstance(): Record<string, any> {
    return {};
  }

  /** The column of a property. */
  getColumnName(propName: string): string {
    return propName;
  }

  /** The property of a column. */
  getPropertyName(columnName: string): string {
    return columnName;
  }
}

/** Properties named exactly as their columns (the default). */
export class DefaultTableMappings extends TableMappings {}

/** `user_id` columns as `userId` properties. */
export class UnderscoreCqlToCamelCaseMappings extends TableMappings {
  /** `userId` → `user_id`. */
  override getColumnName(propName: string): string {
    return propName.replace(/[a-z][A-Z]/g, (m) => `${m[0]}_${m[1]}`).toLowerCase();
  }

  /** `user_id` → `userId` (a leading underscore stays). */
  override getPropertyName(columnName: string): string {
    return columnName.replace(
      /_[a-z]/g,
      (m, offset: number) => offset === 0 ? m : m[1].toUpperCase(),
    );
  }
}
