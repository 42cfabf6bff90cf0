/**
 * SchemaMetadata's loading and refreshing on the local node: targeted reloads for each kind of
 * schema change, bursts coalesced into one reload, reads waiting for a pending reload, lazy
 * loading, and failed background loads that neither reject unhandled nor stick.
 */
import type { Client } from "../../mod.ts";
import { KEYSPACE_QUERIES, RELATION_QUERIES } from "../../src/metadata/loader.ts";
import { SchemaMetadata } from "../../src/metadata/schema-metadata.ts";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { clientQuery, counting, freshKeyspace, metaClient, run, sleep } from "./support.ts";

const KS = "meta_refresh";

async function withSchema(
  fn: (client: Client) => Promise<void>,
): Promise<void> {
  const client = await metaClient();
  try {
    await freshKeyspace(client, KS);
    await fn(client);
  } finally {
    await client.execute(`DROP KEYSPACE IF EXISTS ${KS}`).catch(() => {});
    await client.close();
  }
}

Deno.test("refresh: each kind of change rereads only what it names", async (t) => {
  await withSchema(async (client) => {
    await run(client, [
      `CREATE TYPE ${KS}.pt (x int)`,
      `CREATE TABLE ${KS}.t (k int PRIMARY KEY, a text, p frozen<pt>)`,
    ]);
    const q = counting(clientQuery(client));
    const schema = new SchemaMetadata(q.query, { debounceMs: 20 });
    schema.start();
    try {
      assertEquals((await schema.table(KS, "t"))?.columns.map((c) => c.name), ["k", "a", "p"]);

      await t.step("ALTER TABLE ADD, then a TABLE refresh shows the column", async () => {
        await client.execute(`ALTER TABLE ${KS}.t ADD b int`);
        const before = q.log.length;
        schema.refresh({ change: "UPDATED", target: "TABLE", keyspace: KS, name: "t" });
        const table = await schema.table(KS, "t");
        assertEquals(table?.columns.map((c) => c.name), ["k", "a", "b", "p"]);
        assertEquals(table?.columnsByName.get("b")?.type, { kind: "int" });
        assertEquals(q.log.length - before, RELATION_QUERIES, "one table's queries");
        assert(q.log.slice(before).every((s) => /table_name = \?|view_name = \?/.test(s)));
      });

      await t.step("50 refreshes in a burst make one reload", async () => {
        await client.execute(`ALTER TABLE ${KS}.t ADD c int`);
        const before = q.log.length;
        for (let i = 0; i < 50; i++) {
          schema.refresh({ change: "UPDATED", target: "TABLE", keyspace: KS, name: "t" });
        }
        await sleep(200); // the burst goes quiet and is read without anyone asking
        assertEquals(q.log.length - before, RELATION_QUERIES);
        const table = await schema.table(KS, "t");
        assert(table?.columnsByName.has("c"), "new column");
        assertEquals(q.log.length - before, RELATION_QUERIES, "the read waited for nothing");
      });

      await t.step("a burst over many objects of a keyspace is one keyspace reload", async () => {
        for (let i = 0; i < 5; i++) {
          await client.execute(`CREATE TABLE ${KS}.many_${i} (k int PRIMARY KEY)`);
        }
        const before = q.log.length;
        for (let i = 0; i < 5; i++) {
          schema.refresh({ change: "CREATED", target: "TABLE", keyspace: KS, name: `many_${i}` });
        }
        const ks = await schema.keyspace(KS);
        assertEquals([...ks!.tables.keys()].filter((n) => n.startsWith("many_")).length, 5);
        assertEquals(q.log.length - before, KEYSPACE_QUERIES, "one keyspace load");
      });

      await t.step("DROP TABLE removes it", async () => {
        await client.execute(`DROP TABLE ${KS}.many_4`);
        schema.refresh({ change: "DROPPED", target: "TABLE", keyspace: KS, name: "many_4" });
        assertEquals(await schema.table(KS, "many_4"), undefined);
        assert((await schema.table(KS, "many_3")) !== undefined, "the others stay");
      });

      await t.step("ALTER TYPE re-resolves the columns that use it", async () => {
        await client.execute(`ALTER TYPE ${KS}.pt ADD y text`);
        const before = q.log.length;
        schema.refresh({ change: "UPDATED", target: "TYPE", keyspace: KS, name: "pt" });
        const u = await schema.udt(KS, "pt");
        assertEquals(u?.fields.map((f) => f.name), ["x", "y"]);
        const p = (await schema.table(KS, "t"))?.columnsByName.get("p");
        assertEquals(p?.type, u?.type, "the column's type has the new field");
        assertEquals(q.log.length - before, 1, "the keyspace's types only");
      });

      await t.step("ALTER KEYSPACE rereads its row only", async () => {
        await client.execute(`ALTER KEYSPACE ${KS} WITH durable_writes = false`);
        const before = q.log.length;
        schema.refresh({ change: "UPDATED", target: "KEYSPACE", keyspace: KS });
        assertEquals((await schema.keyspace(KS))?.durableWrites, false);
        assertEquals(q.log.length - before, 1);
        assert((await schema.table(KS, "t")) !== undefined, "its tables stay");
      });

      await t.step("functions and aggregates", async () => {
        await client.execute(
          `CREATE FUNCTION ${KS}.twice(x int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java AS 'return 2 * x;'`,
        );
        schema.refresh({
          change: "CREATED",
          target: "FUNCTION",
          keyspace: KS,
          name: "twice",
          argTypes: ["int"],
        });
        const f = await schema.functions(KS, "twice");
        assertEquals(f.map((x) => [x.signature, x.body]), [["twice(int)", "return 2 * x;"]]);
        await run(client, [
          `CREATE FUNCTION ${KS}.plus(s int, v int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java AS 'return s + v;'`,
          `CREATE AGGREGATE ${KS}.sum2(int) SFUNC plus STYPE int INITCOND 0`,
        ]);
        schema.refresh({ change: "CREATED", target: "FUNCTION", keyspace: KS, name: "plus" });
        schema.refresh({ change: "CREATED", target: "AGGREGATE", keyspace: KS, name: "sum2" });
        const a = await schema.aggregates(KS, "sum2");
        assertEquals(a.map((x) => [x.signature, x.stateFunction, x.initCondition]), [
          ["sum2(int)", "plus", "0"],
        ]);
        await client.execute(`DROP AGGREGATE ${KS}.sum2`);
        schema.refresh({ change: "DROPPED", target: "AGGREGATE", keyspace: KS, name: "sum2" });
        assertEquals(await schema.aggregates(KS, "sum2"), []);
      });

      await t.step("new and dropped keyspaces", async () => {
        await freshKeyspace(client, "meta_refresh_new");
        schema.refresh({ change: "CREATED", target: "KEYSPACE", keyspace: "meta_refresh_new" });
        assert((await schema.keyspaces()).includes("meta_refresh_new"), "listed");
        await client.execute("DROP KEYSPACE meta_refresh_new");
        schema.refresh({ change: "DROPPED", target: "KEYSPACE", keyspace: "meta_refresh_new" });
        assertEquals(await schema.keyspace("meta_refresh_new"), undefined);
        assert(!(await schema.keyspaces()).includes("meta_refresh_new"), "no longer listed");
      });
    } finally {
      schema.close();
      await client.execute("DROP KEYSPACE IF EXISTS meta_refresh_new").catch(() => {});
    }
  });
});

Deno.test("refresh: the client's schemaChange events keep the metadata current", async () => {
  await withSchema(async (client) => {
    const schema = new SchemaMetadata(clientQuery(client), { debounceMs: 20 });
    const off = client.on("schemaChange", (c) => schema.refresh(c));
    schema.start();
    try {
      await schema.keyspace(KS);
      await client.execute(`CREATE TABLE ${KS}.evented (k int PRIMARY KEY, v text)`);
      let table;
      for (let i = 0; i < 50 && table === undefined; i++) {
        table = await schema.table(KS, "evented");
        if (table === undefined) await sleep(100);
      }
      assertEquals(table?.columns.map((c) => c.name), ["k", "v"]);
    } finally {
      off();
      schema.close();
    }
  });
});

Deno.test("lazy: nothing is read before the first call, then only what it needs", async () => {
  await withSchema(async (client) => {
    await client.execute(`CREATE TABLE ${KS}.t (k int PRIMARY KEY)`);
    const q = counting(clientQuery(client));
    const schema = new SchemaMetadata(q.query, { lazy: true });
    try {
      schema.start(); // lazy: a no-op
      schema.refresh({ change: "UPDATED", target: "TABLE", keyspace: KS, name: "t" });
      await sleep(300);
      assertEquals(q.log, [], "nothing queried");
      assert((await schema.table(KS, "t")) !== undefined, "found");
      assertEquals(q.log.length, KEYSPACE_QUERIES, "one keyspace");
      assert(q.log.every((s) => s.includes("keyspace_name = ?")), "by keyspace");
      assertEquals(await schema.keyspace("meta_no_such_keyspace"), undefined);
      const n = q.log.length;
      assertEquals(await schema.keyspace("meta_no_such_keyspace"), undefined);
      assertEquals(q.log.length, n, "a missing keyspace is remembered as missing");
      const names = await schema.keyspaces();
      assert(names.includes(KS) && names.includes("system"), "the whole schema");
    } finally {
      schema.close();
    }
  });
});

Deno.test("errors: failed loads reject no one unhandled, and a later call retries", async () => {
  await withSchema(async (client) => {
    await client.execute(`CREATE TABLE ${KS}.t (k int PRIMARY KEY)`);
    const q = counting(clientQuery(client));
    const errors: unknown[] = [];
    const schema = new SchemaMetadata(q.query, {
      debounceMs: 10,
      onError: (e) => errors.push(e),
    });
    try {
      q.failWith = new Error("boom");
      schema.start();
      await sleep(100);
      assert(errors.length >= 1, "the background error was reported");
      await assertRejects(() => schema.keyspaces(), Error, "boom");
      q.failWith = null;
      assert((await schema.keyspaces()).includes(KS), "retried");

      q.failWith = new Error("refresh failed");
      schema.refresh({ change: "UPDATED", target: "TABLE", keyspace: KS, name: "t" });
      await sleep(100);
      assert(errors.some((e) => (e as Error).message === "refresh failed"), "reported");
      await client.execute(`ALTER TABLE ${KS}.t ADD v text`);
      q.failWith = null;
      const before = q.log.length;
      const t = await schema.table(KS, "t");
      assert(t?.columnsByName.has("v"), "the read after a failed refresh reloads");
      assertEquals(q.log.length - before, KEYSPACE_QUERIES);
    } finally {
      schema.close();
    }
  });
});

Deno.test("reads wait for a pending reload instead of the quiet period", async () => {
  await withSchema(async (client) => {
    await client.execute(`CREATE TABLE ${KS}.t (k int PRIMARY KEY)`);
    const schema = new SchemaMetadata(clientQuery(client), { debounceMs: 5_000 });
    schema.start();
    try {
      await schema.keyspaces();
      await client.execute(`ALTER TABLE ${KS}.t ADD w int`);
      schema.refresh({ change: "UPDATED", target: "TABLE", keyspace: KS, name: "t" });
      const started = Date.now();
      assert((await schema.table(KS, "t"))?.columnsByName.has("w"), "sees the change");
      assert(Date.now() - started < 4_000, "did not sit out the debounce");
    } finally {
      schema.close();
    }
  });
});
