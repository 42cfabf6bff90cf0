/**
 * The samples of docs/performance.md, type-checked by `deno check docs/samples/` (not run).
 *
 * @module
 */
import { Client } from "../../mod.ts";

export function largeValues(): Client {
  // 64 KiB blobs: v4 has no per-segment CRC-32, and the server answers without copying.
  return new Client({ contactPoints: ["10.0.0.1"], localDataCenter: "dc1", protocolVersion: 4 });
}

export function tuned(): Client {
  return new Client({
    contactPoints: ["10.0.0.1"],
    localDataCenter: "dc1",
    compression: "lz4", // for traffic over a network that costs; off by default
    connectionsPerHost: 2, // the default
    maxRequestsPerConnection: 2048, // the default; more wait in line on the client
    pageSize: 5000, // the default
  });
}

export async function prepared(client: Client, day: string): Promise<void> {
  // Prepared because it has parameters: parsed once per node, then executed by its id.
  await client.execute("SELECT * FROM app.events WHERE day = ?", [day]);
  // No parameters: sent as text and parsed on every call, unless asked to prepare.
  await client.execute("SELECT * FROM app.settings", [], { prepare: true });
}

export async function concurrent(client: Client, ids: readonly string[]): Promise<void> {
  // 256 requests in flight at once, each loop starting its next one as soon as one answers;
  // the pool pipelines them over its connections.
  const concurrency = 256;
  let next = 0;
  const loop = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      await client.execute("SELECT * FROM app.users WHERE id = ?", [id]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
}

export async function routed(client: Client, id: string): Promise<void> {
  // A client with `keyspace: "app"`: replicas are looked up in the request's keyspace.
  // Prepared: routed by its bound partition key once prepared (the first call prepares it).
  await client.execute("SELECT * FROM users WHERE id = ?", [id]);
  // Unprepared: say which parameters form the partition key, in key order.
  await client.execute("SELECT * FROM users WHERE id = ?", [id], {
    prepare: false,
    routingIndexes: [0],
  });
}

export async function scan(client: Client): Promise<number> {
  let n = 0;
  const rows = client.stream("SELECT * FROM app.events", [], { prepare: true, pageSize: 5000 });
  for await (const _row of rows) n++;
  return n;
}

export function edge(contact: string): Client {
  return new Client({
    contactPoints: [contact],
    localDataCenter: "datacenter1",
    schemaMetadata: false, // read the schema on first use only
    connectionsPerHost: 1,
  });
}
