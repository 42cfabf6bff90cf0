/**
 * Metadata against the server's own account of the schema, on the local Cassandra 5.0 node: a
 * table with a column of every CQL type, a composite partition key, clustering columns in both
 * orders, a static column, indexes, a materialized view, user types, functions and aggregates.
 * Our `describe*` output must equal what `DESCRIBE` returns, statement for statement, and the
 * column types we parse must equal the types the server sends in result metadata.
 */
import type { Client, ColumnSpec } from "../../mod.ts";
import {
  describeAggregate,
  describeFunction,
  describeIndex,
  describeKeyspace,
  describeTable,
  describeUserType,
  describeView,
} from "../../src/metadata/describe.ts";
import type { KeyspaceMetadata } from "../../src/metadata/model.ts";
import { SchemaMetadata } from "../../src/metadata/schema-metadata.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { clientQuery, freshKeyspace, metaClient, run } from "./support.ts";

const KS = "meta_types";
const QKS = '"meta_Quoted"';

const SCHEMA = [
  `CREATE TYPE ${KS}.inner (x int, y text)`,
  `CREATE TYPE ${KS}."Addr" (street text, "Zip" int, tags frozen<list<text>>, "in" frozen<inner>)`,
  `CREATE TABLE ${KS}.every (
    pk1 int, "Pk2" text, c1 timeuuid, c2 int,
    s text static,
    a_ascii ascii, a_bigint bigint, a_blob blob, a_boolean boolean, a_date date,
    a_decimal decimal, a_double double, a_duration duration, a_float float, a_inet inet,
    a_int int, a_smallint smallint, a_text text, a_time time, a_timestamp timestamp,
    a_timeuuid timeuuid, a_tinyint tinyint, a_uuid uuid, a_varchar varchar, a_varint varint,
    l list<int>, st set<text>, m map<text, int>,
    fl frozen<list<int>>, fs frozen<set<uuid>>, fm frozen<map<int, frozen<list<text>>>>,
    mn map<text, frozen<list<int>>>,
    tu tuple<int, text, frozen<list<float>>>,
    addr frozen<"Addr">, addrs list<frozen<"Addr">>, inr inner,
    v vector<float, 3>,
    lx 'org.apache.cassandra.db.marshal.LexicalUUIDType',
    "Mixed Case" int, "select" text, "é" int, "Z" int, "aé" int, "aZ" int, "éa" list<int>,
    PRIMARY KEY ((pk1, "Pk2"), c1, c2)
  ) WITH CLUSTERING ORDER BY (c1 DESC, c2 ASC) AND comment = 'every type: it''s all here'`,
  `CREATE TABLE ${KS}.hits (page text, day date, n counter, PRIMARY KEY (page, day))`,
  `CREATE TABLE ${KS}.tuned (k int PRIMARY KEY, v text)
    WITH compaction = {'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': '160'}
    AND compression = {'enabled': 'false'}
    AND caching = {'keys': 'NONE', 'rows_per_partition': '10'}
    AND bloom_filter_fp_chance = 0.0001 AND speculative_retry = 'ALWAYS'
    AND comment = 'multi
line' AND default_time_to_live = 100 AND gc_grace_seconds = 3600 AND crc_check_chance = 0.5
    AND additional_write_policy = '50ms' AND read_repair = 'NONE'
    AND memtable_flush_period_in_ms = 1000`,
  `CREATE INDEX every_int_idx ON ${KS}.every (a_int)`,
  `CREATE INDEX ON ${KS}.every (keys(m))`,
  `CREATE INDEX ON ${KS}.every ("Mixed Case")`,
  `CREATE INDEX every_fl_full ON ${KS}.every (full(fl))`,
  `CREATE CUSTOM INDEX every_text_sai ON ${KS}.every (a_text) USING 'StorageAttachedIndex'
    WITH OPTIONS = {'case_sensitive': 'false', 'normalize': 'true'}`,
  `CREATE INDEX every_bigint_sai ON ${KS}.every (a_bigint) USING 'sai'`,
  `CREATE MATERIALIZED VIEW ${KS}.every_by_int AS
    SELECT pk1, "Pk2", c1, c2, a_int, a_text, l, "Mixed Case", "é", "aé", "aZ", "éa", "Z" FROM ${KS}.every
    WHERE pk1 IS NOT NULL AND "Pk2" IS NOT NULL AND c1 IS NOT NULL AND c2 IS NOT NULL
      AND a_int IS NOT NULL
    PRIMARY KEY (a_int, pk1, "Pk2", c1, c2) WITH comment = 'by int'`,
  `CREATE MATERIALIZED VIEW ${KS}."All" AS SELECT * FROM ${KS}.tuned
    WHERE k IS NOT NULL AND v IS NOT NULL PRIMARY KEY (v, k)`,
  `CREATE FUNCTION ${KS}.add_st(s int, v int) RETURNS NULL ON NULL INPUT RETURNS int
    LANGUAGE java AS 'return s + v;'`,
  `CREATE FUNCTION ${KS}.add_st(s int, v text) RETURNS NULL ON NULL INPUT RETURNS int
    LANGUAGE java AS 'return s;'`,
  `CREATE FUNCTION ${KS}.fin(s int) CALLED ON NULL INPUT RETURNS text LANGUAGE java
    AS $$ return String.valueOf(s); $$`,
  `CREATE FUNCTION ${KS}.avg_st(st tuple<int, bigint>, v int) CALLED ON NULL INPUT
    RETURNS tuple<int, bigint> LANGUAGE java AS 'return st;'`,
  `CREATE AGGREGATE ${KS}.total(int) SFUNC add_st STYPE int FINALFUNC fin INITCOND 0`,
  `CREATE AGGREGATE ${KS}.avg2(int) SFUNC avg_st STYPE tuple<int, bigint> INITCOND (0, 0)`,
];

const QUOTED_SCHEMA = [
  `CREATE TABLE ${QKS}."Events" ("Day" date, "at" timestamp, "Who" text static, what text,
    PRIMARY KEY ("Day", "at")) WITH CLUSTERING ORDER BY ("at" DESC)`,
];

interface Described {
  readonly type: string;
  readonly name: string;
  readonly statement: string;
}

async function describe(client: Client, what: string): Promise<Described[]> {
  const rs = await client.execute(`DESCRIBE ${what}`);
  return rs.rows.map((r) => ({
    type: String(r.type),
    name: String(r.name),
    statement: String(r.create_statement),
  }));
}

/** What we would answer to `DESCRIBE KEYSPACE`, keyed like the server's rows. */
function ourDescription(k: KeyspaceMetadata): Map<string, string> {
  const out = new Map<string, string>();
  const qn = (n: string) => (/^[a-z][a-z0-9_]*$/.test(n) ? n : `"${n}"`);
  out.set(`keyspace ${k.name}`, describeKeyspace(k));
  for (const u of k.userTypes.values()) out.set(`type ${qn(u.name)}`, describeUserType(u));
  for (const fs of k.functions.values()) {
    for (const f of fs) out.set(`function ${f.signature}`, describeFunction(f));
  }
  for (const as of k.aggregates.values()) {
    for (const a of as) out.set(`aggregate ${a.signature}`, describeAggregate(a));
  }
  for (const t of k.tables.values()) {
    out.set(`table ${qn(t.name)}`, describeTable(t));
    for (const i of t.indexes) out.set(`index ${qn(i.name)}`, describeIndex(t, i));
  }
  for (const v of k.views.values()) out.set(`materialized_view ${qn(v.name)}`, describeView(v));
  return out;
}

function assertSameStatements(ours: string, theirs: string, what: string): void {
  if (ours === theirs) return;
  const a = ours.split("\n"), b = theirs.split("\n");
  const i = a.findIndex((l, n) => l !== b[n]);
  throw new Error(
    `${what} differs at line ${i + 1}:\n  ours:   ${JSON.stringify(a[i])}\n  server: ${
      JSON.stringify(b[i])
    }\n--- ours\n${ours}\n--- server\n${theirs}`,
  );
}

Deno.test("describe: metadata matches the server's DESCRIBE and result metadata", async (t) => {
  const client = await metaClient();
  const schema = new SchemaMetadata(clientQuery(client));
  try {
    await freshKeyspace(client, KS);
    await client.execute(`DROP KEYSPACE IF EXISTS ${QKS}`);
    await client.execute(
      `CREATE KEYSPACE ${QKS} WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 1} AND durable_writes = false`,
    );
    await run(client, SCHEMA);
    await run(client, QUOTED_SCHEMA);
    schema.start();
    const ks = await schema.keyspace(KS);
    assert(ks !== undefined, "keyspace loaded");

    await t.step("the table of every type: model", async () => {
      const every = await schema.table(KS, "every");
      assert(every !== undefined, "table found");
      assertEquals(every.partitionKey.map((c) => c.name), ["pk1", "Pk2"]);
      assertEquals(
        every.clusteringKey.map((c) => [c.column.name, c.order]),
        [["c1", "DESC"], ["c2", "ASC"]],
      );
      assertEquals(every.staticColumns.map((c) => c.name), ["s"]);
      assertEquals(every.isVirtual, false);
      assertEquals(every.isCounter, false);
      assertEquals(every.options.comment, "every type: it's all here");
      assertEquals(every.views, ["every_by_int"]);
      const idx = new Map(every.indexes.map((i) => [i.name, i]));
      assertEquals(idx.get("every_int_idx")?.target, "a_int");
      assertEquals(idx.get("every_m_idx")?.target, "keys(m)");
      assertEquals(idx.get("every_text_sai")?.kind, "CUSTOM");
      assertEquals(idx.get("every_text_sai")?.className, "StorageAttachedIndex");
      assertEquals(idx.get("every_text_sai")?.options.normalize, "true");
      const col = (n: string) => every.columnsByName.get(n)!;
      assertEquals(col("v").type, { kind: "vector", element: { kind: "float" }, dimension: 3 });
      assertEquals(col("fm").cqlType, "frozen<map<int, frozen<list<text>>>>");
      assertEquals(col("addr").type.kind, "udt");
      assertEquals(col("s").isStatic, true);
      const hits = await schema.table(KS, "hits");
      assertEquals(hits?.isCounter, true);
      assertEquals(hits?.columnsByName.get("n")?.type, { kind: "counter" });
    });

    await t.step("column types equal the server's result metadata", async () => {
      for (const name of ["every", "hits", "tuned"]) {
        const table = (await schema.table(KS, name))!;
        const rs = await client.execute(`SELECT * FROM ${KS}.${name} LIMIT 1`);
        const wire = new Map(rs.columns.map((c: ColumnSpec) => [c.name, c.type]));
        assertEquals(wire.size, table.columns.length, `${name}: column count`);
        for (const c of table.columns) assertEquals(c.type, wire.get(c.name), `${name}.${c.name}`);
      }
      const addr = await schema.udt(KS, "Addr");
      const rs = await client.execute(`SELECT addr FROM ${KS}.every LIMIT 1`);
      assertEquals(addr?.type, rs.columns[0].type, "the UDT with its nested UDT");
      assertEquals(addr?.fields.map((f) => [f.name, f.cqlType]), [
        ["street", "text"],
        ["Zip", "int"],
        ["tags", "frozen<list<text>>"],
        ["in", "frozen<inner>"],
      ]);
    });

    await t.step("describeTable equals DESCRIBE TABLE, with its indexes and view", async () => {
      const rows = await describe(client, `TABLE ${KS}.every`);
      const every = (await schema.table(KS, "every"))!;
      assertEquals(rows[0].type, "table");
      assertSameStatements(describeTable(every), rows[0].statement, "CREATE TABLE every");
      const indexes = rows.filter((r) => r.type === "index");
      assertEquals(indexes.length, every.indexes.length, "index count");
      for (const r of indexes) {
        const i = every.indexes.find((x) => describeIndex(every, x) === r.statement);
        assert(i !== undefined, `no index of ours describes as ${r.statement}`);
      }
      const views = rows.filter((r) => r.type === "materialized_view");
      assertEquals(views.length, 1);
      const v = (await schema.view(KS, "every_by_int"))!;
      assertSameStatements(describeView(v), views[0].statement, "the view");
      assertEquals(v.baseTable, "every");
      assertEquals(v.includeAllColumns, false);
    });

    await t.step("DESCRIBE of each kind of object", async () => {
      for (
        const [what, ours] of [
          [`TABLE ${KS}.hits`, describeTable((await schema.table(KS, "hits"))!)],
          [`TABLE ${KS}.tuned`, describeTable((await schema.table(KS, "tuned"))!)],
          [`MATERIALIZED VIEW ${KS}."All"`, describeView((await schema.view(KS, "All"))!)],
          [`TYPE ${KS}."Addr"`, describeUserType((await schema.udt(KS, "Addr"))!)],
          [`AGGREGATE ${KS}.total`, describeAggregate((await schema.aggregates(KS, "total"))[0])],
          [`FUNCTION ${KS}.fin`, describeFunction((await schema.functions(KS, "fin"))[0])],
          [`TABLE ${QKS}."Events"`, describeTable((await schema.table("meta_Quoted", "Events"))!)],
        ] as const
      ) {
        const rows = await describe(client, what);
        assertSameStatements(ours, rows[0].statement, what);
      }
      assertEquals((await schema.functions(KS, "add_st")).length, 2, "overloads");
      assertEquals((await schema.aggregates(KS, "avg2"))[0].initCondition, "(0, 0)");
    });

    await t.step("DESCRIBE KEYSPACE: every statement, for two keyspaces", async () => {
      for (const name of [KS, "meta_Quoted"]) {
        const k = (await schema.keyspace(name))!;
        const ours = ourDescription(k);
        const theirs = await describe(client, `KEYSPACE ${name === KS ? KS : QKS}`);
        assertEquals(theirs.length, ours.size, `${name}: statement count`);
        for (const r of theirs) {
          const key = r.type === "keyspace" ? `keyspace ${name}` : `${r.type} ${r.name}`;
          const mine = ours.get(key);
          assert(mine !== undefined, `${name}: we have no ${key}`);
          assertSameStatements(mine, r.statement, `${name}: ${key}`);
        }
      }
    });

    await t.step("virtual tables and keyspaces", async () => {
      const names = await schema.keyspaces();
      assert(names.includes("system_views") && names.includes(KS), "keyspaces listed");
      const settings = await schema.table("system_views", "settings");
      assert(settings?.isVirtual === true, "a virtual table");
      const rows = await describe(client, "TABLE system_views.settings");
      assertSameStatements(describeTable(settings), rows[0].statement, "virtual table");
      const vk = (await describe(client, "KEYSPACE system_views"))[0];
      assertSameStatements(
        describeKeyspace((await schema.keyspace("system_views"))!),
        vk.statement,
        "virtual keyspace",
      );
    });

    await t.step("the system keyspaces describe as the server does", async () => {
      const names = [
        "system",
        "system_schema",
        "system_auth",
        "system_traces",
        "system_distributed",
      ];
      for (const name of names) {
        const k = (await schema.keyspace(name))!;
        const ours = ourDescription(k);
        const rows = await describe(client, `KEYSPACE ${name}`);
        assert(rows.length > 1, `${name}: described`);
        for (const r of rows) {
          const key = r.type === "keyspace" ? `keyspace ${name}` : `${r.type} ${r.name}`;
          assertSameStatements(ours.get(key) ?? "(missing)", r.statement, `${name}: ${key}`);
        }
      }
    });
  } finally {
    schema.close();
    await client.execute(`DROP KEYSPACE IF EXISTS ${KS}`).catch(() => {});
    await client.execute(`DROP KEYSPACE IF EXISTS ${QKS}`).catch(() => {});
    await client.close();
  }
});
