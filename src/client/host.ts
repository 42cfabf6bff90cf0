/**
 * A node and its pool of connections. Connections open on demand, the least busy one serves each
 * request, and a node whose connections cannot be opened is marked down for a growing delay so
 * query plans skip it. A node that keeps some connections but refuses more (a per-client
 * connection limit) stays up, and its pool stops growing for that delay.
 *
 * @module
 */
import { Connection, type ConnectionOptions } from "../connection/connection.ts";
import type { EventMessage } from "../protocol/responses.ts";

/** What a pool needs from its client. */
export interface PoolContext {
  /** Options for each new connection (host/port filled in by the pool). */
  connectionOptions(): Omit<ConnectionOptions, "host" | "port" | "onClose" | "onEvent">;
  /** Brings a fresh connection to the client's state (keyspace) before it serves requests. */
  initConnection(conn: Connection, host: Host): Promise<void>;
  /** Size of the pool. */
  readonly connectionsPerHost: number;
  /** Server events arriving on any connection. */
  onEvent?(event: EventMessage): void;
}

const MIN_DELAY = 1_000;
const MAX_DELAY = 60_000;

/**
 * A Cassandra node as the client sees it.
 */
export class Host {
  /** "host:port". */
  readonly address: string;
  /** Host name or IP address. */
  readonly host: string;
  /** CQL native port. */
  readonly port: number;
  /** Data center, once known from the cluster's metadata. */
  datacenter: string | undefined;
  /** Rack, once known. */
  rack: string | undefined;
  #ctx: PoolContext;
  #conns: Connection[] = [];
  #opening: Promise<Connection> | null = null;
  #downUntil = 0;
  /** When a pool that failed to grow may try again (0: it did not fail). */
  #growAfter = 0;
  #delay = MIN_DELAY;
  #closed = false;

  /** Creates a host with an empty pool. */
  constructor(host: string, port: number, ctx: PoolContext) {
    this.host = host;
    this.port = port;
    this.address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
    this.#ctx = ctx;
  }

  /** False while the node is in its reconnection delay after failed connection attempts. */
  get isUp(): boolean {
    // A node that never failed needs no clock read (this runs for every request's plan).
    return this.#downUntil === 0 || this.#downUntil <= Date.now();
  }

  /** Number of open connections. */
  get openConnections(): number {
    return this.#conns.length;
  }

  /** Requests in flight on this node, over all its connections. */
  get inFlight(): number {
    let n = 0;
    for (const c of this.#conns) n += c.inFlight;
    return n;
  }

  /**
   * The least busy open connection when the pool is full, without waiting; undefined when
   * {@link Host.borrow} has work to do (open or grow the pool).
   */
  ready(): Connection | undefined {
    const conns = this.#conns;
    if (conns.length < this.#ctx.connectionsPerHost) return undefined;
    let best: Connection | undefined;
    for (let i = 0; i < conns.length; i++) {
      const c = conns[i];
      if (c.open && (best === undefined || c.inFlight < best.inFlight)) best = c;
    }
    return best;
  }

  /**
   * A ready connection: the least busy open one, opening the first (or, in the background,
   * more up to the pool size) as needed. Rejects with the connection error when none can open.
   */
  borrow(signal?: AbortSignal): Promise<Connection> {
    let best: Connection | undefined;
    for (const c of this.#conns) {
      if (c.open && (best === undefined || c.inFlight < best.inFlight)) best = c;
    }
    if (best !== undefined) {
      if (
        this.#conns.length < this.#ctx.connectionsPerHost && this.#opening === null &&
        (this.#growAfter === 0 || this.#growAfter <= Date.now())
      ) {
        this.#open(undefined).catch(() => {}); // grow in the background; failures mark us down
      }
      return Promise.resolve(best);
    }
    return this.#opening ?? this.#open(signal);
  }

  /**
   * Opens connections until the pool has `connectionsPerHost` (what {@link Client.connect}
   * waits for, so the first requests find the whole pool). A failure ends it, as it ends a
   * background grow: borrows try again after the delay.
   */
  async fill(): Promise<void> {
    for (let n = this.#conns.length; n < this.#ctx.connectionsPerHost && !this.#closed; n++) {
      try {
        await (this.#opening ?? this.#open(undefined));
      } catch {
        return;
      }
    }
  }

  #open(signal: AbortSignal | undefined): Promise<Connection> {
    if (this.#closed) return Promise.reject(new Error(`${this.address}: client closed`));
    const p = (async () => {
      let conn: Connection | undefined;
      try {
        conn = await Connection.open({
          ...this.#ctx.connectionOptions(),
          host: this.host,
          port: this.port,
          signal,
          onEvent: this.#ctx.onEvent?.bind(this.#ctx),
          onClose: () => this.#remove(conn!),
        });
        await this.#ctx.initConnection(conn, this);
      } catch (e) {
        conn?.destroy();
        this.#openFailed();
        throw e;
      }
      if (this.#closed) {
        conn.destroy();
        throw new Error(`${this.address}: client closed`);
      }
      this.#conns.push(conn);
      this.#downUntil = 0;
      this.#growAfter = 0;
      this.#delay = MIN_DELAY;
      return conn;
    })();
    this.#opening = p;
    const clear = () => {
      if (this.#opening === p) this.#opening = null;
    };
    p.then(clear, clear);
    return p;
  }

  #remove(conn: Connection): void {
    const i = this.#conns.indexOf(conn);
    if (i >= 0) this.#conns.splice(i, 1);
  }

  #openFailed(): void {
    const until = Date.now() + this.#delay;
    this.#delay = Math.min(this.#delay * 2, MAX_DELAY);
    if (this.#conns.length === 0) this.#downUntil = until;
    else this.#growAfter = until;
  }

  /** Closes every connection, letting in-flight requests finish. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#opening?.catch(() => {});
    await Promise.all(this.#conns.slice().map((c) => c.close()));
  }
}
