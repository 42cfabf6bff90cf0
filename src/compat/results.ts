/**
 * Native results turned into cassandra-driver's `ResultSet`.
 *
 * @module
 */
import { Consistency } from "../protocol/consistency.ts";
import type { ResultSet as NativeResultSet } from "../client/result-set.ts";
import { toBlob, toHex } from "./buffer.ts";
import type { RowConverters } from "./convert-out.ts";
import { toCompatError } from "./errors.ts";
import { columnsOf } from "./convert-out.ts";
import { ResultSet } from "./types/result-set.ts";
import { Uuid } from "./types/uuid.ts";

/** Wire codes by consistency name (server errors name the level; cassandra-driver gives codes). */
const CL_CODE: Readonly<Record<string, number>> = Consistency;

/** How the next page of a result is fetched. */
export type PageFetch = (pageState: Uint8Array) => Promise<ResultSet>;

/**
 * The compat result of a native page. `collectRows` false leaves `rows` undefined (eachRow
 * hands them to its callback instead, through `onRow`).
 */
export function toResultSet(
  rs: NativeResultSet,
  converters: RowConverters,
  fetch: PageFetch | undefined,
  onRow?: (n: number, row: unknown) => void,
): ResultSet {
  const info = rs.info;
  // As cassandra-driver: every node tried, in order, with its error; null for the one that answered.
  const tried: Record<string, Error | null> = {};
  if (info.triedHosts.size > 0) {
    for (const [a, e] of info.triedHosts) {
      tried[a] = toCompatError(e);
    }
  }
  if (info.queriedHost) tried[info.queriedHost] = null;
  const cl = info.achievedConsistency;
  let payload: Record<string, Uint8Array | null> | undefined;
  if (rs.customPayload !== null) {
    payload = {};
    for (const [k, v] of rs.customPayload) payload[k] = v === null ? null : toBlob(v);
  }
  const hasRows = rs.columns.length > 0;
  let rows: ReturnType<ReturnType<RowConverters["builder"]>>[] | undefined;
  const n = rs.rows.length;
  if (hasRows) {
    const build = converters.builder(rs.columns);
    const src = rs.rows as Record<string, unknown>[];
    if (onRow === undefined) {
      rows = new Array(n);
      for (let i = 0; i < n; i++) rows[i] = build(src[i]);
    } else {
      for (let i = 0; i < n; i++) onRow(i, build(src[i]));
    }
  }
  const raw = rs.pagingState === null ? undefined : toBlob(rs.pagingState);
  return new ResultSet({
    info: {
      queriedHost: info.queriedHost,
      triedHosts: tried,
      speculativeExecutions: info.speculativeExecutions,
      achievedConsistency: typeof cl === "number" ? cl : CL_CODE[cl ?? "LOCAL_ONE"],
      traceId: rs.tracingId === null ? undefined : Uuid.fromString(rs.tracingId),
      warnings: rs.warnings.length > 0 ? [...rs.warnings] : undefined,
      customPayload: payload,
      isSchemaInAgreement: info.isSchemaInAgreement,
    },
    rows,
    rowLength: hasRows ? n : undefined as unknown as number,
    columns: hasRows ? columnsOf(rs.columns) : null,
    rawPageState: raw,
    pageState: raw === undefined ? null : toHex(raw),
    nextPageAsync: fetch,
  });
}
