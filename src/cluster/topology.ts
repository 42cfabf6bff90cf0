/**
 * What the control connection reads about the nodes: `system.local` for the node it is connected
 * to, `system.peers_v2` (or `system.peers` on servers before 4.0) for every other one.
 *
 * @module
 */
import type { Endpoint } from "./address-translator.ts";

/** One node as the system tables describe it. */
export interface NodeRecord {
  /** The node's host id (stable across restarts and address changes). */
  readonly hostId: string;
  /** Where its CQL server listens, as the node reports it (untranslated); null for system.local. */
  readonly endpoint: Endpoint | null;
  readonly datacenter: string;
  readonly rack: string;
  readonly releaseVersion: string | undefined;
  readonly tokens: readonly string[];
  readonly schemaVersion: string | undefined;
}

/** The statements that read the topology. */
export const LOCAL_QUERY = "SELECT * FROM system.local WHERE key = 'local'";
/** Peers with their native address and port (Cassandra 4.0 and later). */
export const PEERS_V2_QUERY = "SELECT * FROM system.peers_v2";
/** Peers on servers without peers_v2. */
export const PEERS_QUERY = "SELECT * FROM system.peers";

type SystemRow = Record<string, unknown>;

const str = (v: unknown): string | undefined => typeof v === "string" && v !== "" ? v : undefined;

/** The record of `system.local`'s one row, or null when it lacks what identifies a node. */
export function localRecord(row: SystemRow | undefined | null): NodeRecord | null {
  if (!row) return null;
  return record(row, null);
}

/**
 * The record of a peers row, or null for an incomplete one (a node still joining, or one whose
 * removal gossip has not finished, can lack its host id, data center or address).
 * `defaultPort` is used for `system.peers`, which has no native port column.
 */
export function peerRecord(row: SystemRow, defaultPort: number): NodeRecord | null {
  let host = str(row.native_address) ?? str(row.rpc_address);
  // A node whose CQL server listens on every interface reports 0.0.0.0: its gossip address is
  // the one to use.
  if (host === undefined || host === "0.0.0.0" || host === "::") host = str(row.peer);
  if (host === undefined) return null;
  const port = typeof row.native_port === "number" ? row.native_port : defaultPort;
  return record(row, { host, port });
}

function record(row: SystemRow, endpoint: Endpoint | null): NodeRecord | null {
  const hostId = str(row.host_id);
  const datacenter = str(row.data_center);
  const rack = str(row.rack);
  if (hostId === undefined || datacenter === undefined || rack === undefined) return null;
  const tokens = Array.isArray(row.tokens) ? row.tokens.filter((t) => typeof t === "string") : [];
  return {
    hostId,
    endpoint,
    datacenter,
    rack,
    releaseVersion: str(row.release_version),
    tokens,
    schemaVersion: str(row.schema_version),
  };
}
