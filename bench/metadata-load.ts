/**
 * How long a full schema load takes with 100 keyspaces of 10 tables each (plus the system
 * keyspaces): printed, not asserted, since this shared 2-core machine's timings vary widely.
 * Creating the thousand tables takes minutes, so this runs by hand, against the local node of
 * `npm run cassandra -- start`:
 *
 *   node_modules/.bin/deno test -A bench/metadata-load.ts
 */
import { SchemaMetadata } from "../src/metadata/schema-metadata.ts";
import { assertEquals } from "../tests/support/assert.ts";
import { clientQuery, counting, metaClient } from "../tests/metadata/support.ts";

const KEYSPACES = 100;
const TABLES = 10;
const CONCURRENCY = 4;

/** Runs `jobs` with at most `n` at a time. */
async function pool(n: number, jobs: (() => Promise<unknown>)[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all(Array.from({ length: n }, worker));
}

const ksName = (i: number) => `meta_bulk_${i}`;

Deno.test("bulk: a full load of 100 keyspaces x 10 tables", async () => {
  const client = await metaClient();
  const all = Array.from({ length: KEYSPACES }, (_, i) => i);
  try {
    const createStart = performance.now();
    await pool(
      CONCURRENCY,
      all.map((i) => async () => {
        const ks = ksName(i);
        await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
        await client.execute(
          `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
        );
        for (let t = 0; t < TABLES; t++) {
          await client.execute(
            `CREATE TABLE ${ks}.t${t} (k int, c timeuuid, a text, b map<text, int>, s int static, PRIMARY KEY (k, c))`,
          );
        }
      }),
    );
    const createMs = performance.now() - createStart;

    const lines: string[] = [];
    for (let round = 1; round <= 3; round++) {
      const q = counting(clientQuery(client));
      const schema = new SchemaMetadata(q.query);
      const loadStart = performance.now();
      const names = await schema.keyspaces();
      const loadMs = performance.now() - loadStart;
      const queries = q.log.length;
      const buildStart = performance.now();
      let tables = 0;
      for (const n of names) tables += (await schema.keyspace(n))!.tables.size;
      const buildMs = performance.now() - buildStart;
      schema.close();
      const bulk = names.filter((n) => n.startsWith("meta_bulk_"));
      assertEquals(bulk.length, KEYSPACES);
      const bulkTables = (await Promise.all(bulk.map((n) => schema.keyspace(n))))
        .reduce((sum, k) => sum + k!.tables.size, 0);
      assertEquals(bulkTables, KEYSPACES * TABLES);
      lines.push(
        `  round ${round}: ${names.length} keyspaces, ${tables} tables: read in ${
          loadMs.toFixed(0)
        } ms (${queries} queries), built in ${buildMs.toFixed(0)} ms`,
      );
    }
    console.log(
      `\n  created ${KEYSPACES} keyspaces x ${TABLES} tables in ${
        (createMs / 1000).toFixed(1)
      } s\n` +
        lines.join("\n"),
    );
  } finally {
    await pool(
      CONCURRENCY,
      all.map((i) => () => client.execute(`DROP KEYSPACE IF EXISTS ${ksName(i)}`).catch(() => {})),
    );
    await client.close();
  }
});
