/** The cluster layer's parts that need no server: policies, coalescing, resolution, events. */
import {
  ConstantReconnectionPolicy,
  ExponentialReconnectionPolicy,
  type HostInfo,
  RoundRobinPolicy,
} from "../../mod.ts";
import { Coalescer } from "../../src/cluster/coalescer.ts";
import { Emitter } from "../../src/cluster/events.ts";
import { resolveContactPoints } from "../../src/cluster/resolve.ts";
import { peerRecord } from "../../src/cluster/topology.ts";
import { assert, assertEquals, assertThrows } from "../support/assert.ts";

Deno.test("reconnection: exponential with full jitter stays under a doubling cap up to the max", () => {
  const schedule = new ExponentialReconnectionPolicy(1_000, 60_000).newSchedule();
  const caps = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000];
  const delays = caps.map(() => schedule.next());
  delays.forEach((d, i) => assert(d >= 0 && d <= caps[i], `delay ${i}: ${d} > ${caps[i]}`));
  // Jitter: 200 first delays are not all the same.
  const firsts = new Set(
    Array.from({ length: 200 }, () => new ExponentialReconnectionPolicy().newSchedule().next()),
  );
  assert(firsts.size > 50, `only ${firsts.size} distinct first delays`);
  assertEquals(new ConstantReconnectionPolicy(250).newSchedule().next(), 250);
  assertThrows(() => new ExponentialReconnectionPolicy(0), TypeError);
  assertThrows(() => new ExponentialReconnectionPolicy(2_000, 1_000), TypeError);
  assertThrows(() => new ConstantReconnectionPolicy(-1), TypeError);
});

Deno.test("coalescer: fifty events within a second make one refresh; a later burst makes another", async () => {
  let runs = 0;
  const c = new Coalescer(async () => {
    runs++;
    await new Promise((r) => setTimeout(r, 30));
  }, () => {});
  for (let i = 0; i < 50; i++) {
    c.request();
    await new Promise((r) => setTimeout(r, 5)); // 50 events, well within a second
  }
  await new Promise((r) => setTimeout(r, 250));
  await c.settled();
  assertEquals(runs, 1);
  c.request();
  c.request();
  await new Promise((r) => setTimeout(r, 250));
  await c.settled();
  assertEquals(runs, 2);
  c.close();
});

Deno.test("coalescer: a burst longer than the max delay still runs within it, and a request during a run runs again after", async () => {
  let runs = 0;
  const c = new Coalescer(
    async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 100));
    },
    () => {},
    100,
    300,
  );
  const t0 = Date.now();
  while (runs === 0) {
    c.request();
    await new Promise((r) => setTimeout(r, 20));
  }
  assert(Date.now() - t0 < 450, `first run after ${Date.now() - t0} ms`);
  c.request(); // while it runs
  await new Promise((r) => setTimeout(r, 400));
  await c.settled();
  assertEquals(runs, 2);
  c.close();
});

Deno.test("contact points: a name resolving to several addresses gives each; IP literals pass as they are", async () => {
  const lookups: string[] = [];
  const lookup = (name: string) => {
    lookups.push(name);
    return Promise.resolve(name === "cassandra.test" ? ["10.1.0.1", "10.1.0.2", "10.1.0.1"] : []);
  };
  assertEquals(
    await resolveContactPoints(
      [
        { host: "cassandra.test", port: 9042 },
        { host: "127.0.0.1", port: 9043 },
        { host: "::1", port: 9042 },
        { host: "unknown.test", port: 9042 },
      ],
      lookup,
    ),
    [
      { host: "10.1.0.1", port: 9042 },
      { host: "10.1.0.2", port: 9042 },
      { host: "127.0.0.1", port: 9043 },
      { host: "::1", port: 9042 },
      { host: "unknown.test", port: 9042 },
    ],
  );
  assertEquals(lookups, ["cassandra.test", "unknown.test"]);
  // The runtime's own resolver (node:dns): localhost is at least 127.0.0.1 here.
  const local = await resolveContactPoints([{ host: "localhost", port: 9042 }]);
  assert(local.some((e) => e.host === "127.0.0.1"), JSON.stringify(local));
});

Deno.test("topology: peers rows without host id, data center or address are skipped; 0.0.0.0 means the gossip address", () => {
  const row = {
    peer: "10.0.0.2",
    native_address: "10.0.0.12",
    native_port: 9142,
    host_id: "5bd98d23-3c67-43c4-bd4b-1c991d2237d3",
    data_center: "dc1",
    rack: "r1",
    release_version: "5.0.9",
    tokens: ["1", "2"],
  };
  assertEquals(peerRecord(row, 9042)?.endpoint, { host: "10.0.0.12", port: 9142 });
  const v1 = { ...row, native_address: undefined, native_port: undefined, rpc_address: "0.0.0.0" };
  assertEquals(peerRecord(v1, 9042)?.endpoint, { host: "10.0.0.2", port: 9042 });
  assertEquals(peerRecord({ ...row, host_id: null }, 9042), null);
  assertEquals(peerRecord({ ...row, data_center: null }, 9042), null);
  assertEquals(peerRecord({ ...row, native_address: null, peer: null }, 9042), null);
});

function host(address: string, isUp: boolean, distance: HostInfo["distance"]): HostInfo {
  return {
    address,
    datacenter: distance === "local" ? "dc1" : "dc2",
    rack: "r",
    isUp,
    inFlight: 0,
    distance,
  };
}

Deno.test("round robin: remote nodes come after every local node up, and before nodes down", () => {
  const hosts = [
    host("r1", true, "remote"),
    host("l1", true, "local"),
    host("l2", false, "local"),
    host("l3", true, "local"),
  ];
  const plan = [...new RoundRobinPolicy("dc1").newQueryPlan(hosts)].map((h) => h.address);
  assertEquals(plan, ["l1", "l3", "r1", "l2"]);
  const allLocalDown = [host("l1", false, "local"), host("r1", true, "remote")];
  assertEquals([...new RoundRobinPolicy().newQueryPlan(allLocalDown)].map((h) => h.address), [
    "r1",
    "l1",
  ]);
});

Deno.test("events: listeners are removed by the function on returns; one that throws does not stop the others", () => {
  const e = new Emitter<{ a: number }>();
  const got: number[] = [];
  e.on("a", () => {
    throw new Error("listener bug");
  });
  const off = e.on("a", (v) => got.push(v));
  e.emit("a", 1);
  off();
  e.emit("a", 2);
  assertEquals(got, [1]);
  assertThrows(() => e.on("a", 5 as unknown as () => void), TypeError);
});

Deno.test("speculative delay: fixed, or the percentile of recorded latencies; bad options are TypeErrors", async () => {
  const { SpeculativeDelay } = await import("../../src/client/speculative.ts");
  assertEquals(new SpeculativeDelay({ delay: 100, maxExecutions: 2 }).delay(), 100);
  const p = new SpeculativeDelay({ percentile: 90, maxExecutions: 2 });
  assertEquals(p.delay(), 1_000, "nothing measured yet: a conservative second");
  for (let i = 1; i <= 100; i++) p.record(i);
  assertEquals(p.delay(), 91);
  for (let i = 0; i < 1024; i++) p.record(5);
  assertEquals(p.delay(), 5, "only the recent window counts");
  assertThrows(() => new SpeculativeDelay({ delay: 10, maxExecutions: 0 }), TypeError);
  assertThrows(() => new SpeculativeDelay({ percentile: 100, maxExecutions: 2 }), TypeError);
  assertThrows(() => new SpeculativeDelay({ delay: -1, maxExecutions: 2 }), TypeError);
});
