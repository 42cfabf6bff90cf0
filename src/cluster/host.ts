/**
 * A node as the client sees it: what the cluster says of it (host id, data center, rack,
 * tokens), its distance, its pool, and whether it is up.
 *
 * A node is down when its pool has lost every connection and cannot open a new one; a DOWN
 * event alone does not take out a node whose connections work. It is up again when a
 * connection succeeds: on an UP event, on the reconnection schedule, or when a request that ran
 * out of nodes up tries it. Before a node that was down (or is new) serves a request, the cached
 * prepared statements are prepared on it.
 *
 * @module
 */
import {
  type Connection,
  type ConnectionOptions,
  formatAddress,
} from "../connection/connection.ts";
import { unrefTimer } from "../connection/timers.ts";
import { ConnectionPool, type PoolOwner } from "../connection/pool.ts";
import type { HostInfo } from "../client/policies/load-balancing.ts";
import type { BusyConnectionError } from "../errors.ts";
import type { ReconnectionPolicy, ReconnectionSchedule } from "./reconnection.ts";
import type { Log } from "./log.ts";

/** Attempts, and the delay between them, after an UP event for a node still refusing. */
const UP_EVENT_ATTEMPTS = 40;
const UP_EVENT_DELAY_MS = 250;
// Gossip reports a restarted node up before it has replayed its commit log and opened its CQL
// port, which on a loaded machine takes tens of seconds more: after the eager tries, one a
// second for two minutes, rather than the policy's growing delays (up to a minute late).
const UP_EVENT_PATIENT_ATTEMPTS = 120;
const UP_EVENT_PATIENT_DELAY_MS = 1_000;

/** How a node is used: `local` nodes serve first, `remote` ones as a fallback, `ignored` never. */
export type HostDistance = "local" | "remote" | "ignored";

/** What a node needs from the cluster it belongs to. */
export interface HostContext {
  /** Options for each new connection. */
  connectionOptions(): Omit<ConnectionOptions, "host" | "port" | "onClose" | "onEvent">;
  /** Brings a fresh connection to the client's state (keyspace). */
  initConnection(conn: Connection, host: Host): Promise<void>;
  /** Prepares the cached statements on a node's first connection after it was down or new. */
  prepareAll(conn: Connection): Promise<void>;
  /** Connections per node at each distance. */
  poolSize(distance: HostDistance): number;
  readonly reconnection: ReconnectionPolicy;
  /** The driver's log. */
  readonly log: Log;
  /** The node came up (a connection succeeded after it was down). */
  onUp(host: Host): void;
  /** The node went down. */
  onDown(host: Host): void;
}

/** A Cassandra node. */
export class Host implements HostInfo {
  /** "host:port", as connections and errors name the node. */
  readonly address: string;
  /** IP address or host name connected to. */
  readonly host: string;
  /** CQL native port. */
  readonly port: number;
  /** The node's host id, once the cluster reported it. */
  hostId: string | undefined;
  /** Data center, once known. */
  datacenter: string | undefined;
  /** Rack, once known. */
  rack: string | undefined;
  /** Cassandra version the node runs. */
  releaseVersion: string | undefined;
  /** The node's tokens (Murmur3 tokens as decimal strings). */
  tokens: readonly string[] = [];
  /** How this client uses the node. */
  distance: HostDistance = "local";
  /** Reached through a contact point: it keeps that address, whatever the node reports. */
  contactPoint = false;
  readonly #ctx: HostContext;
  #pool: ConnectionPool | null = null;
  #up = true;
  #needsPrepare = true;
  #schedule: ReconnectionSchedule | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastError: Error | undefined;
  #closed = false;
  readonly #owner: PoolOwner;

  /** A node at `host:port`, with no connection yet. */
  constructor(host: string, port: number, ctx: HostContext) {
    this.host = host;
    this.port = port;
    this.address = formatAddress(host, port);
    this.#ctx = ctx;
    this.#owner = {
      host,
      port,
      connectionOptions: () => ctx.connectionOptions(),
      initConnection: async (conn) => {
        await ctx.initConnection(conn, this);
        if (this.#needsPrepare) {
          await ctx.prepareAll(conn);
          this.#needsPrepare = false;
        }
      },
      onOpened: () => {
        if (!this.#up) this.#markUp();
      },
      onOpenFailed: (error, empty) => this.#openFailed(error, empty),
      onEmpty: (error) => this.#lostAll(error),
    };
  }

  /** False while the node is down. */
  get isUp(): boolean {
    return this.#up;
  }

  /** Open connections to the node. */
  get openConnections(): number {
    return this.#pool?.openConnections ?? 0;
  }

  /** Requests in flight on the node. */
  get inFlight(): number {
    return this.#pool?.inFlight ?? 0;
  }

  /** Why the node was last found down. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  #poolOf(): ConnectionPool {
    return this.#pool ??= new ConnectionPool(this.#owner, this.#ctx.poolSize(this.distance));
  }

  /** A ready connection of a full pool, without waiting; see {@link ConnectionPool.ready}. */
  ready(): Connection | undefined {
    return this.#pool?.ready();
  }

  /** Why the node refuses requests now, if it does; see {@link ConnectionPool.busy}. */
  busy(): BusyConnectionError | undefined {
    return this.#pool?.busy();
  }

  /** A connection, opening one if needed; see {@link ConnectionPool.borrow}. */
  borrow(signal?: AbortSignal): Promise<Connection> {
    if (this.#closed) return Promise.reject(new Error(`${this.address}: client closed`));
    return this.#poolOf().borrow(signal);
  }

  /** Opens the whole pool; resolves true when at least one connection is open. */
  fill(): Promise<boolean> {
    if (this.#closed || this.distance === "ignored") return Promise.resolve(false);
    return this.#poolOf().fill();
  }

  /** Applies a new distance: resizes, opens or closes the pool. */
  setDistance(distance: HostDistance): void {
    if (distance === this.distance) return;
    this.distance = distance;
    if (distance === "ignored") {
      this.#cancelReconnect();
      const pool = this.#pool;
      this.#pool = null;
      pool?.close().catch(() => {});
      return;
    }
    const pool = this.#pool;
    if (pool !== null) {
      pool.size = this.#ctx.poolSize(distance);
      pool.shrink();
    }
    if (this.#up) this.fill().catch(() => {});
  }

  /**
   * The server says the node is up: try it now and, while it refuses, every 250 ms for 10 s
   * (the event can come before the node accepts clients), then every second for two minutes,
   * then on a fresh schedule of the policy.
   */
  upEvent(): void {
    if (this.#closed || this.#up) return;
    if (this.distance === "ignored") {
      this.#markUp();
      return;
    }
    this.#cancelReconnect();
    const policy = this.#ctx.reconnection.newSchedule();
    let eager = UP_EVENT_ATTEMPTS;
    let patient = UP_EVENT_PATIENT_ATTEMPTS;
    this.#schedule = {
      next: () =>
        eager-- > 0 ? UP_EVENT_DELAY_MS : patient-- > 0 ? UP_EVENT_PATIENT_DELAY_MS : policy.next(),
    };
    this.#attempt();
  }

  /** The server says the node is down: believed only when we hold no connection to it. */
  downEvent(): void {
    if (this.#closed || !this.#up) return;
    const pool = this.#pool;
    if (pool === null || (pool.openConnections === 0 && !pool.opening)) {
      this.#markDown(new Error(`${this.address}: reported down by the cluster`));
    }
  }

  #lostAll(error: Error | undefined): void {
    if (this.#closed || !this.#up) return;
    // Lost every connection: an immediate attempt tells a dead node from dropped connections.
    this.#poolOf().fill().catch(() => {});
    this.#lastError = error;
  }

  #openFailed(error: Error, empty: boolean): void {
    if (this.#closed || !empty) return;
    this.#lastError = error;
    if (this.#up) this.#markDown(error);
    else this.#scheduleNext();
  }

  #markDown(error: Error): void {
    this.#up = false;
    this.#needsPrepare = true;
    this.#lastError = error;
    this.#schedule = this.#ctx.reconnection.newSchedule();
    this.#scheduleNext();
    this.#ctx.onDown(this);
  }

  #markUp(): void {
    this.#up = true;
    this.#cancelReconnect();
    this.#ctx.onUp(this);
  }

  #scheduleNext(): void {
    if (this.#closed || this.#timer !== undefined || this.distance === "ignored") return;
    const schedule = this.#schedule ??= this.#ctx.reconnection.newSchedule();
    const delay = schedule.next();
    this.#ctx.log(
      "debug",
      `${this.address}: reconnecting in ${delay} ms`,
      this.address,
      this.#lastError,
    );
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#attempt();
    }, delay);
    unrefTimer(this.#timer);
  }

  #attempt(): void {
    if (this.#closed || this.#up) return;
    // Success marks the node up (onOpened); failure schedules the next attempt (onOpenFailed).
    this.#poolOf().fill().catch(() => {});
  }

  #cancelReconnect(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#schedule = null;
  }

  /** Closes every connection, letting in-flight requests finish; stops reconnecting. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#cancelReconnect();
    await this.#pool?.close();
  }
}
