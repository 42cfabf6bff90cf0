/**
 * Replica placement: `client.metadata.replicas` against where the server itself puts each
 * partition (`nodetool getendpoints`), for SimpleStrategy and for NetworkTopologyStrategy with
 * racks (three nodes on two racks) and over two data centers.
 */
import { Client } from "../../mod.ts";
import { resolveJars } from "../../tools/cassandra/jars.ts";
import type { ClusterInfo } from "../../tools/cassandra/launcher.ts";
import { nodetool } from "../../tools/cassandra/nodetool.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { ring, twoDcs } from "./support.ts";

function intKey(k: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, k);
  return b;
}

/** The addresses (without port) the server places `key` of `ks.t` on, sorted. */
async function serverEndpoints(info: ClusterInfo, ks: string, key: number): Promise<string[]> {
  const { dir } = await resolveJars({ quiet: true });
  const node = info.nodes[0];
  const out = await nodetool(dir, node.jmxPort!, ["getendpoints", ks, "t", String(key)]);
  return out.output.trim().split(/\s+/).filter((l) => /^\d+\.\d+\.\d+\.\d+$/.test(l)).sort();
}

async function compare(info: ClusterInfo, replication: string, keys: number[]): Promise<string[]> {
  const client = new Client({ contactPoints: [`${info.nodes[0].address}:${info.nodes[0].port}`] });
  try {
    await client.execute("DROP KEYSPACE IF EXISTS cl_replicas");
    await client.execute(`CREATE KEYSPACE cl_replicas WITH replication = ${replication}`);
    await client.execute("CREATE TABLE cl_replicas.t (k int PRIMARY KEY)");
    // The keyspace's replication reaches the token map with the schema change event.
    const probe = intKey(0);
    for (let i = 0; i < 100 && client.metadata.replicas("cl_replicas", probe).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const placed: string[] = [];
    for (const k of keys) {
      const ours = client.metadata.replicas("cl_replicas", intKey(k)).map((h) =>
        h.address.split(":")[0]
      );
      const theirs = await serverEndpoints(info, "cl_replicas", k);
      assertEquals([...ours].sort(), theirs, `replicas of ${k} with ${replication}`);
      assertEquals(new Set(ours).size, ours.length, "no node twice among replicas");
      placed.push(ours.join(","));
    }
    const ranges = client.metadata.tokenRanges("cl_replicas");
    assertEquals(ranges.length, info.nodes.length * 8, "one range per token");
    return placed;
  } finally {
    await client.execute("DROP KEYSPACE IF EXISTS cl_replicas").catch(() => {});
    await client.close();
  }
}

const KEYS = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89];

Deno.test("replicas: SimpleStrategy RF=2 and NetworkTopologyStrategy with racks, as the server places them", async () => {
  const info = await ring();
  const simple = await compare(info, "{'class': 'SimpleStrategy', 'replication_factor': 2}", KEYS);
  // Two of three nodes share a rack: NTS places the second replica on the other rack, where
  // SimpleStrategy takes the next node of the ring.
  const nts = await compare(info, "{'class': 'NetworkTopologyStrategy', 'datacenter1': 2}", KEYS);
  assert(simple.some((s, i) => s !== nts[i]), "racks changed some placement");
});

Deno.test("replicas: NetworkTopologyStrategy over two data centers with racks, as the server places them", async () => {
  const info = await twoDcs();
  await compare(info, "{'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 2}", KEYS);
});
