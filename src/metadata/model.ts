/**
 * The schema as the driver describes it to applications: keyspaces and what they hold, built from
 * `system_schema` (and `system_virtual_schema`). Every object is immutable and replaced, never
 * changed, when the schema changes, so a reader may keep one without it shifting under its feet.
 *
 * @module
 */
import type { DataType, UdtType } from "../protocol/types/datatype.ts";

/** What role a column plays, as `system_schema.columns.kind` says. */
export type ColumnKind = "partition_key" | "clustering" | "regular" | "static";

/** The order of a clustering column. */
export type ClusteringOrder = "ASC" | "DESC";

/** A Cassandra 5 dynamic data mask on a column (`MASKED WITH ...`). */
export interface ColumnMask {
  /** Keyspace of the masking function (`system` for the built-in ones). */
  readonly functionKeyspace: string;
  /** Name of the masking function, e.g. `mask_default`. */
  readonly functionName: string;
  /** The CQL types of the function's extra arguments. */
  readonly argumentTypes: readonly string[];
  /** The extra arguments as CQL literals; null for a `null` argument. */
  readonly argumentValues: readonly (string | null)[];
}

/** One column of a table or materialized view. */
export interface ColumnMetadata {
  /** The column name, unquoted (as stored: case preserved). */
  readonly name: string;
  /** The type, with user types resolved to their fields. */
  readonly type: DataType;
  /**
   * The type as CQL text, exactly as `system_schema` stores it (e.g. `frozen<list<int>>`):
   * {@link DataType} has no notion of frozenness, and `DESCRIBE` prints this text.
   */
  readonly cqlType: string;
  /** Partition key, clustering, regular or static. */
  readonly kind: ColumnKind;
  /** Position within the partition key or the clustering key; -1 for other columns. */
  readonly position: number;
  /** For a clustering column, its order; null otherwise. */
  readonly clusteringOrder: ClusteringOrder | null;
  /** Whether the column is static (shared by all rows of a partition). */
  readonly isStatic: boolean;
  /** Its data mask, or null. */
  readonly mask: ColumnMask | null;
}

/** A clustering column with its order. */
export interface ClusteringColumn {
  /** The column. */
  readonly column: ColumnMetadata;
  /** Ascending or descending. */
  readonly order: ClusteringOrder;
}

/** A secondary index (legacy 2i, SAI or another custom index). */
export interface IndexMetadata {
  /** The index name. */
  readonly name: string;
  /** `KEYS`, `COMPOSITES` or `CUSTOM`, as `system_schema.indexes.kind` says. */
  readonly kind: string;
  /** What is indexed: a column name (quoted when needed), or `keys(m)`, `values(m)`, ... */
  readonly target: string;
  /** The implementing class of a custom index (`sai`, `StorageAttachedIndex`, ...), else null. */
  readonly className: string | null;
  /** Every option as stored, `target` and `class_name` included. */
  readonly options: Readonly<Record<string, string>>;
}

/**
 * The options of a table or view, named as in `system_schema.tables` (the names one writes after
 * `WITH`), with the value the server applies where `system_schema` stores null (a setting left
 * at its default): `allow_auto_snapshot` and `incremental_backups` true, `cdc` false, `memtable`
 * "default".
 */
export interface TableOptions {
  /** Latency after which a write is sent to extra replicas, e.g. `99p`. */
  readonly additional_write_policy: string;
  /** Whether a drop or truncate takes a snapshot. */
  readonly allow_auto_snapshot: boolean;
  /** False positive chance of the sstable bloom filters. */
  readonly bloom_filter_fp_chance: number;
  /** `keys` and `rows_per_partition` caching. */
  readonly caching: Readonly<Record<string, string>>;
  /** Whether change data capture is on. */
  readonly cdc: boolean;
  /** The table comment. */
  readonly comment: string;
  /** Compaction class and options. */
  readonly compaction: Readonly<Record<string, string>>;
  /** Compression class and options. */
  readonly compression: Readonly<Record<string, string>>;
  /** Chance of verifying checksums on reads. */
  readonly crc_check_chance: number;
  /** TTL in seconds applied to writes without one. */
  readonly default_time_to_live: number;
  /** Extension payloads by name. */
  readonly extensions: Readonly<Record<string, Uint8Array>>;
  /** Seconds a tombstone is kept. */
  readonly gc_grace_seconds: number;
  /** Whether flushed sstables are hard-linked for incremental backups. */
  readonly incremental_backups: boolean;
  /** Maximum gap between index summary entries. */
  readonly max_index_interval: number;
  /** The memtable configuration name. */
  readonly memtable: string;
  /** Milliseconds between forced memtable flushes (0: never). */
  readonly memtable_flush_period_in_ms: number;
  /** Minimum gap between index summary entries. */
  readonly min_index_interval: number;
  /** `BLOCKING` or `NONE`. */
  readonly read_repair: string;
  /** Latency after which a read is sent to another replica, e.g. `99p`. */
  readonly speculative_retry: string;
}

/** A column dropped from a table, kept by the server to skip its old data. */
export interface DroppedColumnMetadata {
  /** The column's name. */
  readonly name: string;
  /** Its type as CQL text. */
  readonly cqlType: string;
  /** `regular` or `static`. */
  readonly kind: string;
  /** When it was dropped. */
  readonly droppedTime: Date | null;
}

/** What tables and materialized views share: columns, primary key and options. */
export interface RelationMetadata {
  /** Keyspace name. */
  readonly keyspace: string;
  /** Table or view name. */
  readonly name: string;
  /** The table id (a uuid), or null when the server does not say (virtual tables). */
  readonly id: string | null;
  /**
   * Every column in the order `DESCRIBE` lists them: partition key, clustering key, static
   * columns, then regular ones (each group in the server's order).
   */
  readonly columns: readonly ColumnMetadata[];
  /** Columns by name. */
  readonly columnsByName: ReadonlyMap<string, ColumnMetadata>;
  /** The partition key columns, in key order. */
  readonly partitionKey: readonly ColumnMetadata[];
  /** The clustering columns, in key order, with their order. */
  readonly clusteringKey: readonly ClusteringColumn[];
  /** Options. */
  readonly options: TableOptions;
}

/** A table. */
export interface TableMetadata extends RelationMetadata {
  /** The static columns. */
  readonly staticColumns: readonly ColumnMetadata[];
  /** Secondary indexes, by name order. */
  readonly indexes: readonly IndexMetadata[];
  /** Materialized views built on this table, by name. */
  readonly views: readonly string[];
  /** Columns dropped from it (only kept on servers that record them). */
  readonly droppedColumns: readonly DroppedColumnMetadata[];
  /** Whether it is a counter table. */
  readonly isCounter: boolean;
  /** Whether it is a virtual table (`system_views`, ...): then only the comment is meaningful. */
  readonly isVirtual: boolean;
}

/** A materialized view. */
export interface MaterializedViewMetadata extends RelationMetadata {
  /** The table it is built on, in the same keyspace. */
  readonly baseTable: string;
  /** Id of that table. */
  readonly baseTableId: string | null;
  /** The view's `WHERE` clause, as the server stores it. */
  readonly whereClause: string;
  /** Whether it was created with `SELECT *` (new base columns join it). */
  readonly includeAllColumns: boolean;
}

/** One field of a user-defined type. */
export interface UserTypeField {
  /** Field name. */
  readonly name: string;
  /** Field type, resolved. */
  readonly type: DataType;
  /** Field type as CQL text. */
  readonly cqlType: string;
}

/** A user-defined type. */
export interface UserTypeMetadata {
  /** Keyspace name. */
  readonly keyspace: string;
  /** Type name. */
  readonly name: string;
  /** Fields in declaration order. */
  readonly fields: readonly UserTypeField[];
  /** The same type as a {@link DataType}, as values of it are encoded. */
  readonly type: UdtType;
}

/** A user-defined function (one overload). */
export interface FunctionMetadata {
  /** Keyspace name. */
  readonly keyspace: string;
  /** Function name. */
  readonly name: string;
  /** Name and argument types, e.g. `avg_state(tuple<int, bigint>, int)`: unique per keyspace. */
  readonly signature: string;
  /** Argument names. */
  readonly argumentNames: readonly string[];
  /** Argument types, resolved. */
  readonly argumentTypes: readonly DataType[];
  /** Argument types as CQL text. */
  readonly argumentCqlTypes: readonly string[];
  /** Return type, resolved. */
  readonly returnType: DataType;
  /** Return type as CQL text. */
  readonly returnCqlType: string;
  /** Implementation language (`java`). */
  readonly language: string;
  /** Source of the body. */
  readonly body: string;
  /** Whether it is called when an argument is null (else it returns null). */
  readonly calledOnNullInput: boolean;
}

/** A user-defined aggregate (one overload). */
export interface AggregateMetadata {
  /** Keyspace name. */
  readonly keyspace: string;
  /** Aggregate name. */
  readonly name: string;
  /** Name and argument types: unique per keyspace. */
  readonly signature: string;
  /** Argument types, resolved. */
  readonly argumentTypes: readonly DataType[];
  /** Argument types as CQL text. */
  readonly argumentCqlTypes: readonly string[];
  /** Name of the state function (same keyspace). */
  readonly stateFunction: string;
  /** State type, resolved. */
  readonly stateType: DataType;
  /** State type as CQL text. */
  readonly stateCqlType: string;
  /** Name of the final function, or null. */
  readonly finalFunction: string | null;
  /** The initial state as a CQL literal, or null. */
  readonly initCondition: string | null;
  /** Return type, resolved. */
  readonly returnType: DataType;
  /** Return type as CQL text. */
  readonly returnCqlType: string;
}

/** A keyspace and every object in it. */
export interface KeyspaceMetadata {
  /** Keyspace name. */
  readonly name: string;
  /** Replication: `class` (full class name, as stored) and the strategy's options. */
  readonly replication: Readonly<Record<string, string>>;
  /** Whether writes go to the commit log. */
  readonly durableWrites: boolean;
  /** Whether it is a virtual keyspace (`system_views`, `system_virtual_schema`). */
  readonly isVirtual: boolean;
  /** Tables by name. */
  readonly tables: ReadonlyMap<string, TableMetadata>;
  /** Materialized views by name. */
  readonly views: ReadonlyMap<string, MaterializedViewMetadata>;
  /** User-defined types by name. */
  readonly userTypes: ReadonlyMap<string, UserTypeMetadata>;
  /** Functions by name; a name may have several overloads. */
  readonly functions: ReadonlyMap<string, readonly FunctionMetadata[]>;
  /** Aggregates by name; a name may have several overloads. */
  readonly aggregates: ReadonlyMap<string, readonly AggregateMetadata[]>;
}
