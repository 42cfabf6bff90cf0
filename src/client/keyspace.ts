/**
 * The keyspace statements run in when they name none: the client's, which a `USE` changes, and
 * each connection's, brought in line before the connection serves a request.
 *
 * @module
 */
import type { Connection, SendOptions } from "../connection/connection.ts";
import { encodeQuery } from "../protocol/requests.ts";
import { quoteIdentifier } from "./checks.ts";

/** The client's keyspace and the one each of its connections is in. */
export class SessionKeyspace {
  /** The keyspace requests run in by default. */
  current: string | undefined;
  readonly #of = new WeakMap<Connection, string | undefined>();

  /** Starts in `initial`. */
  constructor(initial: string | undefined) {
    this.current = initial;
  }

  /** The keyspace `conn` is in. */
  of(conn: Connection): string | undefined {
    return this.#of.get(conn);
  }

  /** Whether `conn` must switch keyspace first (see {@link SessionKeyspace.use}). */
  needsUse(conn: Connection): boolean {
    const ks = this.current;
    return ks !== undefined && this.#of.get(conn) !== ks;
  }

  /**
   * Statements without an explicit keyspace run in the connection's: after a `USE` on one
   * connection, bring the others in line before they serve a request.
   */
  async use(conn: Connection, send: SendOptions): Promise<void> {
    const ks = this.current!;
    await conn.send(
      (w, f) => encodeQuery(w, f, `USE ${quoteIdentifier(ks)}`, { consistency: "ONE" }),
      () => undefined,
      send,
    );
    this.#of.set(conn, ks);
  }

  /** Brings a new connection into the client's keyspace. */
  async init(conn: Connection, timeout: number): Promise<void> {
    if (this.current === undefined) this.#of.set(conn, undefined);
    else await this.use(conn, { timeout });
  }
}
