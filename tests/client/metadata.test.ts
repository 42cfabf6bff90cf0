/** `client.metadata` on the main node: the schema as data, kept current, and query traces. */
import { Client } from "../../mod.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { mainContact } from "./helpers.ts";

Deno.test("metadata: tables as data, refreshed by schema changes; traces of traced requests", async () => {
  const client = new Client({ contactPoints: [await mainContact()] });
  try {
    await client.execute("DROP KEYSPACE IF EXISTS cl_meta");
    await client.execute(
      "CREATE KEYSPACE cl_meta WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await client.execute(
      "CREATE TABLE cl_meta.t (a int, b text, c timestamp, v map<text, int>, s text STATIC, PRIMARY KEY ((a, b), c)) WITH CLUSTERING ORDER BY (c DESC) AND comment = 'hi'",
    );
    const t = await client.metadata.table("cl_meta", "t");
    assert(t !== undefined, "the table is known");
    assertEquals(t.partitionKey.map((c) => c.name), ["a", "b"]);
    assertEquals(t.clusteringKey.map((c) => [c.column.name, c.order]), [["c", "DESC"]]);
    assert((await client.metadata.keyspaces()).includes("cl_meta"));
    const ks = await client.metadata.keyspace("cl_meta");
    assertEquals(ks?.replication.replication_factor, "1");
    // A change made by this client (or any other) reaches the metadata through the event.
    await client.execute("ALTER TABLE cl_meta.t ADD extra bigint");
    let added = false;
    for (let i = 0; i < 50 && !added; i++) {
      added = (await client.metadata.table("cl_meta", "t"))?.columns.some((c) =>
        c.name === "extra"
      ) ?? false;
      if (!added) await new Promise((r) => setTimeout(r, 100));
    }
    assert(added, "the new column shows");
    const rs = await client.execute("SELECT * FROM cl_meta.t WHERE a = 1 AND b = 'x'", [], {
      tracing: true,
    });
    assert(rs.tracingId !== null);
    const trace = await client.metadata.trace(rs.tracingId!, { maxWaitMs: 5_000 });
    assert(trace.events.length > 0, "the trace lists its events");
    await client.execute("DROP KEYSPACE cl_meta");
  } finally {
    await client.close();
  }
});

Deno.test("metadata: with schemaMetadata false, nothing is read before the first use", async () => {
  const client = new Client({ contactPoints: [await mainContact()], schemaMetadata: false });
  try {
    await client.connect();
    const t = await client.metadata.table("system", "local");
    assertEquals(t?.partitionKey.map((c) => c.name), ["key"]);
  } finally {
    await client.close();
  }
});
