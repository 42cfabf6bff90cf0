/**
 * The three-node cluster behind one fault proxy per node (the client reaches the nodes through
 * them with `addressTranslator`): every node down at once, and what is retried where when a node
 * stops answering or drops its connections.
 */
import {
  type AddressTranslator,
  Client,
  type ClientOptions,
  ConnectionError,
  type HostInfo,
  type LoadBalancingPolicy,
  NoHostAvailableError,
  RequestTimeoutError,
} from "../../mod.ts";
import { type FaultProxy, startProxy } from "../support/proxy.ts";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { freshKeyspace, recordingClient, ring, waitFor } from "./support.ts";

interface Proxied {
  proxies: FaultProxy[];
  /** Proxy address per node address. */
  translator: AddressTranslator;
  contact: string;
  close(): Promise<void>;
}

async function proxied(): Promise<Proxied> {
  const info = await ring();
  const proxies = info.nodes.map((n) => startProxy({ host: n.address, port: n.port }));
  const byNode = new Map(info.nodes.map((n, i) => [`${n.address}:${n.port}`, proxies[i]]));
  return {
    proxies,
    translator: {
      translate: ({ host, port }) => {
        const p = byNode.get(`${host}:${port}`);
        return p ? { host: p.host, port: p.port } : { host, port };
      },
    },
    contact: `${proxies[0].host}:${proxies[0].port}`,
    close: async () => {
      await Promise.all(proxies.map((p) => p.close()));
    },
  };
}

const addressOfProxy = (p: FaultProxy) => `${p.host}:${p.port}`;

/** A node down to the client: new connections are closed at once, open ones are cut. */
function down(p: FaultProxy): void {
  p.maxConnections = 0;
  p.cut();
}

function up(p: FaultProxy): void {
  p.maxConnections = Infinity;
}

Deno.test("cluster: nodes reached through an address translator are known by the translated address", async () => {
  const px = await proxied();
  const client = new Client({ contactPoints: [px.contact], addressTranslator: px.translator });
  try {
    await client.connect();
    assertEquals(
      [...client.hosts].map((h) => h.address).sort(),
      px.proxies.map(addressOfProxy).sort(),
    );
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      seen.add((await client.execute("SELECT key FROM system.local")).info.queriedHost);
    }
    assertEquals([...seen].sort(), px.proxies.map(addressOfProxy).sort());
  } finally {
    await client.close();
    await px.close();
  }
});

Deno.test("cluster: every node down is a NoHostAvailableError naming each node, within connectTimeout; the same client recovers", async () => {
  const px = await proxied();
  const connectTimeout = 2_000;
  const { client, events } = recordingClient({
    contactPoints: [px.contact],
    addressTranslator: px.translator,
    connectTimeout,
  });
  try {
    await client.connect();
    px.proxies.forEach(down);
    await waitFor("every node down", () => client.hosts.every((h) => !h.isUp), 10_000);
    assertEquals(
      events.filter((e) => e.name === "hostDown").length,
      3,
      events.map((e) => `${e.name} ${e.address}`).join(", "),
    );
    const t0 = Date.now();
    const e = await assertRejects(
      () => client.execute("SELECT key FROM system.local"),
      NoHostAvailableError,
    );
    const took = Date.now() - t0;
    assert(took <= connectTimeout, `failed after ${took} ms`);
    assertEquals([...e.errors.keys()].sort(), px.proxies.map(addressOfProxy).sort());
    assert([...e.errors.values()].every((x) => x instanceof ConnectionError), e.message);
    px.proxies.forEach(up);
    // A request can join a reconnection attempt that the proxy refused just before it let
    // connections in again; the next one after that reaches a node.
    const rs = await waitFor("a request to succeed", async () => {
      try {
        return await client.execute("SELECT key FROM system.local");
      } catch (e) {
        if (e instanceof NoHostAvailableError) return undefined;
        throw e;
      }
    }, 10_000);
    assertEquals(rs.first()?.key, "local");
    await waitFor("every node up", () => client.hosts.every((h) => h.isUp), 15_000);
    const seen = events.map((e) => `${e.name} ${e.address}`).join(", ");
    assertEquals(events.filter((e) => e.name === "hostUp").length, 3, seen);
  } finally {
    await client.close();
    await px.close();
  }
});

Deno.test("cluster: a node that comes back has the cached prepared statements before it serves", async () => {
  const px = await proxied();
  const { client, events } = recordingClient({
    contactPoints: [px.contact],
    addressTranslator: px.translator,
  });
  const victim = px.proxies[2];
  const address = addressOfProxy(victim);
  const asker = new Client({
    contactPoints: [px.contact],
    addressTranslator: px.translator,
    loadBalancing: preferring(() => address),
  });
  try {
    await client.connect();
    down(victim);
    await waitFor("hostDown", () => events.some((e) => e.name === "hostDown"), 10_000);
    // A statement no node has seen, prepared while the victim is away.
    const query = `SELECT key AS k${
      crypto.randomUUID().replaceAll("-", "")
    } FROM system.local WHERE key = ?`;
    await client.execute(query, ["local"]);
    up(victim);
    await waitFor("hostUp", () => events.some((e) => e.name === "hostUp"), 15_000);
    const rs = await asker.execute("SELECT query_string FROM system.prepared_statements");
    assertEquals(rs.info.queriedHost, address);
    assert(rs.rows.some((r) => r.query_string === query), "prepared on the node as it came up");
  } finally {
    await client.close();
    await asker.close();
    await px.close();
  }
});

/** Plans `first` first, then the others in order. */
function preferring(address: () => string): LoadBalancingPolicy {
  return {
    newQueryPlan<H extends HostInfo>(hosts: readonly H[]): Iterable<H> {
      const a = address();
      return [...hosts.filter((h) => h.address === a), ...hosts.filter((h) => h.address !== a)];
    },
  };
}

async function pinnedClient(px: Proxied, extra: Partial<ClientOptions> = {}) {
  const first = addressOfProxy(px.proxies[1]);
  const client = new Client({
    contactPoints: [px.contact],
    addressTranslator: px.translator,
    loadBalancing: preferring(() => first),
    ...extra,
  });
  await freshKeyspace(client, "cl_idem", 3);
  await client.execute("CREATE TABLE cl_idem.t (k int PRIMARY KEY, v int)");
  return { client, first };
}

Deno.test("cluster: after a timeout, an idempotent request moves to the next node and a non-idempotent one does not", async () => {
  const px = await proxied();
  const { client, first } = await pinnedClient(px, { requestTimeout: 800 });
  try {
    const insert = "INSERT INTO cl_idem.t (k, v) VALUES (?, ?)";
    await client.execute(insert, [0, 0]); // prepared while the node answers
    px.proxies[1].stall();
    const moved = await client.execute(insert, [1, 1], { idempotent: true });
    assert(moved.info.triedHosts.get(first) instanceof RequestTimeoutError);
    assert(moved.info.queriedHost !== first);
    const e = await assertRejects(() => client.execute(insert, [2, 2]), RequestTimeoutError);
    assertEquals(e.address, first, "the non-idempotent write failed on its node, not elsewhere");
    px.proxies[1].resume();
  } finally {
    await client.close();
    await px.close();
  }
});

Deno.test("cluster: requests in flight on a lost connection fail over at once if idempotent, fail if not", async () => {
  const px = await proxied();
  const { client, first } = await pinnedClient(px);
  try {
    const insert = "INSERT INTO cl_idem.t (k, v) VALUES (?, ?)";
    await client.execute(insert, [0, 0]);
    px.proxies[1].stall();
    const t0 = Date.now();
    const idem = client.execute(insert, [1, 1], { idempotent: true });
    const nonIdem = client.execute(insert, [2, 2]);
    nonIdem.catch(() => {});
    await waitFor(
      "both in flight",
      () => client.hosts.find((h) => h.address === first)!.inFlight >= 2,
      5_000,
    );
    px.proxies[1].cut();
    const rs = await idem;
    assert(rs.info.triedHosts.get(first) instanceof ConnectionError);
    assert(rs.info.queriedHost !== first);
    const e = await assertRejects(() => nonIdem, ConnectionError);
    assertEquals(e.address, first);
    assert(Date.now() - t0 < 5_000, "no waiting for a timeout");
    px.proxies[1].resume();
    // Only the idempotent write reached a node.
    const rows = await client.execute("SELECT k FROM cl_idem.t", [], { consistency: "ALL" });
    assertEquals(rows.rows.map((r) => r.k).sort(), [0, 1]);
  } finally {
    await client.close();
    await px.close();
  }
});
