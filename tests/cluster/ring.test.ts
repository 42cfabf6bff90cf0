/**
 * A real three-node cluster (127.0.0.11-13, started once for this file): discovery from one
 * contact point, schema agreement, and nodes killed, paused and restarted under load.
 */
import {
  Client,
  type LogEntry,
  ReadTimeoutError,
  RequestTimeoutError,
  WriteFailureError,
} from "../../mod.ts";
import {
  addNode,
  decommissionNode,
  killNode,
  pauseNode,
  resumeNode,
  startNode,
} from "../../tools/cassandra/launcher.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { addressOf, eventAfter, freshKeyspace, recordingClient, ring, waitFor } from "./support.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

Deno.test("cluster: one contact point finds all three nodes, with host id, data center, rack and tokens", async () => {
  const info = await ring();
  const client = new Client({ contactPoints: [addressOf(info, 1)] });
  try {
    await client.connect();
    const hosts = [...client.hosts].sort((a, b) => a.address.localeCompare(b.address));
    assertEquals(hosts.map((h) => h.address), [1, 2, 3].map((i) => addressOf(info, i)));
    for (const h of hosts) {
      assert(UUID.test(h.hostId ?? ""), `host id of ${h.address}: ${h.hostId}`);
      assertEquals(h.datacenter, "datacenter1");
      assertEquals(h.rack, info.nodes.find((n) => `${n.address}:${n.port}` === h.address)?.rack);
      assert(/^5\.0\.\d+$/.test(h.releaseVersion ?? ""), `release of ${h.address}`);
      assertEquals(h.distance, "local");
      assert(h.isUp);
    }
    // Each node's own system.local agrees with what the client learnt of it through one node.
    const own = new Map<string, { host_id: string; tokens: string[] }>();
    for (let i = 0; i < 60 && own.size < 3; i++) {
      const rs = await client.execute<{ host_id: string; tokens: string[] }>(
        "SELECT host_id, tokens FROM system.local",
      );
      own.set(rs.info.queriedHost, rs.first()!);
    }
    assertEquals(own.size, 3, "requests reach every node");
    for (const h of hosts) {
      assertEquals(own.get(h.address)?.host_id, h.hostId);
      assertEquals([...(h.tokens ?? [])].sort(), [...own.get(h.address)!.tokens].sort());
    }
  } finally {
    await client.close();
  }
});

Deno.test("cluster: a table created and used at once, on every node, without INCOMPATIBLE_SCHEMA", async () => {
  const info = await ring();
  const client = new Client({
    contactPoints: [addressOf(info, 1)],
    localDataCenter: "datacenter1",
  });
  try {
    await freshKeyspace(client, "cl_schema", 3);
    for (let i = 0; i < 6; i++) {
      const rs = await client.execute(`CREATE TABLE cl_schema.t${i} (k int PRIMARY KEY, v text)`);
      assertEquals(rs.info.isSchemaInAgreement, true);
      // Round robin sends these to the other nodes right away.
      for (let k = 0; k < 3; k++) {
        await client.execute(`INSERT INTO cl_schema.t${i} (k, v) VALUES (?, ?)`, [k, `v${k}`]);
      }
      const read = await client.execute(`SELECT v FROM cl_schema.t${i} WHERE k = ?`, [2], {
        consistency: "ALL",
      });
      assertEquals(read.first()?.v, "v2");
    }
    assertEquals(await client.checkSchemaAgreement(), true);
  } finally {
    await client.close();
  }
});

/** Runs `workers` loops of idempotent QUORUM inserts until `until()`; keys acknowledged. */
function writeLoad(client: Client, table: string, workers: number, until: () => boolean) {
  const acked: number[] = [];
  const failures: Error[] = [];
  const servedBy: { address: string; at: number }[] = [];
  let next = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (!until()) {
      const k = next++;
      try {
        const rs = await client.execute(`INSERT INTO ${table} (k, v) VALUES (?, ?)`, [k, k], {
          consistency: "QUORUM",
          idempotent: true,
        });
        acked.push(k);
        servedBy.push({ address: rs.info.queriedHost, at: Date.now() });
      } catch (e) {
        failures.push(e as Error);
      }
    }
  });
  return { acked, failures, servedBy, done: Promise.all(loops) };
}

/** Every key of `acked` is read back at QUORUM. */
async function assertAllRead(client: Client, table: string, acked: readonly number[]) {
  const found = new Set<number>();
  // The whole table at QUORUM right after a restart under load: on a loaded machine a replica
  // can time out a page (a server ReadTimeout, seen in a CI rehearsal). That is no lost write:
  // the scan is read again, a few times.
  for (let tries = 1;; tries++) {
    try {
      for await (
        const row of client.stream<{ k: number }>(`SELECT k FROM ${table}`, [], {
          consistency: "QUORUM",
          pageSize: 5000,
          // A node that just replayed its commit log under load can be slow to serve a page.
          idempotent: true,
          timeout: 30_000,
        })
      ) found.add(row.k);
      break;
    } catch (e) {
      if (!(e instanceof ReadTimeoutError || e instanceof RequestTimeoutError) || tries === 5) {
        throw e;
      }
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
  const lost = acked.filter((k) => !found.has(k));
  assertEquals(lost.length, 0, `acknowledged writes not read back: ${lost.slice(0, 10)}`);
}

for (const which of ["a node", "the control connection's node"] as const) {
  Deno.test(`cluster: kill -9 of ${which} under 64 concurrent QUORUM writes loses no request, and it comes back`, async () => {
    const info = await ring();
    // The control connection goes to the first contact point that answers: node 1.
    const victim = which === "a node" ? 3 : 1;
    const address = addressOf(info, victim);
    const { client, events } = recordingClient({
      contactPoints: [addressOf(info, 1), addressOf(info, 2)],
      localDataCenter: "datacenter1",
    });
    const schemaChanges: string[] = [];
    client.on("schemaChange", (c) => schemaChanges.push(`${c.change} ${c.target} ${c.name}`));
    const log: LogEntry[] = [];
    client.on("log", (e) => log.push(e));
    try {
      await freshKeyspace(client, "cl_kill", 3);
      await client.execute("CREATE TABLE cl_kill.t (k int PRIMARY KEY, v int)");
      const t0 = Date.now();
      let served = false;
      let restarted = 0;
      const load = writeLoad(
        client,
        "cl_kill.t",
        64,
        () => Date.now() - t0 > 20_000 && served,
      );
      await new Promise((r) => setTimeout(r, 3_000));
      const killedAt = Date.now();
      await killNode(info.name, victim);
      const down = await waitFor(
        "hostDown",
        () => eventAfter(events, "hostDown", address, killedAt),
        15_000,
      );
      console.log(`kill -9 -> hostDown: ${down.at - killedAt} ms`);
      await new Promise((r) => setTimeout(r, 2_000));
      await startNode(info.name, victim);
      restarted = Date.now();
      const up = await waitFor(
        "hostUp",
        () => eventAfter(events, "hostUp", address, killedAt),
        30_000,
      );
      console.log(`node answering -> hostUp: ${up.at - restarted} ms`);
      const back = await waitFor(
        "a request served by the restarted node",
        () => load.servedBy.find((s) => s.address === address && s.at >= up.at),
        30_000,
      );
      served = true;
      console.log(`node answering -> first request it served: ${back.at - restarted} ms`);
      await load.done;
      console.log(`${load.acked.length} writes, ${load.failures.length} failed`);
      assertEquals(load.failures.map((e) => `${e.name}: ${e.message}`), []);
      // What the driver did on its own, in its log.
      const about = (level: string, start: string) =>
        log.find((e) => e.level === level && e.host === address && e.message.startsWith(start));
      assert(about("warning", `${address} is down`)?.error instanceof Error, "down, with why");
      assert(about("debug", `${address}: reconnecting in `), "reconnection attempts");
      assert(about("info", `${address} is up`), "up");
      if (victim === 1) {
        const lost = about("warning", `control connection to ${address} lost`);
        assert(lost, "control connection lost");
        const moved = log.slice(log.indexOf(lost)).find((e) =>
          e.message.startsWith("control connection on ")
        );
        assert(moved !== undefined && moved.host !== address, "control connection moved");
      }
      assert(down.at - killedAt <= 5_000, `hostDown after ${down.at - killedAt} ms`);
      // A bound on "it comes back", not a speed target: on this shared 2-core machine gossip
      // reports a restarted node up 0-10 s after its CQL port opens (the figure is printed).
      assert(up.at - restarted <= 30_000, `hostUp ${up.at - restarted} ms after the node answered`);
      await assertAllRead(client, "cl_kill.t", load.acked);
      // Events still arrive after the control connection had to move.
      await client.execute("CREATE TABLE cl_kill.after (k int PRIMARY KEY)");
      await waitFor(
        "schemaChange event",
        () => schemaChanges.includes("CREATED TABLE after"),
        10_000,
      );
      await waitFor(
        "a schema refresh in the log",
        () => log.some((e) => e.level === "debug" && e.message.includes("TABLE cl_kill.after")),
        10_000,
      );
    } finally {
      await client.close();
      await startNode(info.name, victim); // whatever failed above, the next test gets three nodes
    }
  });
}

Deno.test("cluster: a paused node (SIGSTOP): requests time out per attempt and move on, heartbeats mark it down, SIGCONT brings it back", async () => {
  const info = await ring();
  const victim = 2;
  const address = addressOf(info, victim);
  const { client, events } = recordingClient({
    contactPoints: [1, 2, 3].map((i) => addressOf(info, i)),
    localDataCenter: "datacenter1",
    requestTimeout: 2_000,
    heartbeatInterval: 500,
    connectTimeout: 1_000,
  });
  // A node the test before restarted can take many seconds to answer quickly on a loaded
  // machine (a 12 s request timeout was seen in a CI rehearsal): wait until each one does.
  for (const i of [1, 2, 3]) {
    const probe = new Client({ contactPoints: [addressOf(info, i)], requestTimeout: 2_000 });
    try {
      for (let tries = 1;; tries++) {
        try {
          // Asked of that node only.
          await probe.execute("SELECT key FROM system.local", [], {
            loadBalancing: {
              newQueryPlan: (hosts) => hosts.filter((h) => h.address === addressOf(info, i)),
            },
          });
          break;
        } catch (e) {
          if (tries === 45) throw e;
          await new Promise((r) => setTimeout(r, 2_000));
        }
      }
    } finally {
      await probe.close();
    }
  }
  const setup = new Client({ contactPoints: [addressOf(info, 1)] });
  try {
    await freshKeyspace(setup, "cl_pause", 3);
    await setup.execute("CREATE TABLE cl_pause.t (k int PRIMARY KEY, v int)");
    // A node restarted by the test before may still be catching up with the new table
    // (WriteFailure INCOMPATIBLE_SCHEMA): the server's state, not what this test is about.
    for (let tries = 1;; tries++) {
      try {
        await setup.execute("INSERT INTO cl_pause.t (k, v) VALUES (1, 1)", [], {
          consistency: "ALL",
        });
        break;
      } catch (e) {
        if (!(e instanceof WriteFailureError) || tries === 10) throw e;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
    await setup.close();
    await client.connect();
    const pausedAt = Date.now();
    await pauseNode(info.name, victim);
    let resumed = false;
    try {
      const results = await Promise.all(
        Array.from(
          { length: 30 },
          () => client.execute("SELECT v FROM cl_pause.t WHERE k = 1", [], { idempotent: true }),
        ),
      );
      assert(results.every((rs) => rs.first()?.v === 1));
      const timedOut = results.filter((rs) =>
        rs.info.triedHosts.get(address) instanceof RequestTimeoutError
      );
      assert(timedOut.length > 0, "some requests went to the paused node first");
      assert(timedOut.every((rs) => rs.info.queriedHost !== address));
      const down = await waitFor(
        "hostDown",
        () => eventAfter(events, "hostDown", address, pausedAt),
        15_000,
      );
      console.log(`SIGSTOP -> hostDown: ${down.at - pausedAt} ms`);
      // While it is down no plan starts with it: nothing waits for its timeout any more.
      const t = Date.now();
      for (let i = 0; i < 10; i++) {
        const rs = await client.execute("SELECT v FROM cl_pause.t WHERE k = 1", [], {
          idempotent: true,
        });
        assertEquals(rs.info.triedHosts.size, 0);
      }
      assert(Date.now() - t < 1_000, "requests do not wait on the paused node");
      const resumedAt = Date.now();
      await resumeNode(info.name, victim);
      resumed = true;
      const up = await waitFor(
        "hostUp",
        () => eventAfter(events, "hostUp", address, resumedAt),
        30_000,
      );
      console.log(`SIGCONT -> hostUp: ${up.at - resumedAt} ms`);
      await waitFor("a request on the resumed node", async () => {
        const rs = await client.execute("SELECT v FROM cl_pause.t WHERE k = 1", [], {
          idempotent: true,
        });
        return rs.info.queriedHost === address;
      }, 10_000);
    } finally {
      if (!resumed) await resumeNode(info.name, victim);
    }
  } finally {
    await setup.close();
    await client.close();
  }
});

Deno.test("cluster: a node added to the ring raises hostAdd and takes requests; decommissioned, hostRemove", async () => {
  const info = await ring();
  const { client, events } = recordingClient({
    contactPoints: [addressOf(info, 1)],
    localDataCenter: "datacenter1",
  });
  let added: number | undefined;
  try {
    await client.connect();
    assertEquals(client.hosts.length, 3);
    const t0 = Date.now();
    const node = await addNode(info.name);
    added = node.index;
    const address = `${node.address}:${node.port}`;
    console.log(`add took ${Date.now() - t0} ms`);
    await waitFor("hostAdd", () => eventAfter(events, "hostAdd", address, t0), 30_000);
    const joined = client.hosts.find((h) => h.address === address)!;
    assert(UUID.test(joined.hostId ?? ""));
    assertEquals(joined.tokens?.length, 8);
    await waitFor("a request served by the new node", async () => {
      const rs = await client.execute("SELECT key FROM system.local");
      return rs.info.queriedHost === address;
    }, 30_000);
    const t1 = Date.now();
    await decommissionNode(info.name, node.index);
    added = undefined;
    console.log(`decommission took ${Date.now() - t1} ms`);
    await waitFor("hostRemove", () => eventAfter(events, "hostRemove", address, t1), 30_000);
    assertEquals(client.hosts.length, 3);
    assert(client.hosts.every((h) => h.address !== address));
  } finally {
    await client.close();
    if (added !== undefined) await decommissionNode(info.name, added).catch(() => {});
  }
});
