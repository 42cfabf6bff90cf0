/** Options that cannot work are a TypeError naming the option at `new Client`, not later. */
import { Client } from "../../mod.ts";
import { assert, assertEquals, assertThrows } from "../support/assert.ts";

const contactPoints = ["127.0.0.1"];

Deno.test("options: out-of-range numbers throw a TypeError naming the option", () => {
  for (
    const [name, value, expected] of [
      ["maxRequestsPerConnection", 32_769, "at most 32768"],
      ["maxRequestsPerConnection", 0, "positive integer"],
      ["maxOrphanedRequests", 0, "positive integer"],
      ["maxOrphanedRequests", 1.5, "positive integer"],
      ["connectionsPerHost", -1, "positive integer"],
    ] as const
  ) {
    const e = assertThrows(() => new Client({ contactPoints, [name]: value }), TypeError);
    if (!e.message.startsWith(name) || !e.message.includes(expected)) {
      throw new Error(`${name}=${value}: ${e.message}`);
    }
  }
  new Client({ contactPoints, maxRequestsPerConnection: 32_768, maxOrphanedRequests: 1 });
});

Deno.test("options: a request's own retry and load-balancing policies replace the client's", async () => {
  const calls: string[] = [];
  const client = new Client({
    contactPoints,
    retry: { decide: () => (calls.push("client retry"), { action: "rethrow" }) },
    loadBalancing: {
      newQueryPlan: (hosts) => (calls.push("client plan"), hosts),
    },
  });
  try {
    const ks = `opts_policies_${Date.now()}`;
    await client.execute(
      `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await client.execute(`CREATE TABLE ${ks}.t (k int PRIMARY KEY)`);
    calls.length = 0;
    // One node cannot give THREE: Unavailable, which asks the retry policy.
    const unavailable = `INSERT INTO ${ks}.t (k) VALUES (1)`;
    await client.execute(unavailable, [], { consistency: "THREE" }).catch(() => {});
    assertEquals(calls, ["client plan", "client retry"]);
    calls.length = 0;
    let retried = 0;
    const rs = await client.execute(unavailable, [], {
      consistency: "THREE",
      retry: {
        // Once on the same node at THREE again, then give up.
        decide: (
          { retries },
        ) => (calls.push(`own retry ${retries}`),
          retries === 0 ? (retried++, { action: "retrySameHost" }) : { action: "rethrow" }),
      },
      loadBalancing: { newQueryPlan: (hosts) => (calls.push("own plan"), [...hosts]) },
    }).catch((e: Error) => e);
    assert(rs instanceof Error && rs.name === "UnavailableError", String(rs));
    assertEquals(retried, 1);
    assertEquals(calls, ["own plan", "own retry 0", "own retry 1"]);
    await client.execute(`DROP KEYSPACE ${ks}`);
  } finally {
    await client.close();
  }
  const bad = await client.execute("SELECT 1", [], { retry: {} as never }).catch((e) => e);
  assert(bad instanceof TypeError && bad.message.startsWith("retry"), String(bad));
});
