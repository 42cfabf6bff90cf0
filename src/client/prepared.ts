/**
 * Prepared statements, cached per (keyspace, query) for the life of the client. Concurrent first
 * executions share one PREPARE; a node that forgot a statement gets it again on UNPREPARED.
 *
 * @module
 */
import type { Connection, SendOptions } from "../connection/connection.ts";
import { toHex } from "../protocol/bytes.ts";
import { encodePrepare } from "../protocol/requests.ts";
import type { ColumnSpec } from "../protocol/types/datatype.ts";
import type { RowDecoder } from "../protocol/types/row-decoder.ts";
import { ProtocolError } from "../protocol/errors.ts";

/** A statement prepared on the cluster. */
export interface Prepared {
  readonly query: string;
  readonly keyspace: string | undefined;
  readonly id: Uint8Array;
  /** v5: identifies the result columns; updated when the server reports METADATA_CHANGED. */
  resultMetadataId: Uint8Array | null;
  /** Bind markers. */
  readonly variables: readonly ColumnSpec[];
  /** Indexes of the markers that form the partition key. */
  readonly partitionKeyIndexes: readonly number[];
  /** Result columns; null when the statement returns none or the server left them out. */
  columns: readonly ColumnSpec[] | null;
  /** Row decoder for {@link Prepared.columns}, built on first use. */
  decoder: RowDecoder | null;
  /** A conditional statement (`IF ...`): a lightweight transaction. */
  readonly conditional: boolean;
}

/** The cache. */
export class PreparedCache {
  #byKey = new Map<string, Promise<Prepared>>();
  #byId = new Map<string, Prepared>();
  /**
   * Ready statements by keyspace, then by query: the hot path looks up the caller's own query
   * string, never a concatenation (JavaScriptCore builds concatenations as ropes, and hashing a
   * rope flattens it: a copy of the query on every execution).
   */
  #ready = new Map<string, Map<string, Prepared>>();

  #lastHit: Prepared | undefined;

  static #key(query: string, keyspace: string | undefined): string {
    return `${keyspace ?? ""}\u0000${query}`;
  }

  /** The cached statement, preparing it on `conn` first if needed. */
  get(
    conn: Connection,
    query: string,
    keyspace: string | undefined,
    opts: SendOptions,
  ): Promise<Prepared> {
    const key = PreparedCache.#key(query, keyspace);
    const hit = this.#byKey.get(key);
    if (hit !== undefined) return hit;
    return this.#prepare(conn, key, query, keyspace, opts);
  }

  /** The statement if it is already prepared (not merely being prepared), else undefined. */
  peek(query: string, keyspace: string | undefined): Prepared | undefined {
    // Most programs run one statement many times in a row: the last hit is checked before two
    // map lookups.
    const last = this.#lastHit;
    if (last !== undefined && last.query === query && last.keyspace === keyspace) return last;
    const hit = this.#ready.get(keyspace ?? "")?.get(query);
    if (hit !== undefined) this.#lastHit = hit;
    return hit;
  }

  /** Prepares again on `conn` (after UNPREPARED), replacing the cached entry. */
  reprepare(
    conn: Connection,
    query: string,
    keyspace: string | undefined,
    opts: SendOptions,
  ): Promise<Prepared> {
    return this.#prepare(conn, PreparedCache.#key(query, keyspace), query, keyspace, opts);
  }

  /**
   * Prepares every cached statement on `conn` (a node that was down or is new), so that its
   * first requests need no UNPREPARED round trip. On v4 only the statements of the connection's
   * keyspace can be prepared there; the others re-prepare on demand. Failures are ignored (a
   * statement of a dropped table fails here as it would anywhere).
   */
  async prepareOn(
    conn: Connection,
    connKeyspace: string | undefined,
    opts: SendOptions,
  ): Promise<void> {
    const v5 = conn.protocolVersion >= 5;
    const sends: Promise<unknown>[] = [];
    for (const byQuery of this.#ready.values()) {
      for (const p of byQuery.values()) {
        if (!v5 && p.keyspace !== connKeyspace) continue;
        sends.push(
          conn.send(
            (w, f) => encodePrepare(w, f, p.query, v5 ? p.keyspace : undefined),
            () => {},
            opts,
          )
            .catch(() => {}),
        );
      }
    }
    await Promise.all(sends);
  }

  /** The statement with this id, if this client prepared it. */
  byId(id: Uint8Array): Prepared | undefined {
    return this.#byId.get(toHex(id));
  }

  #prepare(
    conn: Connection,
    key: string,
    query: string,
    keyspace: string | undefined,
    opts: SendOptions,
  ): Promise<Prepared> {
    // v4 has no keyspace field in PREPARE: the connection's USE keyspace applies.
    const ks = conn.protocolVersion >= 5 ? keyspace : undefined;
    const p = conn.send((w, f) => encodePrepare(w, f, query, ks), (r) => {
      const m = r.message;
      if (m.kind !== "prepared") {
        throw new ProtocolError(`expected a Prepared result for PREPARE, got ${m.kind}`);
      }
      const prepared: Prepared = {
        query,
        keyspace,
        id: m.id,
        resultMetadataId: m.resultMetadataId,
        variables: m.variables.columns,
        partitionKeyIndexes: m.variables.partitionKeyIndexes,
        columns: m.resultMetadata.columns,
        decoder: null,
        conditional: /\bIF\b/i.test(query),
      };
      return prepared;
    }, opts);
    this.#byKey.set(key, p);
    p.then(
      (prepared) => {
        if (this.#byKey.get(key) === p) {
          const ks = keyspace ?? "";
          let byQuery = this.#ready.get(ks);
          if (byQuery === undefined) this.#ready.set(ks, byQuery = new Map());
          byQuery.set(query, prepared);
          // A re-prepared statement replaces the one peek may have remembered.
          this.#lastHit = undefined;
        }
        this.#byId.set(toHex(prepared.id), prepared);
      },
      () => {
        if (this.#byKey.get(key) === p) this.#byKey.delete(key);
      },
    );
    return p;
  }
}
