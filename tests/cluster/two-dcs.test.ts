/**
 * Two data centers of two nodes each (dc1: 127.0.0.61 and .63, dc2: .62 and .64), behind one
 * fault proxy per node: remote nodes serve only as `remoteDcHosts` allows, and only while no
 * local node is up.
 */
import { type AddressTranslator, Client, NoHostAvailableError } from "../../mod.ts";
import { type FaultProxy, startProxy } from "../support/proxy.ts";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { twoDcs, waitFor } from "./support.ts";

async function setup() {
  const info = await twoDcs();
  const proxies = new Map<string, FaultProxy>();
  const dcOf = new Map<string, string>();
  for (const n of info.nodes) {
    const p = startProxy({ host: n.address, port: n.port });
    proxies.set(`${n.address}:${n.port}`, p);
    dcOf.set(`${p.host}:${p.port}`, n.dc);
  }
  const translator: AddressTranslator = {
    translate: (ep) => {
      const p = proxies.get(`${ep.host}:${ep.port}`);
      return p ? { host: p.host, port: p.port } : ep;
    },
  };
  const dc1 = [...proxies.values()].filter((p) => dcOf.get(`${p.host}:${p.port}`) === "dc1");
  const first = info.nodes[0];
  const contact = translator.translate({ host: first.address, port: first.port });
  return {
    contact: `${contact.host}:${contact.port}`,
    translator,
    dc1,
    dcOf: (address: string) => dcOf.get(address),
    close: () => Promise.all([...proxies.values()].map((p) => p.close())),
  };
}

async function dcsServing(client: Client, dcOf: (a: string) => string | undefined, n = 40) {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const rs = await client.execute("SELECT key FROM system.local", [], { idempotent: true });
    const dc = dcOf(rs.info.queriedHost) ?? "?";
    seen.set(dc, (seen.get(dc) ?? 0) + 1);
  }
  return seen;
}

Deno.test("two DCs: with localDataCenter dc1, no request reaches dc2, even with dc1 down", async () => {
  const s = await setup();
  const client = new Client({
    contactPoints: [s.contact],
    addressTranslator: s.translator,
    localDataCenter: "dc1",
  });
  try {
    await client.connect();
    assertEquals(client.hosts.length, 4, "both data centers are known");
    assertEquals(
      client.hosts.map((h) => `${h.datacenter} ${h.distance}`).sort(),
      ["dc1 local", "dc1 local", "dc2 ignored", "dc2 ignored"],
    );
    assertEquals([...(await dcsServing(client, s.dcOf))], [["dc1", 40]]);
    for (const p of s.dc1) {
      p.maxConnections = 0;
      p.cut();
    }
    await waitFor("dc1 down", () => client.hosts.filter((h) => h.isUp).length === 2, 10_000);
    const e = await assertRejects(
      () => client.execute("SELECT key FROM system.local", [], { idempotent: true }),
      NoHostAvailableError,
    );
    assert([...e.errors.keys()].every((a) => s.dcOf(a) === "dc1"), e.message);
  } finally {
    await client.close();
    await s.close();
  }
});

Deno.test("two DCs: remoteDcHosts lets one dc2 node serve while dc1 is down, and dc1 takes over again", async () => {
  const s = await setup();
  const client = new Client({
    contactPoints: [s.contact],
    addressTranslator: s.translator,
    localDataCenter: "dc1",
    remoteDcHosts: 1,
  });
  const ups: string[] = [];
  client.on("hostUp", (h) => ups.push(h.address));
  try {
    await client.connect();
    assertEquals(
      client.hosts.map((h) => `${h.datacenter} ${h.distance}`).sort(),
      ["dc1 local", "dc1 local", "dc2 ignored", "dc2 remote"],
    );
    assertEquals([...(await dcsServing(client, s.dcOf))], [["dc1", 40]]);
    for (const p of s.dc1) {
      p.maxConnections = 0;
      p.cut();
    }
    await waitFor("dc1 down", () => client.hosts.filter((h) => h.isUp).length === 2, 10_000);
    const remote = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const rs = await client.execute("SELECT key FROM system.local", [], { idempotent: true });
      assertEquals(s.dcOf(rs.info.queriedHost), "dc2");
      remote.add(rs.info.queriedHost);
    }
    assertEquals(remote.size, 1, "only the one remote node allowed");
    for (const p of s.dc1) p.maxConnections = Infinity;
    await waitFor(
      "dc1 up again",
      () => ups.filter((a) => s.dcOf(a) === "dc1").length === 2,
      20_000,
    );
    assertEquals([...(await dcsServing(client, s.dcOf))], [["dc1", 40]]);
  } finally {
    await client.close();
    await s.close();
  }
});
