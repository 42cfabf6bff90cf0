import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { ensureCassandra } from "../support/cassandra.ts";
import { startProxy } from "../support/proxy.ts";
import { Client, ConnectionError, NoHostAvailableError } from "../../mod.ts";

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

Deno.test("client: a dropped connection fails its requests, and the next request reconnects", async () => {
  const proxy = startProxy(await ensureCassandra());
  const client = new Client({ contactPoints: [`${proxy.host}:${proxy.port}`] });
  try {
    await client.connect();
    assertEquals(proxy.accepted, 3, "connect() opens the control connection and a pool of two");
    proxy.stall();
    const inFlight = Array.from(
      { length: 10 },
      () => client.execute("SELECT key FROM system.local"),
    );
    await new Promise((r) => setTimeout(r, 50));
    proxy.cut();
    proxy.resume();
    for (const p of inFlight) await assertRejects(() => p, ConnectionError);
    const rs = await client.execute("SELECT key FROM system.local");
    assertEquals(rs.first()?.key, "local");
    // The control connection moves at once, the pool grows back to two, and nothing more.
    await waitFor(() => proxy.accepted >= 6, 2_000);
    await new Promise((r) => setTimeout(r, 300));
    assertEquals(proxy.accepted, 6, "the control connection and two pool connections, once each");
  } finally {
    await client.close();
    await proxy.close();
  }
});

for (const connectionsPerHost of [1, 3]) {
  Deno.test(`client: connect() opens the whole pool (connectionsPerHost: ${connectionsPerHost})`, async () => {
    const proxy = startProxy(await ensureCassandra());
    const client = new Client({
      contactPoints: [`${proxy.host}:${proxy.port}`],
      connectionsPerHost,
    });
    try {
      await client.connect();
      assertEquals(proxy.accepted, connectionsPerHost + 1, "the pool and the control connection");
      // Requests use the pool as it is: no more connections open.
      await Promise.all(
        Array.from({ length: 20 }, () => client.execute("SELECT key FROM system.local")),
      );
      assertEquals(proxy.accepted, connectionsPerHost + 1);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
}

Deno.test("client: a node that refuses a second connection stays up and is not asked again at once", async () => {
  const proxy = startProxy(await ensureCassandra());
  proxy.maxConnections = 2; // the control connection and one pool connection
  const client = new Client({ contactPoints: [`${proxy.host}:${proxy.port}`] });
  try {
    await client.connect();
    assertEquals(proxy.accepted, 3, "connect() tried to open the second pool connection");
    for (let i = 0; i < 5; i++) {
      const rows = await Promise.all(
        Array.from({ length: 20 }, () => client.execute("SELECT key FROM system.local")),
      );
      assertEquals(rows.map((rs) => rs.first()?.key), rows.map(() => "local"));
    }
    assertEquals(client.hosts[0].isUp, true, "the node still serves on its one connection");
    assertEquals(proxy.accepted, 3, "no new attempt within the growth delay");
  } finally {
    await client.close();
    await proxy.close();
  }
});

Deno.test("client: no reachable contact point is a NoHostAvailableError naming each node", async () => {
  const client = new Client({
    contactPoints: ["127.0.0.1:1", "127.0.0.1:2"],
    connectTimeout: 1000,
  });
  const e = await assertRejects(
    () => client.execute("SELECT key FROM system.local"),
    NoHostAvailableError,
  );
  assertEquals([...e.errors.keys()].sort(), ["127.0.0.1:1", "127.0.0.1:2"]);
  assert([...e.errors.values()].every((x) => x instanceof ConnectionError));
  await client.close();
});
