/**
 * `client.metadata` as cassandra-driver gives it: keyspaces (a snapshot kept current by schema
 * events), tables, user types, views, traces, replicas and token ranges, read from the native
 * client's metadata and shaped as cassandra-driver's objects.
 *
 * @module
 */
import type { Client as NativeClient } from "../client/client.ts";
import type { HostInfo } from "../client/policies/load-balancing.ts";
import type {
  ColumnMetadata,
  KeyspaceMetadata,
  MaterializedViewMetadata,
  RelationMetadata,
  TableMetadata,
  UserTypeMetadata,
} from "../metadata/model.ts";
import type { QueryTrace as NativeTrace } from "../metadata/trace.ts";
import { type Callback, fail, optionalCallback } from "./callbacks.ts";
import { typeInfoOf } from "./convert-out.ts";
import { ArgumentError, toCompatError } from "./errors.ts";
import type { Host } from "./hosts.ts";
import { InetAddress } from "./types/inet-address.ts";
import { type Long, longFromBigInt } from "./types/long.ts";
import type { DataTypeInfo } from "./types/row.ts";
import { TimeUuid } from "./types/time-uuid.ts";
import type { Uuid } from "./types/uuid.ts";

/** A keyspace as `metadata.keyspaces` lists it. */
export interface Keyspace {
  /** The keyspace's name. */
  name: string;
  /** Whether writes go to the commit log. */
  durableWrites: boolean;
  /** The replication strategy's class name, as stored. */
  strategy: string;
  /** The strategy's options (`replication_factor`, data center factors). */
  strategyOptions: Record<string, string>;
  /** Whether it is a virtual keyspace. */
  virtual: boolean;
}

/** A column's type in the schema: the type, and whether it is frozen or reversed. */
export type SchemaTypeInfo = DataTypeInfo & {
  /** `frozen<...>` in the schema; `reversed`: a descending clustering column. */
  options: { frozen: boolean; reversed: boolean };
};

/** A column of a table, view or user type. */
export interface ColumnInfo {
  /** The column's name. */
  name: string;
  /** Its type. */
  type: SchemaTypeInfo;
}

/** What tables and views share. */
export interface DataCollection {
  /** The table's or view's name. */
  name: string;
  /** Every column, by name (the order of the schema tables). */
  columns: ColumnInfo[];
  /** The columns by name. */
  columnsByName: Record<string, ColumnInfo>;
  /** The partition key's columns, in order. */
  partitionKeys: ColumnInfo[];
  /** The clustering columns, in order. */
  clusteringKeys: ColumnInfo[];
  /** "ASC" or "DESC" for each clustering column. */
  clusteringOrder: string[];
  /** The comment option. */
  comment: string;
  /** The default_time_to_live option. */
  defaultTtl: number;
  /** The gc_grace_seconds option. */
  gcGraceSeconds: number;
  /** The speculative_retry option. */
  speculativeRetry: string;
}

/** A table. */
export interface Table extends DataCollection {
  /** Secondary indexes, by name and target. */
  indexes: { name: string; kind: string; target: string }[];
  /** Always false: compact storage is gone from Cassandra 4.0 on. */
  isCompact: boolean;
  /** Whether it is a virtual table. */
  virtual: boolean;
}

/** A materialized view. */
export interface MaterializedView extends DataCollection {
  /** The base table. */
  tableName: string;
  /** The view's WHERE clause. */
  whereClause: string;
  /** Whether the view includes every column of the table. */
  includeAllColumns: boolean;
}

/** A user-defined type. */
export interface Udt {
  /** The type's name. */
  name: string;
  /** Its fields, in order. */
  fields: ColumnInfo[];
}

/** A query trace. */
export interface QueryTrace {
  /** The request kind ("Execute CQL3 query", ...). */
  requestType: string;
  /** The coordinator node. */
  coordinator: InetAddress;
  /** The request's parameters. */
  parameters: Record<string, string>;
  /** When the coordinator started. */
  startedAt: Date;
  /** Microseconds the request took. */
  duration: number;
  /** The client's address. */
  clientAddress: InetAddress;
  /** The trace's events. */
  events: {
    id: TimeUuid;
    activity: string;
    source: InetAddress;
    elapsed: number;
    thread: string;
  }[];
}

/** A token of the Murmur3 ring. */
export class Murmur3Token {
  readonly #value: Long;
  /** The token of `value`. */
  constructor(value: Long) {
    this.#value = value;
  }
  /** The partitioner's class name. */
  getType(): { code: number; info: string } {
    return { code: 0x0002, info: null as unknown as string };
  }
  /**
   * The token as a `types.Long` (the `long` package's class, whose declarations deno doc
   * cannot document, hence hidden from the reference).
   *
   * @ignore
   */
  getValue(): Long {
    return this.#value;
  }
  /** Orders two tokens. */
  compare(other: Murmur3Token): number {
    return this.#value.compare(other.#value);
  }
  /** Whether both are the same token. */
  equals(other: Murmur3Token): boolean {
    return this.compare(other) === 0;
  }
  /** The token in decimal. */
  toString(): string {
    return this.#value.toString();
  }
}

/** The ring's tokens after `start`, up to and including `end`. */
export class TokenRange {
  /** The exclusive start. */
  readonly start: Murmur3Token;
  /** The inclusive end. */
  readonly end: Murmur3Token;
  /** A range. */
  constructor(start: Murmur3Token, end: Murmur3Token) {
    this.start = start;
    this.end = end;
  }
  /** `]start, end]`. */
  toString(): string {
    return `]${this.start}, ${this.end}]`;
  }
}

const VARCHAR = 0x000d, TEXT = 0x000a;

/**
 * A type as the schema names it: the schema says `text` where result metadata says varchar,
 * and cassandra-driver's schema objects give text's code.
 */
function schemaType(t: DataTypeInfo): DataTypeInfo {
  const out: DataTypeInfo = { ...t, code: t.code === VARCHAR ? TEXT : t.code };
  const info = t.info as
    | DataTypeInfo
    | DataTypeInfo[]
    | { fields?: { name: string; type: DataTypeInfo }[] }
    | null
    | undefined;
  if (Array.isArray(info)) out.info = info.map(schemaType);
  else if (info && typeof info === "object" && "code" in info) out.info = schemaType(info);
  else if (info && typeof info === "object" && Array.isArray(info.fields)) {
    out.info = { ...info, fields: info.fields.map((f) => ({ ...f, type: schemaType(f.type) })) };
  }
  return out;
}

function column(c: ColumnMetadata): ColumnInfo {
  const options = {
    frozen: c.cqlType.startsWith("frozen<"),
    reversed: c.clusteringOrder === "DESC",
  };
  return { name: c.name, type: { ...schemaType(typeInfoOf(c.type)), options } };
}

function collection(r: RelationMetadata): DataCollection {
  // In the order of system_schema.columns rows, by name, as cassandra-driver lists them.
  const columns = r.columns.map(column).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  );
  const byName: Record<string, ColumnInfo> = {};
  for (const c of columns) byName[c.name] = c;
  const o = r.options as unknown as Record<string, unknown>;
  return {
    name: r.name,
    columns,
    columnsByName: byName,
    partitionKeys: r.partitionKey.map((c) => byName[c.name]),
    clusteringKeys: r.clusteringKey.map((c) => byName[c.column.name]),
    clusteringOrder: r.clusteringKey.map((c) => c.order),
    comment: String(o.comment ?? ""),
    defaultTtl: Number(o.default_time_to_live ?? 0),
    gcGraceSeconds: Number(o.gc_grace_seconds ?? 0),
    speculativeRetry: String(o.speculative_retry ?? ""),
  };
}

function tableOf(t: TableMetadata): Table {
  return {
    ...collection(t),
    indexes: t.indexes.map((i) => {
      const x = i as unknown as { name: string; kind: string; options?: Record<string, string> };
      return { name: x.name, kind: x.kind, target: x.options?.target ?? "" };
    }),
    isCompact: false,
    virtual: t.isVirtual,
  };
}

function viewOf(v: MaterializedViewMetadata): MaterializedView {
  return {
    ...collection(v),
    tableName: v.baseTable,
    whereClause: v.whereClause,
    includeAllColumns: v.includeAllColumns,
  };
}

function udtOf(u: UserTypeMetadata): Udt {
  return {
    name: u.name,
    fields: u.fields.map((f) => ({
      name: f.name,
      type: {
        ...schemaType(typeInfoOf(f.type)),
        options: { frozen: f.cqlType.startsWith("frozen<"), reversed: false },
      },
    })),
  };
}

function keyspaceOf(k: KeyspaceMetadata): Keyspace {
  const { class: cls, ...options } = k.replication;
  return {
    name: k.name,
    durableWrites: k.durableWrites,
    strategy: cls ?? "",
    strategyOptions: options,
    virtual: k.isVirtual,
  };
}

function traceOf(t: NativeTrace): QueryTrace {
  return {
    requestType: t.request,
    coordinator: InetAddress.fromString(t.coordinator),
    parameters: { ...t.parameters },
    startedAt: t.startedAt,
    duration: t.duration,
    clientAddress: InetAddress.fromString(t.client),
    events: t.events.map((e) => ({
      id: TimeUuid.fromString(e.eventId),
      activity: e.activity,
      source: InetAddress.fromString(e.source),
      elapsed: e.sourceElapsed,
      thread: e.thread,
    })),
  };
}

/** The optional-callback last argument of cassandra-driver's getters. */
function lastCallback<T>(args: unknown[]): Callback<T> | undefined {
  const f = args[args.length - 1];
  return typeof f === "function" ? f as Callback<T> : undefined;
}

/** cassandra-driver's `Metadata`, over the native client's. */
export class Metadata {
  /** Keyspaces by name, current after connect and after each schema change. */
  keyspaces: Record<string, Keyspace> = {};
  readonly #native: NativeClient;
  readonly #host: (h: HostInfo) => Host;
  #refreshing: Promise<void> | null = null;

  /** Built by the compat client: `host` gives the compat host of a native one. */
  constructor(native: NativeClient, host: (h: HostInfo) => Host) {
    this.#native = native;
    this.#host = host;
  }

  /** Reads the keyspaces afresh (the client calls it on connect and schema changes). */
  refreshKeyspaces(): Promise<void> {
    this.#refreshing ??= (async () => {
      const m = this.#native.metadata;
      const out: Record<string, Keyspace> = {};
      for (const name of await m.keyspaces()) {
        const k = await m.keyspace(name);
        if (k !== undefined) out[name] = keyspaceOf(k);
      }
      this.keyspaces = out;
    })().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /**
   * A getter's answer: null when the object does not exist, though typed as the object, as
   * cassandra-driver declares its getters (code checked against them checks against these).
   * Given a callback, nothing is returned.
   */
  #get<N, C>(
    read: () => Promise<N | undefined>,
    shape: (n: N) => C,
    callback: Callback<C> | undefined,
  ): Promise<C> {
    const p = read().then((n) => (n === undefined ? null : shape(n)) as C, (e) => {
      throw toCompatError(e);
    });
    return optionalCallback(p, callback) as Promise<C>;
  }

  /** A table's metadata, or null (a callback, when given, is called instead). */
  getTable(
    keyspace: string,
    name: string,
    callback?: Callback<Table>,
  ): Promise<Table> {
    return this.#get(() => this.#native.metadata.table(keyspace, name), tableOf, callback);
  }

  /** A materialized view's metadata, or null. */
  getMaterializedView(
    keyspace: string,
    name: string,
    callback?: Callback<MaterializedView>,
  ): Promise<MaterializedView> {
    return this.#get(() => this.#native.metadata.view(keyspace, name), viewOf, callback);
  }

  /** A user type's metadata, or null. */
  getUdt(
    keyspace: string,
    name: string,
    callback?: Callback<Udt>,
  ): Promise<Udt> {
    return this.#get(() => this.#native.metadata.udt(keyspace, name), udtOf, callback);
  }

  /** A query trace by its id (`rs.info.traceId`); the consistency argument is accepted. */
  getTrace(traceId: Uuid | null | undefined, ...rest: unknown[]): Promise<QueryTrace> {
    const cb = lastCallback<QueryTrace>(rest);
    if (!traceId) {
      const e = new ArgumentError("You must provide a trace id");
      if (cb) return fail(cb, e) as unknown as Promise<QueryTrace>;
      return Promise.reject(e);
    }
    return this.#get(() => this.#native.metadata.trace(traceId.toString()), traceOf, cb);
  }

  /** The nodes holding the partition of `routingKey` (bytes) in `keyspace`. */
  getReplicas(keyspace: string, routingKey: Uint8Array): Host[] {
    return this.#native.metadata.replicas(keyspace, routingKey).map(this.#host);
  }

  /** The ranges of the ring, from the smallest token on (as cassandra-driver orders them). */
  getTokenRanges(): Set<TokenRange> {
    const ranges = this.#native.metadata.tokenRanges();
    const token = (t: bigint) => new Murmur3Token(longFromBigInt(t));
    const out = new Set<TokenRange>();
    // The native list starts with the range that wraps: cassandra-driver ends with it.
    for (let i = 1; i <= ranges.length; i++) {
      const r = ranges[i % ranges.length];
      out.add(new TokenRange(token(r.start), token(r.end)));
    }
    return out;
  }

  /** Whether every node up reports the same schema version. */
  checkSchemaAgreement(callback?: Callback<boolean>): Promise<boolean> | void {
    const p = this.#native.checkSchemaAgreement().catch((e) => {
      throw toCompatError(e);
    });
    return optionalCallback(p, callback);
  }
}
