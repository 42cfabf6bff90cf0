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
import type { Host } from "../cluster/host.ts";
import {
  AbortError,
  ClosedError,
  ConnectionError,
  NoHostAvailableError,
  throwIfAborted,
} from "../errors.ts";
import type { Compressor } from "../protocol/compression.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { isOwned, markOwned } from "../protocol/owned.ts";
import {
  type BatchStatement,
  BatchType,
  type ConsistencyLevel,
  encodeBatch,
  encodeExecute,
  encodeQuery,
  type QueryParameters,
} from "../protocol/requests.ts";
import type { Response, RowsResult } from "../protocol/responses.ts";
import { AuthenticationError, ResponseError, UnpreparedError } from "../protocol/server-errors.ts";
import type { ColumnSpec } from "../protocol/types/datatype.ts";
import {
  createRowDecoder,
  type Row,
  type RowCursor,
  type RowDecoder,
} from "../protocol/types/row-decoder.ts";
import { formatUuid } from "../protocol/types/uuid.ts";
import { typeToString } from "../protocol/types/datatype.ts";
import type { Transport } from "../transport/types.ts";
import { type ClientOptions, type ResolvedOptions, resolveOptions } from "./options.ts";
import {
  type HostInfo,
  type LoadBalancingPolicy,
  RoundRobinPolicy,
} from "./policies/load-balancing.ts";
import { DefaultRetryPolicy, type RetryPolicy } from "./policies/retry.ts";
import { type Prepared, PreparedCache } from "./prepared.ts";
import { type PageFetcher, ResultSet, RowStream } from "./result-set.ts";
import { bindPrepared, bindUnprepared, hasParams, type Params } from "./values.ts";

/** Options of one `execute`, `stream` or `pages` call. */
export interface ExecuteOptions {
  /** Prepare the statement (cached) and execute it. Default: true when there are parameters. */
  prepare?: boolean;
  /** Rows per page. */
  pageSize?: number;
  /** Start at this page (from a previous result's `pagingState`). */
  pagingState?: Uint8Array;
  /** Consistency level, by name ("LOCAL_QUORUM") or code. */
  consistency?: ConsistencyLevel;
  /** Serial consistency for conditional statements ("SERIAL" or "LOCAL_SERIAL"). */
  serialConsistency?: ConsistencyLevel;
  /** Write timestamp in microseconds since the epoch. */
  timestamp?: bigint;
  /** The statement may safely run more than once (lets the retry policy try another node). */
  idempotent?: boolean;
  /** Keyspace to run in (protocol v5). */
  keyspace?: string;
  /** Cancels the request. */
  signal?: AbortSignal;
  /** Milliseconds to wait for the answer (per attempt); overrides `requestTimeout`. */
  timeout?: number;
  /** Ask the server to trace the request; the result's `tracingId` names the session. */
  tracing?: boolean;
  /** Custom payload for a server-side QueryHandler. */
  customPayload?: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;
}

/** One statement of a batch: a query string, or a query with its parameters. */
export type BatchQuery = string | { query: string; params?: Params };

/** Options of `batch`. */
export interface BatchOptions extends Omit<ExecuteOptions, "pageSize" | "pagingState" | "tracing"> {
  /** "logged" (default), "unlogged" or "counter". */
  type?: "logged" | "unlogged" | "counter";
  /** Ask the server to trace the batch. */
  tracing?: boolean;
}

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
  readonly #lbp: LoadBalancingPolicy;
  readonly #retry: RetryPolicy;
  readonly #prepared = new PreparedCache();
  readonly #decoders: RowDecoder[] = [];
  readonly #cluster: Cluster;
  #connecting: Promise<void> | null = null;
  #connected = false;
  #closed = false;
  #keyspace: string | undefined;
  #lastRouting: { readonly keyspace?: string } | undefined;
  /** The send options of every request that sets none of its own. */
  readonly #defaultSend: SendOptions;
  #version: 4 | 5;
  /** Set once the first connection has negotiated `#version`, which every later one speaks. */
  #negotiated = false;
  #transport: Transport | undefined;
  #compressor: Compressor | undefined;

  /** Creates a client; nothing connects until {@link Client.connect} or the first request. */
  constructor(options: ClientOptions) {
    this.#opts = resolveOptions(options);
    this.#defaultSend = { timeout: this.#opts.requestTimeout };
    this.#lbp = options.loadBalancing ?? new RoundRobinPolicy(this.#opts.localDataCenter);
    this.#retry = options.retry ?? new DefaultRetryPolicy();
    this.#keyspace = this.#opts.keyspace;
    this.#version = this.#opts.protocolVersion;
    const o = this.#opts;
    this.#cluster = new Cluster({
      contactPoints: o.contactPoints,
      localDataCenter: o.localDataCenter,
      remoteDcHosts: o.remoteDcHosts,
      addressTranslator: o.addressTranslator,
      reconnection: o.reconnection,
      maxSchemaAgreementWait: o.maxSchemaAgreementWait,
      queryTimeout: o.requestTimeout || 12_000,
      connectionsPerHost: o.connectionsPerHost,
      connectionOptions: () => this.#connectionOptions(),
      initConnection: (c) => this.#initConnection(c),
      prepareAll: (c) =>
        this.#prepared.prepareOn(c, connKeyspace.get(c), { timeout: o.connectTimeout }),
      negotiated: (c) => {
        // Every later connection speaks the version the first one negotiated.
        this.#version = c.protocolVersion;
        this.#negotiated = true;
      },
    });
  }

  /** The protocol version in use (after connecting; before, the highest that will be tried). */
  get protocolVersion(): 4 | 5 {
    return this.#version;
  }

  /** The keyspace requests run in by default (changes after a `USE` statement). */
  get keyspace(): string | undefined {
    return this.#keyspace;
  }

  /** Every node of the cluster this client knows (after connecting; before, the contact points). */
  get hosts(): readonly HostInfo[] {
    return this.#cluster.hosts;
  }

  /**
   * Listens to an event: `"hostAdd"`, `"hostRemove"`, `"hostUp"` and `"hostDown"` (the listener
   * gets the node's {@link HostInfo}) or `"schemaChange"` (what changed). Returns a function that
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
    if (this.#closed) return Promise.reject(new ClosedError());
    if (this.#connected) return Promise.resolve();
    if (this.#connecting === null) {
      this.#connecting = this.#doConnect().then(
        () => {
          this.#connected = true;
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
    const o = this.#opts;
    return {
      transport: this.#transport!,
      tls: o.tls,
      protocolVersion: this.#version,
      pinVersion: this.#negotiated,
      compressor: this.#compressor,
      authProvider: o.authProvider,
      connectTimeout: o.connectTimeout,
      heartbeatInterval: o.heartbeatInterval,
      heartbeatTimeout: o.requestTimeout || 12_000,
      maxRequests: o.maxRequestsPerConnection,
      maxFrameLength: o.maxFrameLength,
    };
  }

  async #initConnection(conn: Connection): Promise<void> {
    if (this.#keyspace === undefined) connKeyspace.set(conn, undefined);
    else await this.#switchKeyspace(conn, { timeout: this.#opts.connectTimeout });
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
    const keyspace = options.keyspace ?? this.#keyspace;
    const send = this.#sendOptions(options);
    const page = { query, params, options, lazy };
    if (!prepare) {
      const qp = this.#queryParameters(options, pagingState, bindUnprepared(params), false);
      return this.#run(
        this.#routing(keyspace),
        options,
        recovering(async (conn) => {
          if (this.#needsUse(conn)) await this.#switchKeyspace(conn, send);
          return await conn.send(
            (w, f) => encodeQuery(w, f, query, qp),
            (r) => this.#toResultSet<T>(r, null, page, conn, options.consistency),
            send,
          );
        }),
      );
    }
    const exec = (conn: Connection, p: Prepared, recover?: Recover<ResultSet<T>>) => {
      const qp = this.#queryParameters(
        options,
        pagingState,
        bindPrepared(p.variables, params),
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
    return this.#run(this.#routing(keyspace), options, (conn, onFailure) => {
      // The common case, a known statement on a ready connection, runs without any await, and
      // its promise is the connection's own: failures reach the re-prepare and the retry loop
      // through `recover`, not through `.catch` layers every request would pay for.
      const known = this.#needsUse(conn) ? undefined : this.#prepared.peek(query, keyspace);
      if (known !== undefined) {
        return exec(conn, known, (e) => {
          const again = this.#reprepared(conn, e, exec, query, keyspace, send);
          return onFailure === undefined ? again : again.catch(onFailure);
        });
      }
      const slow = (async () => {
        if (this.#needsUse(conn)) await this.#switchKeyspace(conn, send);
        const prepared = await this.#prepared.get(conn, query, keyspace, send);
        try {
          return await exec(conn, prepared);
        } catch (e) {
          return await this.#reprepared(conn, e, exec, query, keyspace, send);
        }
      })();
      return onFailure === undefined ? slow : slow.catch(onFailure);
    });
  }

  /**
   * What the load balancing policy learns of a request. Requests in one keyspace share one
   * frozen object rather than allocate one each.
   */
  #routing(keyspace: string | undefined): { readonly keyspace?: string } {
    let info = this.#lastRouting;
    if (info === undefined || info.keyspace !== keyspace) {
      info = this.#lastRouting = Object.freeze({ keyspace });
    }
    return info;
  }

  /** The QUERY or EXECUTE parameters for `options`, the client's defaults filled in. */
  #queryParameters(
    options: ExecuteOptions,
    pagingState: Uint8Array | undefined,
    values: QueryParameters["values"],
    skipMetadata: boolean,
  ): QueryParameters {
    const o = this.#opts;
    return {
      consistency: options.consistency ?? o.consistency,
      serialConsistency: options.serialConsistency ?? o.serialConsistency,
      pageSize: options.pageSize ?? o.pageSize,
      pagingState,
      timestamp: options.timestamp,
      keyspace: options.keyspace,
      values,
      skipMetadata,
    };
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
    return exec(conn, await this.#prepared.reprepare(conn, query, keyspace, send));
  }

  /** Whether `conn` must switch keyspace first (see {@link Client.#switchKeyspace}). */
  #needsUse(conn: Connection): boolean {
    const ks = this.#keyspace;
    return ks !== undefined && connKeyspace.get(conn) !== ks;
  }

  /**
   * Statements without an explicit keyspace run in the connection's: after a `USE` on one
   * connection, bring the others in line before they serve a request.
   */
  async #switchKeyspace(conn: Connection, send: SendOptions): Promise<void> {
    const ks = this.#keyspace!;
    await conn.send(
      (w, f) => encodeQuery(w, f, `USE ${quoteIdentifier(ks)}`, { consistency: "ONE" }),
      () => undefined,
      send,
    );
    connKeyspace.set(conn, ks);
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
      const { columns, decoder } = this.#rowsDecoder(m, prepared);
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
    if (m.kind === "setKeyspace") this.#keyspace = m.keyspace;
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

  #rowsDecoder(
    m: RowsResult,
    prepared: Prepared | null,
  ): { columns: readonly ColumnSpec[]; decoder: RowDecoder } {
    const columns = m.metadata.columns;
    if (prepared !== null) {
      if (m.metadata.newMetadataId !== null && columns !== null) {
        // v5 METADATA_CHANGED: the table changed since we prepared; adopt the new columns.
        prepared.resultMetadataId = m.metadata.newMetadataId;
        prepared.columns = columns;
        prepared.decoder = null;
      }
      const known = prepared.columns;
      if (known !== null && (columns === null || sameColumns(columns, known))) {
        prepared.decoder ??= this.#decoderFor(known);
        return { columns: known, decoder: prepared.decoder };
      }
    }
    if (columns === null) {
      throw new ProtocolError("rows without metadata for a statement whose columns are unknown");
    }
    return { columns, decoder: this.#decoderFor(columns) };
  }

  /** One decoder per column set, reused across pages and executions. */
  #decoderFor(columns: readonly ColumnSpec[]): RowDecoder {
    const cache = this.#decoders;
    for (let i = 0; i < cache.length; i++) {
      const d = cache[i];
      if (sameColumns(d.columns, columns)) {
        // Move to the front: the same few column sets tend to repeat.
        if (i > 0) {
          cache.splice(i, 1);
          cache.unshift(d);
        }
        return d;
      }
    }
    const d = createRowDecoder(columns);
    cache.unshift(d);
    if (cache.length > 32) cache.pop();
    return d;
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
    const keyspace = options.keyspace ?? this.#keyspace;
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
      return this.#run(
        { keyspace },
        options,
        recovering(async (conn) => {
          if (this.#needsUse(conn)) await this.#switchKeyspace(conn, send);
          return await encodeWith(statements)(conn);
        }),
      );
    }
    return this.#run(
      { keyspace },
      options,
      recovering(async (conn) => {
        if (this.#needsUse(conn)) await this.#switchKeyspace(conn, send);
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
          return await encodeWith(statementsFor(await prepareAll(true)))(conn);
        }
      }),
    );
  }

  /** Runs `attempt` on the nodes of a query plan, as the retry policy decides. */
  #run<T>(
    info: { keyspace?: string },
    options: ExecuteOptions | BatchOptions,
    attempt: Attempt<T>,
  ): Promise<T> {
    // The common case (connected, nothing to abort, a ready connection on the plan's first
    // node) runs without an async frame; its failure, and every other case, take #runPlan.
    if (this.#connected && !this.#closed && options.signal === undefined) {
      const plan = this.#lbp.newQueryPlan(this.#cluster.planHosts, info)[Symbol.iterator]();
      const first = plan.next();
      const conn = first.done ? undefined : first.value.ready();
      if (conn !== undefined) {
        const host = first.value as Host;
        const onFailure = (e: unknown) =>
          this.#runPlan(info, options, attempt, { plan, host, error: e });
        try {
          return attempt(conn, onFailure);
        } catch (e) {
          return Promise.reject(e).catch(onFailure);
        }
      }
    }
    return this.#runPlan(info, options, attempt, undefined);
  }

  /** The retry loop; `from` continues a plan whose first attempt failed (see {@link #run}). */
  async #runPlan<T>(
    info: { keyspace?: string },
    options: ExecuteOptions | BatchOptions,
    attempt: Attempt<T>,
    from: { plan: Iterator<Host>; host: Host; error: unknown } | undefined,
  ): Promise<T> {
    const signal = options.signal;
    if (from === undefined) {
      if (this.#closed) throw new ClosedError();
      throwIfAborted(signal);
      if (!this.#connected) await abortable(this.connect(), signal);
    }
    const idempotent = options.idempotent ?? false;
    const plan = from?.plan ??
      this.#lbp.newQueryPlan(this.#cluster.planHosts, info)[Symbol.iterator]();
    let host: Host | undefined = from?.host;
    let failed = from !== undefined;
    let error: unknown = from?.error;
    let errors: Map<string, Error> | undefined;
    let retries = 0;
    let last: Error | undefined;
    for (;;) {
      if (host === undefined) {
        const next = plan.next();
        if (next.done) break;
        host = next.value;
      }
      for (;;) {
        if (!failed) {
          if (this.#closed) throw new ClosedError();
          throwIfAborted(signal);
          let conn = host.ready();
          if (conn === undefined) {
            try {
              conn = await host.borrow(signal);
            } catch (e) {
              if (e instanceof AbortError || e instanceof AuthenticationError) throw e;
              (errors ??= new Map()).set(host.address, e as Error);
              break;
            }
          }
          try {
            const result = await attempt(conn);
            if (errors !== undefined && result instanceof ResultSet) {
              ResultSet.recordTried(result as ResultSet<unknown>, errors);
            }
            return result;
          } catch (e) {
            error = e;
          }
        }
        failed = false;
        if (
          !(error instanceof ResponseError || error instanceof ConnectionError || isTimeout(error))
        ) {
          throw error; // aborts, bad parameters, protocol errors: retrying cannot help
        }
        const decision = this.#retry.decide({ error: error as Error, idempotent, retries });
        retries++;
        if (decision.action === "rethrow") throw error;
        (errors ??= new Map()).set(host.address, error as Error);
        last = error as Error;
        if (decision.action === "retrySameHost") continue;
        break;
      }
      host = undefined;
    }
    // The plan ran out. A server answer is more useful to the caller than "no host".
    if (last instanceof ResponseError && errors?.size === 1) throw last;
    throw new NoHostAvailableError(errors ?? new Map());
  }

  /**
   * Closes every connection. Requests already issued finish first (each bounded by its
   * timeout); requests after `close()` reject with {@link ClosedError}.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#connecting?.catch(() => {});
    await this.#cluster.close();
  }
}

/**
 * True when two column lists describe the same rows. Primitive type descriptors are shared
 * objects, so most comparisons are identity checks; only parameterised types are rendered.
 */
function sameColumns(a: readonly ColumnSpec[], b: readonly ColumnSpec[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x.name !== y.name || x.table !== y.table || x.keyspace !== y.keyspace) return false;
    if (x.type !== y.type && typeToString(x.type) !== typeToString(y.type)) return false;
  }
  return true;
}

const connKeyspace = new WeakMap<Connection, string | undefined>();

/**
 * One try of a request on one connection. With `onFailure` (the first try, see `#run`), every
 * failure must end in it: the promise then settles as `onFailure`'s does.
 */
type Attempt<T> = (conn: Connection, onFailure?: (error: unknown) => Promise<T>) => Promise<T>;

/** An attempt that hands its failures to `onFailure` with a `.catch` (for the slower paths). */
function recovering<T>(run: (conn: Connection) => Promise<T>): Attempt<T> {
  return (conn, onFailure) => onFailure === undefined ? run(conn) : run(conn).catch(onFailure);
}

function isTimeout(e: unknown): boolean {
  return e instanceof Error && e.name === "RequestTimeoutError";
}

function checkQuery(query: unknown): asserts query is string {
  if (typeof query !== "string" || query.trim() === "") {
    throw new TypeError(`query must be a non-empty string, got ${JSON.stringify(query)}`);
  }
}

function checkOptions(o: ExecuteOptions | BatchOptions): void {
  if (o === null || typeof o !== "object") throw new TypeError("options must be an object");
  const e = o as ExecuteOptions;
  if (e.pageSize !== undefined && (!Number.isInteger(e.pageSize) || e.pageSize < 1)) {
    throw new TypeError(`pageSize must be a positive integer: ${e.pageSize}`);
  }
  if (e.timestamp !== undefined && typeof e.timestamp !== "bigint") {
    throw new TypeError("timestamp must be a bigint (microseconds since the epoch)");
  }
  if (e.timeout !== undefined && (!Number.isInteger(e.timeout) || e.timeout < 0)) {
    throw new TypeError(`timeout must be a non-negative integer (ms): ${e.timeout}`);
  }
}

/** Quotes a keyspace name for `USE` unless it is a plain lower-case identifier. */
function quoteIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** `p`, or an {@link AbortError} as soon as `signal` fires (`p` itself carries on). */
function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** A signal that fires when either fires. */
function anySignal(a: AbortSignal | undefined, b: AbortSignal): AbortSignal {
  if (a === undefined) return b;
  const any = (AbortSignal as unknown as { any?(s: AbortSignal[]): AbortSignal }).any;
  if (any) return any([a, b]);
  const ac = new AbortController();
  const fire = (s: AbortSignal) => () => ac.abort(s.reason);
  a.addEventListener("abort", fire(a), { once: true });
  b.addEventListener("abort", fire(b), { once: true });
  return ac.signal;
}
