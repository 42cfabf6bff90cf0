/**
 * SchemaMetadata's concurrency, over an in-memory schema whose queries the tests hold and
 * release: concurrent readers share loads, a read that started earlier never overwrites a later
 * one, bursts are bounded by `maxDebounceMs`, and `close` stops refreshing.
 */
import type { SchemaQuery, SchemaRow } from "../../src/metadata/loader.ts";
import { SchemaMetadata } from "../../src/metadata/schema-metadata.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { sleep } from "./support.ts";

/** A schema in memory, queried like system_schema; queries matching `hold` wait for release. */
class FakeSchema {
  readonly tables = new Map<string, SchemaRow[]>();
  readonly log: string[] = [];
  hold: RegExp | null = null;
  #held: (() => void)[] = [];

  constructor() {
    for (
      const t of [
        "keyspaces",
        "tables",
        "columns",
        "dropped_columns",
        "column_masks",
        "indexes",
        "views",
        "types",
        "functions",
        "aggregates",
      ]
    ) this.tables.set(`system_schema.${t}`, []);
  }

  addKeyspace(ks: string, tables: Record<string, string[]>): void {
    this.tables.get("system_schema.keyspaces")!.push({
      keyspace_name: ks,
      durable_writes: true,
      replication: new Map([["class", "org.apache.cassandra.locator.SimpleStrategy"]]),
    });
    for (const [name, cols] of Object.entries(tables)) this.addTable(ks, name, cols);
  }

  addTable(ks: string, name: string, cols: string[]): void {
    this.tables.get("system_schema.tables")!.push({ keyspace_name: ks, table_name: name });
    cols.forEach((c, i) =>
      this.tables.get("system_schema.columns")!.push({
        keyspace_name: ks,
        table_name: name,
        column_name: c,
        kind: i === 0 ? "partition_key" : "regular",
        position: i === 0 ? 0 : -1,
        type: "int",
        clustering_order: "none",
      })
    );
  }

  dropTable(ks: string, name: string): void {
    for (const t of ["system_schema.tables", "system_schema.columns"]) {
      this.tables.set(
        t,
        this.tables.get(t)!.filter((r) => !(r.keyspace_name === ks && r.table_name === name)),
      );
    }
  }

  release(): void {
    const h = this.#held;
    this.#held = [];
    for (const r of h) r();
  }

  readonly query: SchemaQuery = async (cql, params = []) => {
    this.log.push(cql);
    const m = /FROM (\w+\.\w+)(?: WHERE keyspace_name = \?(?: AND (\w+) = \?)?)?$/.exec(cql);
    if (m === null) throw new Error(`unexpected query ${cql}`);
    const rows = this.tables.get(m[1]);
    if (rows === undefined) throw new Error(`unconfigured table ${m[1]}`);
    // The answer is what the table held when the query arrived, even if it is held back.
    const answer = rows.filter((r) =>
      (params.length < 1 || r.keyspace_name === params[0]) &&
      (m[2] === undefined || r[m[2]] === params[1])
    );
    if (this.hold?.test(cql)) await new Promise<void>((r) => this.#held.push(r));
    return answer;
  };
}

Deno.test("unit: concurrent readers share one full load", async () => {
  const db = new FakeSchema();
  db.addKeyspace("a", { t: ["k", "v"] });
  db.hold = /./;
  const schema = new SchemaMetadata(db.query);
  schema.start();
  const reads = Promise.all([schema.keyspace("a"), schema.table("a", "t"), schema.keyspaces()]);
  await sleep(20);
  db.hold = null;
  db.release();
  const [ks, t, names] = await reads;
  assertEquals(ks?.name, "a");
  assertEquals(t?.columns.map((c) => c.name), ["k", "v"]);
  assertEquals(names, ["a"]);
  assertEquals(db.log.length, 13, "one load: 10 system_schema and 3 virtual schema queries");
  schema.close();
});

Deno.test("unit: a read that started earlier never overwrites a later one", async () => {
  const db = new FakeSchema();
  db.addKeyspace("a", { old: ["k"] });
  const schema = new SchemaMetadata(db.query, { lazy: true });
  db.hold = /keyspace_name = \?/; // only the single-keyspace load is held
  const early = schema.keyspace("a"); // reads "old" and waits
  await sleep(10);
  db.dropTable("a", "old");
  db.addTable("a", "new", ["k"]);
  assertEquals(await schema.keyspaces(), ["a"]); // the full load reads "new" and lands first
  db.release();
  await early;
  const ks = await schema.keyspace("a");
  assertEquals([...ks!.tables.keys()], ["new"], "the later full load's rows stand");
  schema.close();
});

Deno.test("unit: a continuing burst is read at least every maxDebounceMs", async () => {
  const db = new FakeSchema();
  db.addKeyspace("a", { t: ["k"] });
  const schema = new SchemaMetadata(db.query, { debounceMs: 50, maxDebounceMs: 150 });
  schema.start();
  await schema.keyspaces();
  const before = db.log.length;
  const end = Date.now() + 500;
  while (Date.now() < end) {
    schema.refresh({ change: "UPDATED", target: "TABLE", keyspace: "a", name: "t" });
    await sleep(10);
  }
  const reloads = (db.log.length - before) / 6;
  assert(reloads >= 2 && reloads <= 5, `reloads during a 500 ms burst: ${reloads}`);
  await schema.table("a", "t");
  schema.close();
});

Deno.test("unit: close drops pending changes and ignores later ones", async () => {
  const db = new FakeSchema();
  db.addKeyspace("a", { t: ["k"] });
  const schema = new SchemaMetadata(db.query, { debounceMs: 30 });
  schema.start();
  await schema.keyspaces();
  const before = db.log.length;
  schema.refresh({ change: "UPDATED", target: "TABLE", keyspace: "a", name: "t" });
  schema.close();
  schema.refresh({ change: "UPDATED", target: "TABLE", keyspace: "a", name: "t" });
  await sleep(100);
  assertEquals(db.log.length, before, "nothing reread");
  assertEquals((await schema.table("a", "t"))?.name, "t", "reads still answer");
});

Deno.test("unit: a change to a table refreshes its views' list on the base table", async () => {
  const db = new FakeSchema();
  db.addKeyspace("a", { base: ["k", "v"] });
  const schema = new SchemaMetadata(db.query, { debounceMs: 10 });
  schema.start();
  assertEquals((await schema.table("a", "base"))?.views, []);
  db.tables.get("system_schema.views")!.push({
    keyspace_name: "a",
    view_name: "by_v",
    base_table_name: "base",
    where_clause: "v IS NOT NULL AND k IS NOT NULL",
    include_all_columns: false,
  });
  db.tables.get("system_schema.columns")!.push(
    {
      keyspace_name: "a",
      table_name: "by_v",
      column_name: "v",
      kind: "partition_key",
      position: 0,
      type: "int",
    },
    {
      keyspace_name: "a",
      table_name: "by_v",
      column_name: "k",
      kind: "clustering",
      position: 0,
      type: "int",
      clustering_order: "desc",
    },
  );
  schema.refresh({ change: "CREATED", target: "TABLE", keyspace: "a", name: "by_v" });
  const v = await schema.view("a", "by_v");
  assertEquals(v?.partitionKey.map((c) => c.name), ["v"]);
  assertEquals(v?.clusteringKey.map((c) => [c.column.name, c.order]), [["k", "DESC"]]);
  assertEquals((await schema.table("a", "base"))?.views, ["by_v"]);
  schema.close();
});
