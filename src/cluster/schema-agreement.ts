/**
 * Schema agreement: after a schema change, every node that is up must report the same
 * `schema_version` before statements that depend on the change can run anywhere.
 *
 * @module
 */
import type { Connection } from "../connection/connection.ts";
import { LOCAL_QUERY } from "./topology.ts";
import { querySystem } from "./system-query.ts";

/** Time between two checks while versions differ. */
const POLL_MS = 200;

/**
 * The distinct schema versions of the node behind `conn` and of its peers whose host id
 * `counts` accepts (the nodes that are up).
 */
export async function schemaVersions(
  conn: Connection,
  peersQuery: string,
  counts: (hostId: string) => boolean,
  timeout: number,
): Promise<Set<string>> {
  const [local, peers] = await Promise.all([
    querySystem(conn, LOCAL_QUERY, timeout),
    querySystem(conn, peersQuery, timeout),
  ]);
  const versions = new Set<string>();
  for (const row of [...local, ...peers]) {
    const r = row as Record<string, unknown>;
    const id = r.host_id, version = r.schema_version;
    if (typeof version !== "string") continue;
    if (r.key !== "local" && (typeof id !== "string" || !counts(id))) continue;
    versions.add(version);
  }
  return versions;
}

/**
 * Polls `check` (true when versions agree) until it says so or `maxWaitMs` passed. A failing
 * check counts as disagreement: the caller learns it from the false.
 */
export async function awaitAgreement(
  check: () => Promise<boolean>,
  maxWaitMs: number,
): Promise<boolean> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    try {
      if (await check()) return true;
    } catch { /* the control connection moved, or timed out: try again until the deadline */ }
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, left)));
  }
}
