/**
 * Query traces on the local node: a traced statement's session and events, read once complete,
 * and the typed error when a trace does not complete in time.
 */
import { fetchTrace, timeuuidDate, TraceNotReadyError } from "../../src/metadata/trace.ts";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { clientQuery, counting, metaClient } from "./support.ts";

Deno.test("trace: a traced statement's session and events", async () => {
  const client = await metaClient();
  try {
    const cql = "SELECT release_version FROM system.local WHERE key = 'local'";
    const rs = await client.execute(cql, [], { tracing: true });
    assert(rs.tracingId !== null, "the result names its trace");
    const q = counting(clientQuery(client));
    const trace = await fetchTrace(q.query, rs.tracingId);
    assertEquals(trace.id, rs.tracingId);
    assertEquals(trace.coordinator, "127.0.0.1");
    assert(trace.duration > 0, "complete");
    assertEquals(trace.parameters.query, cql);
    assertEquals(trace.request, "Execute CQL3 query");
    assertEquals(trace.client, "127.0.0.1");
    assert(Math.abs(trace.startedAt.getTime() - Date.now()) < 60_000, "started just now");
    assert(trace.events.length > 0, "has events");
    for (const e of trace.events) {
      assert(e.activity.length > 0 && e.thread.length > 0, "described");
      assertEquals(e.source, "127.0.0.1");
      assert(Math.abs(e.timestamp.getTime() - trace.startedAt.getTime()) < 10_000, "in time");
    }
    const times = trace.events.map((e) => e.timestamp.getTime());
    assertEquals(times, [...times].sort((a, b) => a - b), "in time order");
  } finally {
    await client.close();
  }
});

Deno.test("trace: an unknown session fails with TraceNotReadyError after the wait", async () => {
  const client = await metaClient();
  try {
    const q = counting(clientQuery(client));
    const started = Date.now();
    const e = await assertRejects(
      () => fetchTrace(q.query, "8a5b7c3e-0000-1000-8000-000000000000", { maxWaitMs: 400 }),
      TraceNotReadyError,
    );
    const took = Date.now() - started;
    assert(took >= 400 && took < 3_000, `waited about maxWaitMs (${took} ms)`);
    assert(e.waitedMs >= 400, "says how long");
    assert(q.log.length >= 3 && q.log.length <= 6, `polled every ~100 ms (${q.log.length})`);
  } finally {
    await client.close();
  }
});

Deno.test("trace: timeuuidDate", () => {
  // A v1 uuid Cassandra generated at 2026-12-03T19:24:12.210Z.
  assertEquals(
    timeuuidDate("1eb92120-ef4f-11f1-9495-f12163e61a8b").toISOString(),
    "2026-12-03T19:24:12.210Z",
  );
});
