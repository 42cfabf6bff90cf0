import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { ensureCassandra } from "../support/cassandra.ts";
import { startProxy } from "../support/proxy.ts";
import { Client, ConnectionError, NoHostAvailableError } from "../../mod.ts";

Deno.test("client: a dropped connection fails its requests, and the next request reconnects", async () => {
  const proxy = startProxy(await ensureCassandra());
  const client = new Client({ contactPoints: [`${proxy.host}:${proxy.port}`] });
  try {
    await client.connect();
    assertEquals(proxy.accepted, 2, "connect() opens the default pool of two connections");
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
    assertEquals(proxy.accepted, 3, "one new connection");
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
      assertEquals(proxy.accepted, connectionsPerHost);
      // Requests use the pool as it is: no more connections open.
      await Promise.all(
        Array.from({ length: 20 }, () => client.execute("SELECT key FROM system.local")),
      );
      assertEquals(proxy.accepted, connectionsPerHost);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
}

Deno.test("client: a node that refuses a second connection stays up and is not asked again at once", async () => {
  const proxy = startProxy(await ensureCassandra());
  proxy.maxConnections = 1;
  const client = new Client({ contactPoints: [`${proxy.host}:${proxy.port}`] });
  try {
    await client.connect();
    assertEquals(proxy.accepted, 2, "connect() tried to open the second connection");
    for (let i = 0; i < 5; i++) {
      const rows = await Promise.all(
        Array.from({ length: 20 }, () => client.execute("SELECT key FROM system.local")),
      );
      assertEquals(rows.map((rs) => rs.first()?.key), rows.map(() => "local"));
    }
    assertEquals(client.hosts[0].isUp, true, "the node still serves on its one connection");
    assertEquals(proxy.accepted, 2, "no new attempt within the growth delay");
  } finally {
    await client.close();
    await proxy.close();
  }
});

for (const prepare of [false, true]) {
  Deno.test(`client: an idempotent request moves on to the next node when its node drops (prepare: ${prepare})`, async () => {
    const node = await ensureCassandra();
    const a = startProxy(node), b = startProxy(node);
    const client = new Client({ contactPoints: [`${a.host}:${a.port}`, `${b.host}:${b.port}`] });
    try {
      await client.connect();
      // Open a connection to both nodes so the plan has two live choices.
      for (let i = 0; i < 4; i++) {
        await client.execute("SELECT key FROM system.local", [], { prepare });
      }
      a.stall();
      b.stall();
      const p = client.execute("SELECT key FROM system.local", [], { idempotent: true, prepare });
      await new Promise((r) => setTimeout(r, 50));
      // The node that got the request dies; the other one answers the retry.
      const busy = client.hosts.filter((h) => h.inFlight > 0);
      assertEquals(busy.length, 1);
      const [dying, other] = busy[0].address.endsWith(`:${a.port}`) ? [a, b] : [b, a];
      dying.cut();
      other.resume();
      const rs = await p;
      assertEquals(rs.first()?.key, "local");
    } finally {
      a.resume();
      b.resume();
      await client.close();
      await a.close();
      await b.close();
    }
  });
}

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
