/**
 * The compat `Client`: cassandra-driver's API over the native client. Options, parameters,
 * results and errors are converted at the boundary; the request path is the native one.
 *
 * @module
 */
import { Client as NativeClient } from "../client/client.ts";
import type { ResultSet as NativeResultSet } from "../client/result-set.ts";
import type { HostInfo } from "../client/policies/load-balancing.ts";
import { NoHostAvailableError as NativeNoHost } from "../errors.ts";
import {
  AuthenticationError as NativeAuthError,
  ResponseError as NativeResponseError,
} from "../protocol/server-errors.ts";
import type { BatchQuery } from "../client/request-options.ts";
import { type Callback, fail, optionalCallback, succeed } from "./callbacks.ts";
import {
  type CompatParams,
  preparedParams,
  type TypeHint,
  unpreparedParams,
} from "./convert-in.ts";
import { RowConverters } from "./convert-out.ts";
import type { EncodingOptions } from "./encoding.ts";
import { ArgumentError, NoHostAvailableError, toCompatError } from "./errors.ts";
import { EventEmitter } from "./events.ts";
import {
  batchOptionsOf,
  type ExecutionOptions,
  type Resolved,
  resolveOptions,
} from "./exec-options.ts";
import { Host, HostMap } from "./hosts.ts";
import { Metadata } from "./metadata.ts";
import { ProfileManager } from "./profiles.ts";
import { type AdaptedLoadBalancingPolicy, ignoredErrors } from "./policies/custom.ts";
import { nativeLoadBalancing, nativeRetry } from "./policies/native.ts";
import { type ClientMetrics, DefaultMetrics } from "./metrics.ts";
import { ExecutionOptionsView, RequestReporter } from "./tracking.ts";
import { ResultSet as CompatResultSet } from "./types/result-set.ts";
import { Consistency } from "../protocol/consistency.ts";
import { ClientState } from "./state.ts";
import { type ClientOptions, type QueryOptions, toNativeOptions } from "./options.ts";
import { toResultSet } from "./results.ts";
import { preloadStream, type ReadableLike, rowStream } from "./stream.ts";
import type { ResultSet } from "./types/result-set.ts";
import type { Row } from "./types/row.ts";

/** One statement of a batch. */
export type BatchStatement = string | { query: string; params?: CompatParams };

/** A callback of each row of `eachRow`: its index in the page, and the row. */
export type RowCallback = (n: number, row: Row) => void;

type Args = [
  CompatParams | null | undefined,
  ExecutionOptions | null | undefined,
  Callback<ResultSet> | undefined,
];

/** Sorts out `(query, [params], [options], [callback])`. */
function execArgs(params: unknown, options: unknown, callback: unknown): Args {
  let p = params, o = options, cb = callback;
  if (cb === undefined) {
    if (typeof o === "function") {
      cb = o;
      o = undefined;
    } else if (typeof p === "function") {
      cb = p;
      p = undefined;
    }
  }
  return [p as Args[0], o as Args[1], cb as Args[2]];
}

let nativeOf: (client: Client) => NativeClient;

/** Internal: the native client under a compat one (the mapper reads table metadata from it). */
export function nativeClientOf(client: Client): NativeClient {
  return nativeOf(client);
}

/**
 * cassandra-driver's `Client`.
 *
 * @example
 * ```ts ignore
 * import cassandra from "@cql/driver/compat";
 * const client = new cassandra.Client({
 *   contactPoints: ["127.0.0.1"],
 *   localDataCenter: "datacenter1",
 * });
 * const rs = await client.execute("SELECT * FROM ks.t WHERE k = ?", [k], { prepare: true });
 * console.log(rs.first());
 * await client.shutdown();
 * ```
 */
export class Client extends EventEmitter {
  /** The options given. */
  readonly options: ClientOptions;
  readonly #native: NativeClient;
  readonly #converters: RowConverters;
  readonly #defaults: QueryOptions;
  readonly #undefinedAsUnset: boolean;
  /** The execution profiles, "default" included. */
  readonly profileManager: ProfileManager;
  /** The cluster's metadata. */
  readonly metadata: Metadata;
  #connected = false;
  #connecting: Promise<void> | null = null;
  #shutdown = false;
  #hostObjects = new Map<string, Host>();
  readonly #adapters: AdaptedLoadBalancingPolicy[] = [];
  /** The metrics requests are reported to (`options.metrics`, else a `DefaultMetrics`). */
  readonly metrics: ClientMetrics;
  readonly #reporter: RequestReporter | undefined;

  static {
    nativeOf = (c) => c.#native;
  }

  /** Creates a client; it connects on {@link Client.connect} or the first request. */
  constructor(options: ClientOptions) {
    super();
    this.options = options;
    const nativeOptions = toNativeOptions(options, this.#adapters);
    this.metrics = options?.metrics ?? new DefaultMetrics();
    // Requests are observed only when asked: the native tracker costs every request a little.
    if (options.requestTracker || options.metrics) {
      this.#reporter = new RequestReporter(
        options.requestTracker,
        this.metrics,
        (h) => this.#host(h),
      );
      nativeOptions.requestTracker = this.#reporter.native();
    }
    this.#native = new NativeClient(nativeOptions);
    const enc: EncodingOptions = options.encoding ?? {};
    this.#converters = new RowConverters(enc);
    this.#undefinedAsUnset = enc.useUndefinedAsUnset ?? true;
    this.#defaults = options.queryOptions ?? {};
    this.profileManager = new ProfileManager(options.profiles, options.policies);
    this.profileManager.adaptPolicies((lb, retry) => ({
      loadBalancing: lb && nativeLoadBalancing(lb, options.localDataCenter, this.#adapters),
      retry: retry && nativeRetry(retry),
    }));
    this.metadata = new Metadata(this.#native, (h) => this.#host(h));
    if (options.isMetadataSyncEnabled !== false) {
      this.#native.on("schemaChange", () => {
        this.metadata.refreshKeyspaces().catch((e) => this.#log("warning", String(e)));
      });
    }
    for (const name of ["hostUp", "hostDown", "hostAdd", "hostRemove"] as const) {
      this.#native.on(name, (h) => {
        const host = this.#host(h);
        if (name === "hostRemove") this.#hostObjects.delete(h.address);
        this.emit(name, host);
      });
    }
    preloadStream();
  }

  /** Whether the client is connected. */
  get connected(): boolean {
    return this.#connected;
  }

  /** The keyspace of requests (changes after `USE`). */
  get keyspace(): string | undefined {
    return this.#native.keyspace;
  }

  /** The nodes of the cluster, by "host:port". */
  get hosts(): HostMap {
    return new HostMap(this.#native.hosts.map((h) => this.#host(h)));
  }

  #host(h: HostInfo): Host {
    let host = this.#hostObjects.get(h.address);
    if (host === undefined) {
      host = new Host(h, () => this.#native.hosts.find((x) => x.address === h.address));
      this.#hostObjects.set(h.address, host);
    }
    return host;
  }

  #log(level: string, message: string): void {
    this.emit("log", level, "Client", message);
  }

  /** A snapshot of the nodes with open connections and their requests in flight. */
  getState(): ClientState {
    return ClientState.from(this.hosts);
  }

  /** The nodes holding the partition of `token` (routing key bytes) in `keyspace`. */
  getReplicas(keyspace: string, token: Uint8Array): Host[] {
    return this.metadata.getReplicas(keyspace, token);
  }

  /** Connects (once; later calls share the first). */
  connect(): Promise<void>;
  /** Connects, then calls `callback`. */
  connect(callback: (err: Error | null) => void): void;
  connect(callback?: (err: Error | null) => void): Promise<void> | void {
    return optionalCallback(this.#connect(), callback as Callback<void> | undefined);
  }

  #connect(): Promise<void> {
    if (this.#connected) return Promise.resolve();
    if (this.#shutdown) {
      return Promise.reject(
        new NoHostAvailableError(null, "Connecting after shutdown is not supported"),
      );
    }
    this.#connecting ??= (async () => {
      this.#log("info", "Connecting to cluster using '@cql/driver compat'");
      try {
        await this.#native.connect();
      } catch (e) {
        // What cassandra-driver reports first: a data center that does not exist, then the
        // server's own answer (a keyspace that does not exist) rather than a wrapper.
        if (this.#native.hosts.some((h) => h.datacenter)) this.#checkDataCenter();
        if (e instanceof NativeNoHost) {
          const inner = [...e.errors.values()];
          if (
            inner.length > 0 &&
            inner.every((x) => x instanceof NativeResponseError && !(x instanceof NativeAuthError))
          ) {
            throw toCompatError(inner[0]);
          }
        }
        throw toCompatError(e);
      }
      this.#checkDataCenter();
      const hosts = this.hosts;
      for (const a of this.#adapters) await a.init(this, hosts, (h) => this.#host(h));
      // cassandra-driver has the keyspaces in `metadata.keyspaces` once connected.
      if (this.options.isMetadataSyncEnabled !== false) {
        await this.metadata.refreshKeyspaces().catch((e) => this.#log("warning", String(e)));
      }
      this.#connected = true;
      this.#log("info", "Connected to cluster");
    })().finally(() => {
      if (!this.#connected) this.#connecting = null;
    });
    return this.#connecting;
  }

  /** As cassandra-driver, a client needs its local data center named, and it must exist. */
  #checkDataCenter(): void {
    if (this.profileManager.default.loadBalancing !== undefined) return;
    const dcs = [...new Set(this.#native.hosts.map((h) => h.datacenter).filter((d) => d))];
    const dc = this.options.localDataCenter;
    if (!dc) {
      throw new ArgumentError(
        "'localDataCenter' is not defined in Client options and also was not specified in " +
          `constructor. At least one is required. Available DCs are: [${dcs}]`,
      );
    }
    if (!dcs.includes(dc)) {
      const address = this.#native.hosts[0]?.address ?? "";
      throw new NoHostAvailableError({
        [address]: new ArgumentError(
          `localDataCenter was configured as '${dc}', but only found hosts in data centers: [${dcs}]`,
        ),
      });
    }
  }

  /** Runs one page of `query`: from `pageState` when given. */
  #page(
    query: string,
    params: CompatParams | null | undefined,
    r: Resolved,
    pageState: Uint8Array | undefined,
    onRow?: RowCallback,
  ): Promise<ResultSet> {
    let values: CompatParams | undefined;
    try {
      if (typeof query !== "string") throw new ArgumentError("Query must be a string");
      values = r.prepare
        ? preparedParams(params, this.#undefinedAsUnset)
        : unpreparedParams(params, r.hints, this.#undefinedAsUnset);
    } catch (e) {
      return Promise.reject(e);
    }
    const opts = pageState === undefined ? r.native : { ...r.native, pagingState: pageState };
    const rep = this.#reporter;
    const ok = (rs: NativeResultSet) =>
      toResultSet(
        rs,
        this.#converters,
        rs.pagingState === null ? undefined : (s) => this.#page(query, params, r, s),
        onRow as ((n: number, row: unknown) => void) | undefined,
      );
    const failed = (e: Error) => {
      if (ignoredErrors.has(e)) return this.#ignored(r);
      // A value that cannot be encoded: cassandra-driver names the statement, as for server
      // errors.
      if (e instanceof TypeError) (e as TypeError & { query?: string }).query = query;
      throw toCompatError(e, query);
    };
    // The common case first, with no closures beyond the two the answer needs.
    if (rep === undefined && this.#connected) {
      return this.#native.execute(query, values, opts).then(ok, failed);
    }
    const run = () =>
      (rep === undefined ? this.#native.execute(query, values, opts) : rep.start({
        query,
        params: Array.isArray(values) || !values || !r.prepare
          ? values as unknown[] | undefined
          : Object.values(values),
        options: new ExecutionOptionsView(r.prepare, undefined, opts),
      }, () => this.#native.execute(query, values, opts))).then(ok, failed);
    return this.#connected ? run() : this.#connect().then(run);
  }

  /** The answer to an error the retry policy ignored: a result without rows, as cassandra-driver's. */
  #ignored(r: Resolved): ResultSet {
    const cl = r.native.consistency ?? this.#defaults.consistency ?? Consistency.LOCAL_ONE;
    return new CompatResultSet({
      info: {
        queriedHost: undefined as unknown as string,
        triedHosts: {},
        speculativeExecutions: 0,
        achievedConsistency: typeof cl === "number" ? cl : Consistency[cl],
        traceId: undefined,
        warnings: undefined,
        customPayload: undefined,
        isSchemaInAgreement: true,
      },
      rows: undefined,
      rowLength: undefined as unknown as number,
      columns: null,
      rawPageState: undefined,
      pageState: null,
      nextPageAsync: undefined,
    });
  }

  /** Runs a statement; gives the first page. */
  execute(
    query: string,
    params?: CompatParams | null,
    options?: ExecutionOptions | null,
  ): Promise<ResultSet>;
  /** Runs a statement; passes the first page to `callback`. */
  execute(query: string, callback: Callback<ResultSet>): void;
  /** Runs a statement; passes the first page to `callback`. */
  execute(query: string, params: CompatParams | null, callback: Callback<ResultSet>): void;
  /** Runs a statement; passes the first page to `callback`. */
  execute(
    query: string,
    params: CompatParams | null,
    options: ExecutionOptions | null,
    callback: Callback<ResultSet>,
  ): void;
  execute(
    query: string,
    params?: unknown,
    options?: unknown,
    callback?: unknown,
  ): Promise<ResultSet> | void {
    const [p, o, cb] = execArgs(params, options, callback);
    let r: Resolved;
    try {
      r = resolveOptions(o, this.#defaults, this.profileManager);
    } catch (e) {
      if (cb) return fail(cb, e);
      return Promise.reject(e);
    }
    return optionalCallback(this.#page(query, p, r, r.native.pagingState), cb);
  }

  /**
   * Calls `rowCallback(n, row)` for each row, then `callback(err, result)`. Without `autoPage`
   * only the first page is read and `result.nextPage()` reads the next one through the same
   * callbacks; with it, every page is, and `result.rowLength` counts every row.
   */
  eachRow(
    query: string,
    params: CompatParams | null | undefined,
    options: ExecutionOptions | null | undefined,
    rowCallback: RowCallback,
    callback?: Callback<ResultSet>,
  ): void;
  /** Calls `rowCallback(n, row)` for each row of the first page, then `callback(err, result)`. */
  eachRow(
    query: string,
    params: CompatParams | null | undefined,
    rowCallback: RowCallback,
    callback?: Callback<ResultSet>,
  ): void;
  /** Calls `rowCallback(n, row)` for each row of the first page. */
  eachRow(query: string, rowCallback: RowCallback): void;
  eachRow(
    query: string,
    params: unknown,
    options?: unknown,
    rowCallback?: unknown,
    callback?: Callback<ResultSet>,
  ): void {
    // Arguments are sorted out as cassandra-driver does: (query, params, rowCallback, callback)
    // when the third is a function and there are four, else the last function given is the
    // row callback.
    let o: unknown = options, rowCb: unknown = rowCallback, cb = callback;
    if (!cb && rowCb && typeof o === "function") {
      cb = rowCb as Callback<ResultSet>;
      rowCb = o;
    } else {
      rowCb = rowCb || o || params;
    }
    if (typeof o === "function") o = undefined;
    if (typeof rowCb !== "function") throw new ArgumentError("rowCallback must be a function");
    const done: Callback<ResultSet> = cb ?? (() => {});
    let r: Resolved;
    try {
      r = resolveOptions(o as ExecutionOptions | undefined, this.#defaults, this.profileManager);
    } catch (e) {
      return fail(done, e);
    }
    const onRow = rowCb as RowCallback;
    let total = 0;
    const params2 = typeof params === "function" ? undefined : params as CompatParams | null;
    const read = (state: Uint8Array | undefined) => {
      this.#page(query, params2, r, state, onRow).then((rs) => {
        total += rs.rowLength;
        const next = rs.rawPageState;
        if (next !== undefined) {
          if (r.autoPage) return read(next);
          rs.nextPage = () => read(next);
        }
        rs.rowLength = total;
        succeed(done, rs);
      }, (e) => fail(done, e));
    };
    read(r.native.pagingState);
  }

  /** A Node `Readable` (object mode) of every row of every page. */
  stream(
    query: string,
    params?: CompatParams | null,
    options?: ExecutionOptions | null,
    callback?: (err: Error | null) => void,
  ): ReadableLike {
    const r = resolveOptions(options, this.#defaults, this.profileManager);
    return rowStream(
      () => this.#page(query, params, r, r.native.pagingState),
      (rs) => {
        const s = rs.rawPageState;
        return s === undefined ? null : () => this.#page(query, params, r, s);
      },
      (err) => callback?.(err),
    );
  }

  /** Runs statements as one batch (`logged` unless `logged: false`; `counter` for counters). */
  batch(queries: readonly BatchStatement[], options?: ExecutionOptions | null): Promise<ResultSet>;
  /** Runs statements as one batch; passes the result to `callback`. */
  batch(queries: readonly BatchStatement[], callback: Callback<ResultSet>): void;
  /** Runs statements as one batch; passes the result to `callback`. */
  batch(
    queries: readonly BatchStatement[],
    options: ExecutionOptions | null,
    callback: Callback<ResultSet>,
  ): void;
  batch(
    queries: readonly BatchStatement[],
    options?: unknown,
    callback?: unknown,
  ): Promise<ResultSet> | void {
    let o = options, cb = callback as Callback<ResultSet> | undefined;
    if (typeof o === "function") {
      cb = o as Callback<ResultSet>;
      o = undefined;
    }
    return optionalCallback(this.#batch(queries, o as ExecutionOptions | undefined), cb);
  }

  #batch(queries: readonly BatchStatement[], options: ExecutionOptions | undefined) {
    let items: BatchQuery[];
    let r: Resolved;
    try {
      if (!Array.isArray(queries)) throw new ArgumentError("Queries should be an Array");
      if (queries.length === 0) throw new ArgumentError("Queries array should not be empty");
      r = resolveOptions(options, this.#defaults, this.profileManager);
      items = queries.map((q) => {
        const query = typeof q === "string" ? q : q?.query;
        if (typeof query !== "string") {
          throw new ArgumentError("Invalid query at the batch: query must be a string");
        }
        const params = typeof q === "string" ? undefined : q.params;
        const values = r.prepare
          ? preparedParams(params, this.#undefinedAsUnset)
          : unpreparedParams(params, r.hints as TypeHint[] | undefined, this.#undefinedAsUnset);
        return values === undefined ? { query } : { query, params: values };
      });
    } catch (e) {
      return Promise.reject(e);
    }
    const bo = batchOptionsOf(r, options ?? {});
    const rep = this.#reporter;
    const send = rep === undefined ? () => this.#native.batch(items, bo) : () =>
      rep.start({
        query: queries as BatchStatement[],
        params: null,
        options: new ExecutionOptionsView(r.prepare, bo.type, r.native),
      }, () => this.#native.batch(items, bo));
    const run = () =>
      send().then(
        (rs) => toResultSet(rs, this.#converters, undefined),
        (e) => {
          if (ignoredErrors.has(e)) return this.#ignored(r);
          throw toCompatError(e);
        },
      );
    return this.#connected ? run() : this.#connect().then(run);
  }

  /** Closes every connection. */
  shutdown(): Promise<void>;
  /** Closes every connection, then calls `callback`. */
  shutdown(callback: (err: Error | null) => void): void;
  shutdown(callback?: (err: Error | null) => void): Promise<void> | void {
    this.#shutdown = true;
    this.options.requestTracker?.shutdown();
    const p = this.#native.close().then(() => {
      this.#connected = false;
      this.#log("info", "Client shutdown");
    });
    return optionalCallback(p, callback as Callback<void> | undefined);
  }
}
