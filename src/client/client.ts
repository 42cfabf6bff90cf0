/**
 * The client: what applications use. It owns the nodes and their pools, the prepared statement
 * cache and the policies, and runs each request through a query plan with retries.
 *
 * @module
 */
import type {
  Connection,
  ConnectionOptions,
  Recover,
  SendOptions,
} from "../connection/connection.ts";
import { Cluster } from "../cluster/cluster.ts";
import type { ClientEventName, ClientEvents } from "../cluster/events.ts";
import { ClosedError } from "../errors.ts";
import type { Compressor } from "../protocol/compression.ts";
import { isOwned, markOwned } from "../protocol/owned.ts";
import {
  type BatchStatement,
  BatchType,
  type BoundValues,
  type ConsistencyLevel,
  encodeBatch,
  encodeExecute,
  encodeQuery,
} from "../protocol/requests.ts";
import type { Response } from "../protocol/responses.ts";
import type { Host } from "../cluster/host.ts";
import { UnpreparedError } from "../protocol/server-errors.ts";
import type { Row, RowCursor } from "../protocol/types/row-decoder.ts";
import { formatUuid } from "../protocol/types/uuid.ts";
import type { Transport } from "../transport/types.ts";
import { checkOptions, checkQuery } from "./checks.ts";
import { SessionKeyspace } from "./keyspace.ts";
import { DecoderCache } from "./decoders.ts";
import { Executor } from "./execution.ts";
import { queryParameters } from "./parameters.ts";
import { Tracking, untracked } from "./tracking.ts";
import {
  type ClientOptions,
  connectionOptionsOf,
  type ResolvedOptions,
  resolveOptions,
} from "./options.ts";
import type { HostInfo, RequestInfo } from "./policies/load-balancing.ts";
import { defaultLoadBalancingPolicy } from "./policies/token-aware.ts";
import { DefaultRetryPolicy } from "./policies/retry.ts";
import { type Prepared, PreparedCache } from "./prepared.ts";
import { Router } from "./routing.ts";
import { Metadata } from "./metadata.ts";
import { type PageFetcher, ResultSet, RowStream } from "./result-set.ts";
import type { BatchOptions, BatchQuery, ExecuteOptions } from "./request-options.ts";
import { anySignal } from "./signals.ts";
import { bindPrepared, bindUnprepared, hasParams, type Params } from "./values.ts";

const BATCH_TYPES = {
  logged: BatchType.Logged,
  unlogged: BatchType.Unlogged,
  counter: BatchType.Counter,
} as const;

/** What a page's result needs to fetch the page after it. */
interface PageRequest {
  readonly query: string;
  readonly params: Params | undefined;
  readonly options: ExecuteOptions;
  /** Rows decoded as they are read (streams). */
  readonly lazy: boolean;
}

/**
 * A Cassandra client: connects lazily (or on {@link Client.connect}), pools connections per node,
 * prepares and caches statements, pages with async iterators, and retries by policy.
 *
 * @example
 * ```ts ignore
 * import { Client } from "@cql/driver";
 * const client = new Client({ contactPoints: ["127.0.0.1"], localDataCenter: "datacenter1" });
 * const rs = await client.execute("SELECT release_version FROM system.local");
 * console.log(rs.first()?.release_version);
 * for await (const row of client.stream("SELECT * FROM ks.big", [], { pageSize: 1000 })) {
 *   console.log(row);
 * }
 * await client.close();
 * ```
 */
export class Client {
  readonly #opts: ResolvedOptions;
  readonly #exec: Executor;
  readonly #router: Router;
  readonly #metadata: Metadata;
  readonly #prepared = new PreparedCache();
  readonly #decoders = new DecoderCache();
  readonly #cluster: Cluster;
  #connecting: Promise<void> | null = null;
  readonly #ks: SessionKeyspace;
  /** The send options of every request that sets none of its own. */
  readonly #defaultSend: SendOptions;
  #version: 4 | 5;
  /** Set once the first connection has negotiated `#version`, which every later one speaks. */
  #negotiated = false;
  #transport: Transport | undefined;
  #compressor: Compressor | undefined;

  /** Creates a client; nothing connects until {@link Client.connect} or the first request. */
  constructor(options: ClientOptions) {
    const o = this.#opts = resolveOptions(options);
    this.#defaultSend = { timeout: o.requestTimeout };
    this.#ks = new SessionKeyspace(o.keyspace);
    this.#version = o.protocolVersion;
    this.#router = new Router(() => this.#cluster.tokenMap);
    this.#exec = new Executor(
      options.loadBalancing ?? defaultLoadBalancingPolicy(o.localDataCenter, o.localRack),
      options.retry ?? new DefaultRetryPolicy(),
      () => this.#cluster.planHosts,
      () => this.connect(),
      o.speculative,
      o.requestTracker && new Tracking(o.requestTracker, o, () => this.#cluster.hosts),
    );
    this.#cluster = new Cluster(o, {
      connectionOptions: () => this.#connectionOptions(),
      initConnection: (c) => this.#ks.init(c, o.connectTimeout),
      prepareAll: (c) => this.#prepared.prepareOn(c, this.#ks.of(c), { timeout: o.connectTimeout }),
      negotiated: (c) => {
        // Every later connection speaks the version the first one negotiated.
        this.#version = c.protocolVersion;
        this.#negotiated = true;
      },
    });
    this.#metadata = new Metadata(
      this.#cluster,
      (cql, params, signal) =>
        this.stream(cql, params ?? [], untracked({ idempotent: true, signal })),
      !o.schemaMetadata,
    );
    this.#cluster.events.on("schemaChange", (change) => this.#metadata.changed(change));
  }

  /** The protocol version in use (after connecting; before, the highest that will be tried). */
  get protocolVersion(): 4 | 5 {
    return this.#version;
  }

  /** The keyspace requests run in by default (changes after a `USE` statement). */
  get keyspace(): string | undefined {
    return this.#ks.current;
  }

  /** The cluster's metadata: the schema, replicas and token ranges, query traces. */
  get metadata(): Metadata {
    return this.#metadata;
  }

  /** Every node of the cluster this client knows (after connecting; before, the contact points). */
  get hosts(): readonly HostInfo[] {
    return this.#cluster.hosts;
  }

  /**
   * Listens to an event: `"hostAdd"`, `"hostRemove"`, `"hostUp"` and `"hostDown"` (the listener
   * gets the node's {@link HostInfo}), `"schemaChange"` (what changed) or `"log"` (a
   * `LogEntry`: nodes up and down, reconnections, the control connection moving, schema
   * refreshes, re-prepares; never a credential or a bound value). Returns a function that
   * removes the listener.
   *
   * @example
   * ```ts ignore
   * const off = client.on("hostDown", (host) => console.log(`${host.address} is down`));
   * off();
   * ```
   */
  on<K extends ClientEventName>(name: K, listener: (value: ClientEvents[K]) => void): () => void {
    return this.#cluster.events.on(name, listener);
  }

  /**
   * Asks the cluster now whether every node that is up reports the same schema version
   * (after a schema change the client already waits for it; see `maxSchemaAgreementWait`).
   */
  async checkSchemaAgreement(): Promise<boolean> {
    await this.connect();
    return await this.#cluster.isSchemaInAgreement();
  }

  /**
   * Connects: reads the cluster's nodes through a control connection to the first contact
   * point that answers (negotiating the protocol version there), then opens the pools of the
   * local data center's nodes (`connectionsPerHost` each). Idempotent; requests call it
   * themselves. Rejects with {@link NoHostAvailableError} (per-node errors inside) or, for bad
   * credentials, the server's `AuthenticationError`.
   */
  connect(): Promise<void> {
    if (this.#exec.closed) return Promise.reject(new ClosedError());
    if (this.#exec.connected) return Promise.resolve();
    if (this.#connecting === null) {
      this.#connecting = this.#doConnect().then(
        () => {
          this.#exec.connected = true;
          this.#metadata.start();
        },
        (e) => {
          this.#connecting = null;
          throw e;
        },
      );
    }
    return this.#connecting;
  }

  async #doConnect(): Promise<void> {
    const o = this.#opts;
    if (!this.#transport) {
      this.#transport = o.transport ??
        await (await import("../transport/detect.ts")).defaultTransport();
    }
    if (o.compression === "lz4" && !this.#compressor) {
      const { loadLz4 } = await import("../compression/lz4.ts");
      this.#compressor = await loadLz4(o.lz4Wasm);
    }
    await this.#cluster.connect();
  }

  #connectionOptions(): Omit<ConnectionOptions, "host" | "port" | "onClose" | "onEvent"> {
    return connectionOptionsOf(this.#opts, this.#transport!, this.#compressor, {
      protocolVersion: this.#version,
      pinVersion: this.#negotiated,
    });
  }

  /**
   * Runs one statement and returns the first page of its result.
   *
   * @example
   * ```ts ignore
   * const rs = await client.execute("SELECT * FROM users WHERE id = ?", [id]);
   * await client.execute("INSERT INTO users (id, name) VALUES (:id, :name)", { id, name });
   * interface User { id: string; name: string }
   * const user = (await client.execute<User>("SELECT id, name FROM users LIMIT 1")).first();
   * ```
   */
  execute<T = Row>(
    query: string,
    params?: Params,
    options: ExecuteOptions = {},
  ): Promise<ResultSet<T>> {
    return this.#firstPage<T>(query, params, options, false, undefined);
  }

  /**
   * Every row of a query, page after page, fetching the next page while the current one is
   * consumed. Leaving the loop stops fetching.
   */
  stream<T = Row>(
    query: string,
    params?: Params,
    options: ExecuteOptions = {},
  ): AsyncIterableIterator<T> {
    // Nothing is sent before the first next(), as with a generator; every page, the first too,
    // is decoded row by row as the loop reads it.
    return new RowStream<T>(
      null,
      (signal) => this.#firstPage<T>(query, params, options, true, signal),
    );
  }

  /** Validates, then runs the statement for its first page (with `signal` too, when given). */
  #firstPage<T>(
    query: string,
    params: Params | undefined,
    options: ExecuteOptions,
    lazy: boolean,
    signal: AbortSignal | undefined,
  ): Promise<ResultSet<T>> {
    try {
      checkQuery(query);
      checkOptions(options);
    } catch (e) {
      return Promise.reject(e);
    }
    const opts = signal === undefined
      ? options
      : { ...options, signal: anySignal(options.signal, signal) };
    return this.#executePage<T>(query, params, opts, options.pagingState, lazy);
  }

  /** The result page by page, each with its `pagingState` to resume from. */
  async *pages<T = Row>(
    query: string,
    params?: Params,
    options: ExecuteOptions = {},
  ): AsyncGenerator<ResultSet<T>, void, undefined> {
    const first = await this.execute<T>(query, params, options);
    yield* first.pages();
  }

  #executePage<T>(
    query: string,
    params: Params | undefined,
    options: ExecuteOptions,
    pagingState: Uint8Array | undefined,
    lazy: boolean,
  ): Promise<ResultSet<T>> {
    // This runs for every request: it allocates only what the request needs (see #toResultSet
    // for the next-page fetcher, #reprepared for the recovery path).
    const prepare = options.prepare ?? hasParams(params);
    const keyspace = options.keyspace ?? this.#ks.current;
    const send = this.#sendOptions(options);
    const page = { query, params, options, lazy };
    if (!prepare) {
      const values = bindUnprepared(params);
      const qp = queryParameters(this.#opts, options, pagingState, values, false);
      return this.#exec.run(
        this.#router.explicit(keyspace, options, values),
        options,
        this.#exec.recovering(async (conn) => {
          if (this.#ks.needsUse(conn)) await this.#ks.use(conn, send);
          return await conn.send(
            (w, f) => encodeQuery(w, f, query, qp),
            (r) => this.#toResultSet<T>(r, null, page, conn, options.consistency),
            send,
          );
        }),
        query,
      );
    }
    // A known statement is bound before its plan is made: the plan starts at the partition's
    // replicas.
    let info: RequestInfo<Host> = this.#router.plain(keyspace);
    let boundFor: Prepared | undefined;
    let bound: BoundValues | undefined;
    const map = this.#cluster.tokenMap;
    if (map !== undefined) {
      const known = this.#prepared.peek(query, keyspace);
      if (known !== undefined && known.partitionKeyIndexes.length > 0) {
        try {
          bound = bindPrepared(known.variables, params);
        } catch (e) {
          return Promise.reject(e);
        }
        boundFor = known;
        info = this.#router.prepared(map, known, bound, keyspace, options);
      } else if (options.routingKey !== undefined) {
        info = this.#router.explicit(keyspace, options, undefined);
      }
    }
    const exec = (conn: Connection, p: Prepared, recover?: Recover<ResultSet<T>>) => {
      const qp = queryParameters(
        this.#opts,
        options,
        pagingState,
        p === boundFor ? bound : bindPrepared(p.variables, params),
        // Without v5's metadata id an altered table would be decoded with stale columns.
        conn.protocolVersion >= 5 && p.columns !== null,
      );
      return conn.send(
        (w, f) => encodeExecute(w, f, p.id, p.resultMetadataId, qp),
        (r) => this.#toResultSet<T>(r, p, page, conn, options.consistency),
        send,
        recover,
      );
    };
    return this.#exec.run(info, options, (conn, onFailure) => {
      // The common case, a known statement on a ready connection, runs without any await, and
      // its promise is the connection's own: failures reach the re-prepare and the retry loop
      // through `recover`, not through `.catch` layers every request would pay for.
      const known = this.#ks.needsUse(conn)
        ? undefined
        : boundFor ?? this.#prepared.peek(query, keyspace);
      if (known !== undefined) {
        return exec(conn, known, (e) => {
          const again = this.#reprepared(conn, e, exec, query, keyspace, send);
          return onFailure === undefined ? again : again.catch(onFailure);
        });
      }
      const slow = this.#exec.track((async () => {
        if (this.#ks.needsUse(conn)) await this.#ks.use(conn, send);
        const prepared = await this.#prepared.get(conn, query, keyspace, send);
        try {
          return await exec(conn, prepared);
        } catch (e) {
          return await this.#reprepared(conn, e, exec, query, keyspace, send);
        }
      })());
      return onFailure === undefined ? slow : slow.catch(onFailure);
    }, query);
  }

  /** After an UNPREPARED answer, prepares the statement again and runs it once more. */
  async #reprepared<R>(
    conn: Connection,
    error: unknown,
    exec: (conn: Connection, p: Prepared) => Promise<R>,
    query: string,
    keyspace: string | undefined,
    send: SendOptions,
  ): Promise<R> {
    if (!(error instanceof UnpreparedError)) throw error;
    this.#cluster.log("info", `re-preparing on ${conn.address}: ${query}`, conn.address);
    return exec(conn, await this.#prepared.reprepare(conn, query, keyspace, send));
  }

  #sendOptions(options: ExecuteOptions | BatchOptions): SendOptions {
    const { timeout, signal, tracing, customPayload } = options;
    // Most requests set none of these: they share one object.
    if (
      timeout === undefined && signal === undefined && tracing === undefined &&
      customPayload === undefined
    ) {
      return this.#defaultSend;
    }
    return { timeout: timeout ?? this.#opts.requestTimeout, signal, tracing, customPayload };
  }

  /** Runs in `onData`: the frame's bytes must be decoded now. */
  #toResultSet<T>(
    r: Response,
    prepared: Prepared | null,
    page: PageRequest | null,
    conn: Connection,
    consistency: ConsistencyLevel | undefined,
  ): ResultSet<T> {
    const lazy = page?.lazy ?? false;
    const m = r.message;
    const tracingId = r.tracingId ? formatUuid(r.tracingId) : null;
    if (m.kind === "rows") {
      const { columns, decoder } = this.#decoders.forRows(m, prepared);
      const c = m.content;
      let rows: T[] = [];
      let cursor: RowCursor | null = null;
      if (!lazy) rows = decoder.decodeRows(c.buf, c.offset, c.end, m.rowCount, c.view) as T[];
      else if (isOwned(c.buf)) cursor = decoder.cursor(c.buf, c.offset, c.end, m.rowCount);
      else {
        // A lazy page outlives this frame, whose buffer the transport may reuse: keep a copy.
        const copy = markOwned(c.buf.slice(c.offset, c.end));
        cursor = decoder.cursor(copy, 0, copy.length, m.rowCount);
      }
      return new ResultSet<T>({
        warnings: r.warnings,
        tracingId,
        customPayload: r.customPayload,
        rows,
        cursor,
        columns,
        pagingState: m.metadata.pagingState,
        fetch: m.metadata.pagingState && page ? this.#fetcher<T>(page) : null,
        queriedHost: conn.address,
        consistency: consistency ?? this.#opts.consistency,
      });
    }
    if (m.kind === "setKeyspace") this.#ks.current = m.keyspace;
    const rs = new ResultSet<T>({
      warnings: r.warnings,
      tracingId,
      customPayload: r.customPayload,
      queriedHost: conn.address,
      consistency: consistency ?? this.#opts.consistency,
    });
    if (m.kind === "schemaChange" && this.#opts.maxSchemaAgreementWait > 0) {
      // The connection resolves the request with whatever this returns, and a promise is
      // adopted: the caller gets the result once the nodes agree (or the wait ran out), and no
      // other statement pays for the check.
      return this.#cluster.awaitSchemaAgreement(conn).then((agreed) => {
        ResultSet.recordAgreement(rs as ResultSet<unknown>, agreed);
        return rs;
      }) as unknown as ResultSet<T>;
    }
    return rs;
  }

  /** Fetches the page after one of `page`'s, from its paging state. */
  #fetcher<T>(page: PageRequest): PageFetcher<T> {
    const { query, params, options } = page;
    return (state, signal, lazy) =>
      this.#executePage<T>(
        query,
        params,
        { ...options, signal: anySignal(options.signal, signal) },
        state,
        lazy,
      );
  }

  /**
   * Runs several modifications as one batch.
   *
   * @example
   * ```ts ignore
   * await client.batch([
   *   { query: "INSERT INTO t (k, v) VALUES (?, ?)", params: ["a", 1] },
   *   { query: "UPDATE t SET v = ? WHERE k = ?", params: [2, "b"] },
   * ], { type: "unlogged" });
   * ```
   */
  batch(queries: readonly BatchQuery[], options: BatchOptions = {}): Promise<ResultSet> {
    let items: { query: string; params?: Params }[];
    try {
      if (!Array.isArray(queries) || queries.length === 0) {
        throw new TypeError("batch needs a non-empty array of queries");
      }
      items = queries.map((q) => (typeof q === "string" ? { query: q } : q));
      for (const q of items) checkQuery(q?.query);
      if (options.type !== undefined && !(options.type in BATCH_TYPES)) {
        throw new TypeError(`batch type must be logged, unlogged or counter: ${options.type}`);
      }
      checkOptions(options);
    } catch (e) {
      return Promise.reject(e);
    }
    const o = this.#opts;
    const prepare = options.prepare ?? items.some((q) => hasParams(q.params));
    const keyspace = options.keyspace ?? this.#ks.current;
    const send = this.#sendOptions(options);
    const encodeWith = (statements: BatchStatement[]) => (conn: Connection) =>
      conn.send(
        (w, f) =>
          encodeBatch(w, f, {
            type: BATCH_TYPES[options.type ?? "logged"],
            statements,
            consistency: options.consistency ?? o.consistency,
            serialConsistency: options.serialConsistency ?? o.serialConsistency,
            timestamp: options.timestamp,
            keyspace: options.keyspace,
          }),
        (r) => this.#toResultSet<Row>(r, null, null, conn, options.consistency),
        send,
      );
    if (!prepare) {
      const statements = items.map((q) => ({ query: q.query, values: bindUnprepared(q.params) }));
      return this.#exec.run(
        this.#router.explicit(keyspace, options, statements[0].values),
        options,
        this.#exec.recovering(async (conn) => {
          if (this.#ks.needsUse(conn)) await this.#ks.use(conn, send);
          return await encodeWith(statements)(conn);
        }),
        items,
      );
    }
    // A batch goes to a replica of its first statement's partition, when that is known.
    let info = this.#router.explicit(keyspace, options, undefined);
    const map = this.#cluster.tokenMap;
    const first = map === undefined ? undefined : this.#prepared.peek(items[0].query, keyspace);
    if (first !== undefined && first.partitionKeyIndexes.length > 0) {
      let values: BoundValues | undefined;
      try {
        values = bindPrepared(first.variables, items[0].params);
      } catch (e) {
        return Promise.reject(e);
      }
      info = this.#router.prepared(map!, first, values, keyspace, options);
    }
    return this.#exec.run(
      info,
      options,
      this.#exec.recovering(async (conn) => {
        if (this.#ks.needsUse(conn)) await this.#ks.use(conn, send);
        const prepareAll = (again: boolean) =>
          Promise.all(
            items.map((q) =>
              again
                ? this.#prepared.reprepare(conn, q.query, keyspace, send)
                : this.#prepared.get(conn, q.query, keyspace, send)
            ),
          );
        const statementsFor = (ps: Prepared[]) =>
          ps.map((p, i) => ({ id: p.id, values: bindPrepared(p.variables, items[i].params) }));
        try {
          return await encodeWith(statementsFor(await prepareAll(false)))(conn);
        } catch (e) {
          if (!(e instanceof UnpreparedError)) throw e;
          this.#cluster.log(
            "info",
            `re-preparing a batch's statements on ${conn.address}`,
            conn.address,
          );
          return await encodeWith(statementsFor(await prepareAll(true)))(conn);
        }
      }),
      items,
    );
  }

  /**
   * Closes every connection. Requests already issued finish first, within `closeTimeout`
   * (after it they reject with {@link ClosedError}); requests after `close()` reject with it.
   */
  async close(): Promise<void> {
    if (this.#exec.closed) return;
    this.#exec.closed = true;
    this.#metadata.close();
    // Requests issued before close() may still have to connect or prepare (see close.ts).
    await this.#opts.closing.run(this.#connecting, this.#exec, this.#cluster);
  }
}
