/**
 * Reads system tables on a connection: the control connection's one way of asking the cluster.
 *
 * @module
 */
import type { Connection } from "../connection/connection.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { encodeQuery } from "../protocol/requests.ts";
import { createRowDecoder, type Row } from "../protocol/types/row-decoder.ts";

/** Runs `cql` at consistency ONE on `conn` and returns every row of its (single) page. */
export function querySystem(conn: Connection, cql: string, timeout: number): Promise<Row[]> {
  return conn.send(
    (w, f) => encodeQuery(w, f, cql, { consistency: "ONE" }),
    (r) => {
      const m = r.message;
      if (m.kind !== "rows" || m.metadata.columns === null) {
        throw new ProtocolError(`expected rows for ${cql}, got ${m.kind}`);
      }
      const c = m.content;
      return createRowDecoder(m.metadata.columns).decodeRows(
        c.buf,
        c.offset,
        c.end,
        m.rowCount,
        c.view,
      );
    },
    { timeout },
  );
}
