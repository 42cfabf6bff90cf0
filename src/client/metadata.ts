/**
 * `client.metadata`: what the client knows of the cluster as data: where partitions live
 * (replicas, token ranges), the schema, and query traces.
 *
 * @module
 */
import type { Cluster } from "../cluster/cluster.ts";
import type { SchemaQuery } from "../metadata/loader.ts";
import type {
  AggregateMetadata,
  FunctionMetadata,
  KeyspaceMetadata,
  MaterializedViewMetadata,
  TableMetadata,
  UserTypeMetadata,
} from "../metadata/model.ts";
import type { SchemaMetadata } from "../metadata/schema-metadata.ts";
import type { FetchTraceOptions, QueryTrace } from "../metadata/trace.ts";
import type { SchemaChange } from "../protocol/responses.ts";
import type { HostInfo } from "./policies/load-balancing.ts";
import { unrefTimer } from "../connection/timers.ts";

/**
 * How long after `connect()` the background schema load begins. Reading a large schema
 * (thousands of columns) takes tens of milliseconds of the client's single thread and pages of
 * responses on the same connections as the application's requests: begun at once, it held the
 * first query of a fresh process back by 10 to 90 ms on 100 keyspaces of 10 tables, where the
 * lazy mode answered in 2 to 6. A read of the metadata before then loads what it needs at once.
 */
const SCHEMA_LOAD_DELAY_MS = 1_000;

/** A range of the ring: tokens after `start` up to and including `end`, and who holds them. */
export interface TokenRangeInfo {
  /** The previous ring token (exclusive); for the first range, the largest one (it wraps). */
  readonly start: bigint;
  /** The ring token closing the range (inclusive). */
  readonly end: bigint;
  /** The range's replicas (in the keyspace asked for), primary first. */
  readonly replicas: readonly HostInfo[];
}

/**
 * The cluster's metadata. The schema is read from `system_schema` in the background, a second
 * after `connect()` (with `schemaMetadata: false`, on first use; a read before then loads what
 * it needs at once) and kept current by schema change
 * events; reading it never delays requests.
 *
 * @example
 * ```ts ignore
 * const t = await client.metadata.table("app", "users");
 * console.log(t?.partitionKey.map((c) => c.name), t?.columns.map((c) => `${c.name} ${c.cqlType}`));
 * ```
 */
export class Metadata {
  readonly #cluster: Cluster;
  readonly #query: SchemaQuery;
  readonly #lazy: boolean;
  /**
   * The schema cache, its module loaded on first need: most programs never read the schema, and
   * edge runtimes pay for every module at cold start.
   */
  #schema: Promise<SchemaMetadata> | null = null;
  #loaded: SchemaMetadata | null = null;
  /** Aborts the schema reads still running when the client closes. */
  readonly #closing = new AbortController();
  #loadTimer: ReturnType<typeof setTimeout> | undefined;

  /** Built by the client; `stream` runs a statement with parameters, row after row. */
  constructor(
    cluster: Cluster,
    stream: (
      cql: string,
      params: unknown[] | undefined,
      signal: AbortSignal,
    ) => AsyncIterable<Record<string, unknown>>,
    lazy: boolean,
  ) {
    this.#cluster = cluster;
    this.#query = async (cql, params) => {
      // Every page: system_schema.columns of a large schema has more rows than one page.
      const rows: Record<string, unknown>[] = [];
      for await (const row of stream(cql, params, this.#closing.signal)) rows.push(row);
      return rows;
    };
    this.#lazy = lazy;
  }

  #load(): Promise<SchemaMetadata> {
    return this.#schema ??= import("../metadata/schema-metadata.ts").then((m) => {
      const log = this.#cluster.log;
      const schema = new m.SchemaMetadata(this.#query, {
        lazy: this.#lazy,
        onError: (e) => log("warning", "reading the schema failed", undefined, e as Error),
      });
      if (this.#closing.signal.aborted) schema.close();
      return this.#loaded = schema;
    });
  }

  /** Internal: starts the background load (after connect). */
  start(): void {
    if (this.#loadTimer !== undefined || this.#closing.signal.aborted) return;
    this.#loadTimer = setTimeout(
      () => this.#load().then((s) => s.start(), () => {}),
      SCHEMA_LOAD_DELAY_MS,
    );
    unrefTimer(this.#loadTimer);
  }

  /** Internal: a schema change event. */
  changed(change: SchemaChange): void {
    // Before the cache exists there is nothing to refresh: its first reads see the change.
    if (this.#loaded === null) return;
    const what = change.name === undefined ? change.keyspace : `${change.keyspace}.${change.name}`;
    this.#cluster.log("debug", `schema: ${change.target} ${what} ${change.change}, refreshing`);
    this.#loaded.refresh(change);
  }

  /** Internal: stops refreshing. */
  close(): void {
    clearTimeout(this.#loadTimer);
    this.#loaded?.close();
    this.#closing.abort();
  }

  /** Every keyspace's name, sorted. */
  keyspaces(): Promise<string[]> {
    return this.#load().then((s) => s.keyspaces());
  }

  /** A keyspace: replication, durable writes, tables, views, user types, functions, aggregates. */
  keyspace(name: string): Promise<KeyspaceMetadata | undefined> {
    return this.#load().then((s) => s.keyspace(name));
  }

  /** A table: columns with their CQL types, partition and clustering keys, indexes, options. */
  table(keyspace: string, name: string): Promise<TableMetadata | undefined> {
    return this.#load().then((s) => s.table(keyspace, name));
  }

  /** A materialized view. */
  view(keyspace: string, name: string): Promise<MaterializedViewMetadata | undefined> {
    return this.#load().then((s) => s.view(keyspace, name));
  }

  /** A user-defined type. */
  udt(keyspace: string, name: string): Promise<UserTypeMetadata | undefined> {
    return this.#load().then((s) => s.udt(keyspace, name));
  }

  /** The overloads of a user-defined function. */
  functions(keyspace: string, name: string): Promise<readonly FunctionMetadata[]> {
    return this.#load().then((s) => s.functions(keyspace, name));
  }

  /** The overloads of a user-defined aggregate. */
  aggregates(keyspace: string, name: string): Promise<readonly AggregateMetadata[]> {
    return this.#load().then((s) => s.aggregates(keyspace, name));
  }

  /**
   * The trace of a request run with `tracing: true` (its `rs.tracingId`): the session and its
   * events from `system_traces`, waiting (2 s by default) until the trace is complete.
   */
  trace(tracingId: string, options?: FetchTraceOptions): Promise<QueryTrace> {
    return import("../metadata/trace.ts").then((m) =>
      m.fetchTrace(this.#query, tracingId, options)
    );
  }

  /**
   * The nodes holding the partition with this routing key (one column's serialized value, or
   * the composite of several) in `keyspace`, primary first, as the client's token map places
   * them. Empty before the client connected, or for a keyspace it does not know.
   */
  replicas(keyspace: string, routingKey: Uint8Array): readonly HostInfo[] {
    const map = this.#cluster.tokenMap;
    if (map === undefined) return [];
    return map.replicas(keyspace, map.tokenOf(routingKey));
  }

  /**
   * Every range of the ring in token order with its replicas in `keyspace` (without one, its
   * primary owner alone): what a client needs to split a full scan by node.
   */
  tokenRanges(keyspace?: string): TokenRangeInfo[] {
    return this.#cluster.tokenMap?.tokenRanges(keyspace) ?? [];
  }

  /** The token of a routing key under the cluster's partitioner (undefined before connect). */
  tokenOf(routingKey: Uint8Array): bigint | undefined {
    return this.#cluster.tokenMap?.tokenOf(routingKey);
  }
}
