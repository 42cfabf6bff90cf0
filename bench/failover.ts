/**
 * Failover on the local three-node cluster (the `ring` cluster of the tests, 127.0.0.11-13):
 * 64 concurrent idempotent QUORUM writes at RF=3 while one node is killed with SIGKILL and
 * restarted, N times. Prints, per round and as medians: kill -9 to `hostDown`, the node answering
 * CQL again to `hostUp`, and to the first request it served; requests that failed.
 *
 *   node_modules/.bin/deno run -A bench/failover.ts [--rounds=5] [--node=3]
 *
 * @module
 */
import { Client } from "../mod.ts";
import { killNode, start, startNode } from "../tools/cassandra/launcher.ts";

const flag = (name: string) =>
  Deno.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const rounds = Number(flag("rounds") ?? 5);
const victim = Number(flag("node") ?? 3);

const info = await start({
  name: "ring",
  address: "127.0.0.11",
  nodes: 3,
  racks: ["rack1", "rack1", "rack2"],
  heapMb: 768,
});
const address = `${info.nodes[victim - 1].address}:${info.nodes[victim - 1].port}`;
const client = new Client({
  contactPoints: [`${info.nodes[0].address}:${info.nodes[0].port}`],
  localDataCenter: "datacenter1",
});
const events: { name: string; address: string; at: number }[] = [];
for (const name of ["hostUp", "hostDown"] as const) {
  client.on(name, (h) => events.push({ name, address: h.address, at: Date.now() }));
}
await client.execute("DROP KEYSPACE IF EXISTS bench_failover");
await client.execute(
  "CREATE KEYSPACE bench_failover WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
);
await client.execute("CREATE TABLE bench_failover.t (k int PRIMARY KEY, v int)");

let stop = false;
let next = 0, acked = 0, failed = 0;
const served: { address: string; at: number }[] = [];
const loops = Array.from({ length: 64 }, async () => {
  while (!stop) {
    const k = next++;
    try {
      const rs = await client.execute("INSERT INTO bench_failover.t (k, v) VALUES (?, ?)", [k, k], {
        consistency: "QUORUM",
        idempotent: true,
      });
      acked++;
      if (rs.info.queriedHost === address) served.push({ address, at: Date.now() });
    } catch {
      failed++;
    }
  }
});

const waitFor = async <T>(f: () => T | undefined, ms: number): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

const rows: { down: number; up: number; traffic: number; failed: number }[] = [];
for (let r = 0; r < rounds; r++) {
  await new Promise((res) => setTimeout(res, 2_000));
  const failedBefore = failed;
  const killedAt = Date.now();
  await killNode("ring", victim);
  const down = await waitFor(
    () => events.find((e) => e.name === "hostDown" && e.address === address && e.at >= killedAt),
    30_000,
  );
  await startNode("ring", victim);
  const answering = Date.now();
  const up = await waitFor(
    () => events.find((e) => e.name === "hostUp" && e.address === address && e.at >= killedAt),
    60_000,
  );
  const first = await waitFor(() => served.find((s) => s.at >= up.at), 60_000);
  rows.push({
    down: down.at - killedAt,
    up: up.at - answering,
    traffic: first.at - answering,
    failed: failed - failedBefore,
  });
  console.log(`round ${r + 1}: ${JSON.stringify(rows[r])}`);
}
stop = true;
await Promise.all(loops);
await client.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log("\n| figure | median | all rounds |\n| --- | ---: | --- |");
for (
  const [k, label] of [
    ["down", "kill -9 -> hostDown (ms)"],
    ["up", "node answers CQL -> hostUp (ms)"],
    ["traffic", "node answers CQL -> first request it served (ms)"],
    ["failed", "failed requests during the round"],
  ] as const
) {
  const xs = rows.map((x) => x[k]);
  console.log(`| ${label} | ${median(xs)} | ${xs.join(", ")} |`);
}
console.log(`\n${acked} writes acknowledged, ${failed} failed, over ${rounds} kills`);
