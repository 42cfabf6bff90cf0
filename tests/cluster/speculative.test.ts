/**
 * Speculative execution on the three-node cluster with one node frozen (SIGSTOP): idempotent
 * reads that start on the frozen node are answered by the next one after the delay, and the
 * request tracker sees each speculative attempt.
 */
import { Client, type RequestOutcome, RoundRobinPolicy } from "../../mod.ts";
import { pauseNode, resumeNode } from "../../tools/cassandra/launcher.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { addressOf, freshKeyspace, ring } from "./support.ts";

Deno.test("speculative execution: with a node frozen, p99 of idempotent reads stays under a second", async () => {
  const info = await ring();
  const frozen = 2;
  const outcomes: RequestOutcome[] = [];
  const client = new Client({
    requestTracker: { onSuccess: (req, out) => req.idempotent && outcomes.push(out) },
    contactPoints: [1, 2, 3].map((i) => addressOf(info, i)),
    localDataCenter: "datacenter1",
    // Round robin: a third of the plans start on the frozen node.
    loadBalancing: new RoundRobinPolicy(),
    speculativeExecution: { delay: 100, maxExecutions: 3 },
  });
  let paused = false;
  try {
    await freshKeyspace(client, "cl_spec", 3);
    await client.execute("CREATE TABLE cl_spec.t (k int PRIMARY KEY, v int)");
    await client.execute("INSERT INTO cl_spec.t (k, v) VALUES (1, 1)", [], { consistency: "ALL" });
    const read = () =>
      client.execute("SELECT v FROM cl_spec.t WHERE k = ?", [1], { idempotent: true });
    // With every node up, a read speculates only when a node was slower than the delay (a busy
    // machine makes some): most do not.
    let early = 0;
    for (let i = 0; i < 20; i++) if ((await read()).info.speculativeExecutions > 0) early++;
    assert(early < 10, `${early} of 20 reads speculated with every node up`);
    await pauseNode(info.name, frozen);
    paused = true;
    outcomes.length = 0;
    const latencies: number[] = [];
    let speculated = 0;
    const worker = async () => {
      for (let i = 0; i < 30; i++) {
        const t0 = performance.now();
        const rs = await read();
        const ms = performance.now() - t0;
        latencies.push(ms);
        if (ms > 1_000) {
          console.log(
            `slow read: ${ms.toFixed(0)} ms on ${rs.info.queriedHost}, tried ${
              [...rs.info.triedHosts].map(([a, e]) => `${a}: ${e.message}`)
            }, speculative ${rs.info.speculativeExecutions}`,
          );
        }
        assertEquals(rs.first()?.v, 1);
        if (rs.info.speculativeExecutions > 0) {
          speculated++;
          assert(rs.info.queriedHost !== addressOf(info, frozen));
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, worker));
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99)];
    console.log(
      `${latencies.length} reads, ${speculated} speculated; p50 ${
        latencies[latencies.length >> 1].toFixed(1)
      } ms, p99 ${p99.toFixed(1)} ms`,
    );
    assert(speculated >= 30, `only ${speculated} of 300 reads speculated`);
    // The tracker saw the same requests: each speculated one with its speculative attempts, and
    // the answer from another node than the frozen one.
    assertEquals(outcomes.length, 300);
    const tracked = outcomes.filter((o) => o.speculativeExecutions > 0);
    assertEquals(tracked.length, speculated);
    for (const o of tracked) {
      assertEquals(o.attempts.filter((a) => a.speculative).length, o.speculativeExecutions);
      assert(o.host !== undefined && o.host.address !== addressOf(info, frozen));
    }
    assert(p99 < 1_000, `p99 ${p99} ms`);
  } finally {
    if (paused) await resumeNode(info.name, frozen);
    await client.close();
  }
});
