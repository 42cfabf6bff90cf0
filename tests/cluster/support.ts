/**
 * Shared setup of the cluster tests: the local clusters they start (once per test process),
 * clients that record the events they see, and small waiting helpers.
 *
 * @module
 */
import { Client, type ClientOptions, type HostInfo } from "../../mod.ts";
import type { ClusterInfo } from "../../tools/cassandra/launcher.ts";
import { ensureCluster } from "../support/cassandra.ts";

/**
 * Three nodes in one data center (127.0.0.11-13; an added node gets .14), the first two on one
 * rack and the third on another, so that rack-aware replica placement has a choice to make.
 */
export const RING = {
  name: "ring",
  address: "127.0.0.11",
  nodes: 3,
  racks: ["rack1", "rack1", "rack2"],
  heapMb: 768,
} as const;

/**
 * Two data centers of two nodes each: dc1 on .61 (rack1) and .63 (rack2), dc2 on .62 (rack1)
 * and .64 (rack2).
 */
export const TWO_DCS = {
  name: "dcs",
  address: "127.0.0.61",
  nodes: 4,
  dcs: ["dc1", "dc2"],
  racks: ["rack1", "rack1", "rack2", "rack2"],
  heapMb: 512,
} as const;

/** The ring cluster, started when it is not running, once every node knows every other. */
export function ring(): Promise<ClusterInfo> {
  return settled(ensureCluster({ ...RING, racks: [...RING.racks] }));
}

/** The two-DC cluster, likewise. */
export function twoDcs(): Promise<ClusterInfo> {
  return settled(
    ensureCluster({ ...TWO_DCS, dcs: [...TWO_DCS.dcs], racks: [...TWO_DCS.racks] }),
  );
}

const settledOnce = new Map<string, Promise<ClusterInfo>>();

/**
 * Waits until the first node lists every other one, with its host id and tokens, in its peers
 * table: a node answers CQL before gossip has told the others all about it, and a test that
 * counts nodes right after a start would see a partial ring.
 */
function settled(started: Promise<ClusterInfo>): Promise<ClusterInfo> {
  return started.then((info) => {
    let p = settledOnce.get(info.name);
    if (p === undefined) {
      p = waitFor(`every node of ${info.name} in the peers of node 1`, async () => {
        const c = new Client({ contactPoints: [addressOf(info, 1)] });
        try {
          await c.connect();
          return c.hosts.length === info.nodes.length &&
            c.hosts.every((h) => h.hostId !== undefined && (h.tokens?.length ?? 0) > 0) && info;
        } catch {
          return undefined;
        } finally {
          await c.close();
        }
      }, 120_000);
      settledOnce.set(info.name, p);
    }
    return p;
  });
}

/** "host:port" of node `index` (1-based) of a cluster. */
export function addressOf(info: ClusterInfo, index: number): string {
  const n = info.nodes.find((x) => x.index === index)!;
  return `${n.address}:${n.port}`;
}

/** One event as a listener saw it. */
export interface SeenEvent {
  name: "hostAdd" | "hostRemove" | "hostUp" | "hostDown";
  address: string;
  at: number;
}

/** A client that records every host event it emits. */
export function recordingClient(options: ClientOptions): { client: Client; events: SeenEvent[] } {
  const client = new Client(options);
  const events: SeenEvent[] = [];
  for (const name of ["hostAdd", "hostRemove", "hostUp", "hostDown"] as const) {
    client.on(name, (h: HostInfo) => events.push({ name, address: h.address, at: Date.now() }));
  }
  return { client, events };
}

/** Polls `check` every 50 ms until it returns a value other than undefined/false. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The first event `name` for `address` at or after `since`. */
export function eventAfter(
  events: readonly SeenEvent[],
  name: SeenEvent["name"],
  address: string,
  since: number,
): SeenEvent | undefined {
  return events.find((e) => e.name === name && e.address === address && e.at >= since);
}

/** Creates (again) a keyspace with SimpleStrategy and the given replication factor. */
export async function freshKeyspace(client: Client, name: string, rf: number): Promise<void> {
  await client.execute(`DROP KEYSPACE IF EXISTS ${name}`);
  await client.execute(
    `CREATE KEYSPACE ${name} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${rf}}`,
  );
}
