/**
 * The connections to one node: opened on demand up to a target size, the least busy one serving
 * each request. The pool reports when it has lost its last connection and when it could not open
 * one; whether that makes the node down is its owner's decision (see `cluster/host.ts`).
 *
 * It is also the node's backpressure: when every connection has `maxRequests` in flight, requests
 * wait in the connections' queues, up to `maxQueuedPerHost` in all; past that the pool is busy
 * and refuses with a {@link BusyConnectionError}, so that the query plan moves on to its next
 * node and an application issuing far more than the nodes can take gets failures at once
 * instead of a queue growing without bound in memory.
 *
 * @module
 */
import { Connection, type ConnectionOptions, formatAddress } from "./connection.ts";
import { BusyConnectionError } from "../errors.ts";

/** What a pool needs from its owner. */
export interface PoolOwner {
  /** Where to connect. */
  readonly host: string;
  /** CQL native port. */
  readonly port: number;
  /** Options for each new connection (endpoint and close handler filled in by the pool). */
  connectionOptions(): Omit<ConnectionOptions, "host" | "port" | "onClose" | "onEvent">;
  /** Brings a fresh connection to the client's state before it serves requests. */
  initConnection(conn: Connection): Promise<void>;
  /** A connection opened and is in the pool. */
  onOpened(conn: Connection): void;
  /** Opening a connection failed; `empty` when the pool has no connection left. */
  onOpenFailed(error: Error, empty: boolean): void;
  /** The pool's last connection closed with `error` (not by {@link ConnectionPool.close}). */
  onEmpty(error: Error | undefined): void;
}

/** Requests that may wait for a node's connections when none is given (see `maxQueuedPerHost`). */
export const DEFAULT_MAX_QUEUED_PER_HOST = 8192;

/** How long a pool that failed to grow waits before it tries again. */
const GROW_RETRY_MS = 1_000;
const GROW_RETRY_MAX_MS = 60_000;

/** A pool of connections to one node. */
export class ConnectionPool {
  readonly #owner: PoolOwner;
  #conns: Connection[] = [];
  #opening: Promise<Connection> | null = null;
  /** When a pool that failed to grow may try again (0: it did not fail). */
  #growAfter = 0;
  #growDelay = GROW_RETRY_MS;
  #closed = false;
  /** The cap on queued requests, from the connection options (read when a connection opens). */
  #maxQueued = DEFAULT_MAX_QUEUED_PER_HOST;
  /** The last busy refusal, shared while it describes the pool (see {@link busy}). */
  #refusal: BusyConnectionError | undefined;
  /** Connections to keep open. */
  size: number;

  /** An empty pool that grows to `size` connections. */
  constructor(owner: PoolOwner, size: number) {
    this.#owner = owner;
    this.size = size;
  }

  /** Number of open connections. */
  get openConnections(): number {
    return this.#conns.length;
  }

  /** Requests in flight over all connections. */
  get inFlight(): number {
    let n = 0;
    for (const c of this.#conns) n += c.inFlight;
    return n;
  }

  /** True while a connection is being opened. */
  get opening(): boolean {
    return this.#opening !== null;
  }

  /** Requests waiting for a stream id over all connections. */
  get queued(): number {
    let n = 0;
    for (const c of this.#conns) n += c.queued;
    return n;
  }

  /**
   * The least busy open connection when the pool is full and not busy, without waiting;
   * undefined when {@link ConnectionPool.borrow} has work to do (open or grow the pool) or
   * must refuse.
   */
  ready(): Connection | undefined {
    if (this.#conns.length < this.size) return undefined;
    const best = this.#leastBusy();
    return best === undefined || this.#busy(best) ? undefined : best;
  }

  /**
   * A ready connection: the least busy open one, opening the first (or, in the background,
   * more up to the pool size) as needed. Rejects with the connection error when none can open,
   * and with a {@link BusyConnectionError} when the pool is busy.
   */
  borrow(signal?: AbortSignal): Promise<Connection> {
    const best = this.#leastBusy();
    if (best !== undefined) {
      if (this.#busy(best)) return Promise.reject(this.#busyError(best));
      if (
        this.#conns.length < this.size && this.#opening === null &&
        (this.#growAfter === 0 || this.#growAfter <= Date.now())
      ) {
        this.#open(undefined).catch(() => {}); // grows in the background; the owner hears of failures
      }
      return Promise.resolve(best);
    }
    return this.#opening ?? this.#open(signal);
  }

  /**
   * The open connection with the fewest requests in flight and waiting: once every connection
   * is at its cap, the queued requests spread over them rather than pile up on the first.
   */
  #leastBusy(): Connection | undefined {
    const conns = this.#conns;
    let best: Connection | undefined;
    let least = 0;
    for (let i = 0; i < conns.length; i++) {
      const c = conns[i];
      if (!c.open) continue;
      const load = c.inFlight + c.queued;
      if (best === undefined || load < least) {
        best = c;
        least = load;
      }
    }
    return best;
  }

  /**
   * True when `best`, the least busy connection, is at its cap (so are the others) and the
   * queues hold the most the pool allows. The common case costs one comparison.
   */
  #busy(best: Connection): boolean {
    if (best.inFlight < best.maxRequests) return false;
    return this.queued >= this.#maxQueued;
  }

  /**
   * The error a busy pool refuses with, or undefined when it takes requests. A node refusing
   * thousands of requests a second shares one error among them while its figures stay the same
   * (see `client/busy.ts`).
   */
  busy(): BusyConnectionError | undefined {
    const best = this.#leastBusy();
    return best === undefined || !this.#busy(best) ? undefined : this.#busyError(best);
  }

  #busyError(best: Connection): BusyConnectionError {
    const e = this.#refusal;
    if (
      e !== undefined && e.connections === this.#conns.length &&
      e.maxRequestsPerConnection === best.maxRequests && e.maxQueuedRequests === this.#maxQueued
    ) {
      return e;
    }
    return this.#refusal = new BusyConnectionError(
      formatAddress(this.#owner.host, this.#owner.port),
      best.maxRequests,
      this.#conns.length,
      this.#maxQueued,
    );
  }

  /**
   * Opens connections until the pool has `size`. A failure ends it (the owner is told): borrows
   * try again later. Resolves true when at least one connection is open.
   */
  async fill(): Promise<boolean> {
    for (let n = this.#conns.length; n < this.size && !this.#closed; n++) {
      try {
        await (this.#opening ?? this.#open(undefined));
      } catch {
        break;
      }
    }
    return this.#conns.length > 0;
  }

  /** Closes connections above a smaller `size` (after a change of distance). */
  shrink(): void {
    while (this.#conns.length > this.size) {
      const c = this.#conns.pop()!;
      c.close().catch(() => {});
    }
  }

  #open(signal: AbortSignal | undefined): Promise<Connection> {
    if (this.#closed) return Promise.reject(new Error(`${this.#owner.host}: pool closed`));
    const owner = this.#owner;
    const p = (async () => {
      let conn: Connection | undefined;
      try {
        const options = owner.connectionOptions();
        this.#maxQueued = options.maxQueuedPerHost ?? DEFAULT_MAX_QUEUED_PER_HOST;
        conn = await Connection.open({
          ...options,
          host: owner.host,
          port: owner.port,
          signal,
          onClose: (error) => this.#remove(conn!, error),
        });
        await owner.initConnection(conn);
      } catch (e) {
        conn?.destroy();
        this.#openFailed(e as Error);
        throw e;
      }
      if (this.#closed) {
        conn.destroy();
        throw new Error(`${conn.address}: pool closed`);
      }
      this.#conns.push(conn);
      this.#growAfter = 0;
      this.#growDelay = GROW_RETRY_MS;
      owner.onOpened(conn);
      return conn;
    })();
    this.#opening = p;
    const clear = () => {
      if (this.#opening === p) this.#opening = null;
    };
    p.then(clear, clear);
    return p;
  }

  #remove(conn: Connection, error: Error | undefined): void {
    const i = this.#conns.indexOf(conn);
    if (i < 0) return;
    this.#conns.splice(i, 1);
    if (this.#conns.length === 0 && !this.#closed) this.#owner.onEmpty(error);
  }

  #openFailed(error: Error): void {
    const empty = this.#conns.length === 0;
    if (!empty) {
      // A node that keeps some connections but refuses more (a per-client limit) stays in use.
      this.#growAfter = Date.now() + this.#growDelay;
      this.#growDelay = Math.min(this.#growDelay * 2, GROW_RETRY_MAX_MS);
    }
    if (!this.#closed) this.#owner.onOpenFailed(error, empty);
  }

  /** Closes every connection, letting in-flight requests finish. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#opening?.catch(() => {});
    await Promise.all(this.#conns.splice(0).map((c) => c.close()));
  }
}
