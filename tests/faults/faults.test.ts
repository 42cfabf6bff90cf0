/**
 * Server errors and network faults injected by the CQL-aware proxy (tests/support/cql-proxy.ts)
 * in front of each node of a 3-node cluster, and the retry decisions the driver makes.
 * Partial: a first slice of the table (v5, no compression).
 */
import {
  Client,
  type HostInfo,
  type LoadBalancingPolicy,
  ReadTimeoutError,
  UnavailableError,
} from "../../mod.ts";
import { Opcode } from "../../src/protocol/opcodes.ts";
import { startCqlProxies } from "../support/cql-proxy.ts";
import { ensureCluster } from "../support/cassandra.ts";
import { assert, assertEquals } from "../support/assert.ts";

const FAULTS = { name: "faults", address: "127.0.0.101", nodes: 3, heapMb: 512 } as const;

/** Plans the hosts in the order of `order` (proxy addresses). */
function ordered(order: readonly string[]): LoadBalancingPolicy {
  return {
    newQueryPlan<H extends HostInfo>(hosts: readonly H[]): Iterable<H> {
      return [...hosts].sort((a, b) => order.indexOf(a.address) - order.indexOf(b.address));
    },
  };
}

Deno.test({
  name:
    "faults v5: Unavailable goes to the next node once; ReadTimeout without data is retried on the same node",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const info = await ensureCluster({ ...FAULTS });
    const px = await startCqlProxies(info.nodes.map((n) => ({ host: n.address, port: n.port })));
    const addr = px.proxies.map((p) => `${p.host}:${p.port}`);
    const byNode = new Map(info.nodes.map((n, i) => [`${n.address}:${n.port}`, px.proxies[i]]));
    const client = new Client({
      contactPoints: [addr[0]],
      addressTranslator: {
        translate: ({ host, port }) => {
          const p = byNode.get(`${host}:${port}`);
          return p ? { host: p.host, port: p.port } : { host, port };
        },
      },
      loadBalancing: ordered(addr),
      requestTimeout: 2000,
    });
    try {
      await client.connect();
      const q1 = "SELECT key FROM system.local WHERE key = ? /* unavailable */";
      const r1 = px.add({
        when: { opcode: Opcode.Execute, statement: "unavailable", node: 1 },
        then: {
          kind: "error",
          error: { code: "unavailable", consistency: "QUORUM", required: 2, alive: 1 },
        },
      });
      const rs = await client.execute(q1, ["local"]);
      assert(rs.info.triedHosts.get(addr[0]) instanceof UnavailableError);
      assertEquals(rs.info.queriedHost, addr[1]);
      assertEquals(r1.appliedTotal, 1);
      px.remove(r1);
      const q2 = "SELECT key FROM system.local WHERE key = ? /* rtnodata */";
      const r2 = px.add({
        when: { opcode: Opcode.Execute, statement: "rtnodata", node: 1, times: 1 },
        then: {
          kind: "error",
          error: {
            code: "readTimeout",
            consistency: "QUORUM",
            received: 2,
            blockFor: 2,
            dataPresent: false,
          },
        },
      });
      const rs2 = await client.execute(q2, ["local"]);
      assert(rs2.info.triedHosts.get(addr[0]) instanceof ReadTimeoutError);
      assertEquals(rs2.info.queriedHost, addr[0]);
      px.remove(r2);
      for (const h of client.hosts) assertEquals(h.inFlight, 0, h.address);
    } finally {
      await client.close();
      await px.close();
    }
  },
});
