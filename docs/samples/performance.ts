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
  });
}

export async function concurrent(client: Client, ids: readonly string[]): Promise<void> {
  // Many requests in flight at once: one connection carries them all, pipelined.
  const limit = 256;
  for (let i = 0; i < ids.length; i += limit) {
    await Promise.all(
      ids.slice(i, i + limit).map((id) =>
        client.execute("SELECT * FROM app.users WHERE id = ?", [id])
      ),
    );
  }
}

export async function scan(client: Client): Promise<number> {
  let n = 0;
  for await (const _row of client.stream("SELECT * FROM app.events", [], { pageSize: 5000 })) n++;
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
