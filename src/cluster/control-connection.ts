/**
 * The control connection: one connection, to a node of the local data center, that reads the
 * topology and receives the cluster's events (TOPOLOGY_CHANGE, STATUS_CHANGE, SCHEMA_CHANGE).
 * When it is lost it moves to another node at once, and reads the topology again there, so
 * nothing that changed while it moved is missed.
 *
 * @module
 */
import { Connection, type ConnectionOptions } from "../connection/connection.ts";
import { unrefTimer } from "../connection/timers.ts";
import type { EventMessage } from "../protocol/responses.ts";
import { AuthenticationError } from "../protocol/server-errors.ts";
import type { Host } from "./host.ts";
import type { ReconnectionPolicy, ReconnectionSchedule } from "./reconnection.ts";
import type { Log } from "./log.ts";

/** The events the control connection registers for. */
export const CONTROL_EVENTS = ["TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"] as const;

/** What the control connection needs from the cluster. */
export interface ControlContext {
  /** Options of the control connection (no keyspace: it reads only system tables). */
  connectionOptions(): Omit<ConnectionOptions, "host" | "port" | "onClose" | "onEvent">;
  /** The nodes to try, best first. */
  candidates(): readonly Host[];
  /** Reads the topology on a new control connection; a failure makes it try the next node. */
  onConnected(conn: Connection, host: Host): Promise<void>;
  /** A server event. */
  onEvent(event: EventMessage): void;
  readonly reconnection: ReconnectionPolicy;
  /** The driver's log. */
  readonly log: Log;
}

/** The control connection of one client. */
export class ControlConnection {
  readonly #ctx: ControlContext;
  #conn: Connection | null = null;
  #host: Host | null = null;
  #connecting: Promise<void> | null = null;
  #schedule: ReconnectionSchedule | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** How many times a control connection was opened (tests watch it move). */
  opened = 0;

  /** A control connection that is not connected yet. */
  constructor(ctx: ControlContext) {
    this.#ctx = ctx;
  }

  /** The open connection, if any. */
  get connection(): Connection | null {
    return this.#conn !== null && this.#conn.open ? this.#conn : null;
  }

  /** The node it is connected to. */
  get host(): Host | null {
    return this.#host;
  }

  /**
   * Connects to the first candidate that answers and reads the topology. Rejects with the
   * per-node errors (a Map, address → error) when none does, or with an AuthenticationError.
   */
  connect(): Promise<void> {
    return this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = null;
    });
  }

  async #connect(): Promise<void> {
    const errors = new Map<string, Error>();
    for (const host of this.#ctx.candidates()) {
      if (this.#closed) break;
      let conn: Connection | undefined;
      try {
        conn = await Connection.open({
          ...this.#ctx.connectionOptions(),
          host: host.host,
          port: host.port,
          onEvent: (e) => this.#ctx.onEvent(e),
          onClose: (error) => this.#lost(conn!, error),
        });
        await conn.register(CONTROL_EVENTS);
        this.#conn = conn;
        this.#host = host;
        await this.#ctx.onConnected(conn, host);
        this.opened++;
        this.#schedule = null;
        this.#ctx.log("info", `control connection on ${host.address}`, host.address);
        if (this.#closed) conn.destroy();
        return;
      } catch (e) {
        if (this.#conn === conn) {
          this.#conn = null;
          this.#host = null;
        }
        conn?.destroy();
        if (e instanceof AuthenticationError) throw e;
        errors.set(host.address, e as Error);
      }
    }
    throw new ControlConnectError(errors);
  }

  #lost(conn: Connection, error: Error | undefined): void {
    if (this.#conn !== conn) return;
    const host = this.#host;
    if (!this.#closed && host !== null) {
      this.#ctx.log("warning", `control connection to ${host.address} lost`, host.address, error);
    }
    this.#conn = null;
    this.#host = null;
    if (!this.#closed) this.#reconnect();
  }

  /** Moves to another node now; when none answers, tries again on the reconnection schedule. */
  #reconnect(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.connect().catch((e) => {
      if (this.#closed) return;
      const schedule = this.#schedule ??= this.#ctx.reconnection.newSchedule();
      const delay = schedule.next();
      this.#ctx.log(
        "warning",
        `no node took the control connection; again in ${delay} ms`,
        undefined,
        e as Error,
      );
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#reconnect();
      }, delay);
      unrefTimer(this.#timer);
    });
  }

  /** Makes sure a control connection is open or being opened (after a node came back). */
  ensure(): void {
    if (this.#closed || this.connection !== null || this.#connecting !== null) return;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#reconnect();
  }

  /** Closes the connection and stops reconnecting. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#connecting?.catch(() => {});
    const conn = this.#conn;
    this.#conn = null;
    await conn?.close();
  }
}

/** No candidate accepted a control connection; `errors` holds each node's. */
export class ControlConnectError extends Error {
  /** Error class name. */
  override name = "ControlConnectError";
  /** The error per node address. */
  readonly errors: Map<string, Error>;
  /** From the per-node errors. */
  constructor(errors: Map<string, Error>) {
    super("no node accepted the control connection");
    this.errors = errors;
  }
}
