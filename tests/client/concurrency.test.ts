/**
 * Many concurrent requests on one client with default pooling: every one settles with its own
 * result.
 */
import { Client } from "../../mod.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { defaultOptions, Keyspace, matrix, optionsFor, withClient } from "./helpers.ts";

const N = 10_000;

const ks = new Keyspace("conc", (k) => [
  `CREATE TABLE ${k}.kv (k int PRIMARY KEY, v text, n bigint)`,
]);

const INSERT = () => `INSERT INTO ${ks.name}.kv (k, v, n) VALUES (?, ?, ?)`;
const SELECT = () => `SELECT k, v, n FROM ${ks.name}.kv WHERE k = ?`;

async function checkAll(
  results: PromiseSettledResult<unknown>[],
  what: string,
): Promise<void> {
  const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
  if (failed.length > 0) {
    const kinds = new Map<string, number>();
    for (const f of failed) {
      const k = `${f.reason?.name}: ${String(f.reason?.message).slice(0, 120)}`;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    throw new Error(`${failed.length} of ${results.length} ${what} failed: ${[...kinds]}`);
  }
  await Promise.resolve();
}

Deno.test(`concurrency: ${N} concurrent INSERTs then ${N} concurrent SELECTs [default]`, async () => {
  await ks.ready("main");
  await withClient(await defaultOptions(), async (client) => {
    let t0 = performance.now();
    const inserts = await Promise.allSettled(
      Array.from({ length: N }, (_, i) => client.execute(INSERT(), [i, `value-${i}`, BigInt(i)])),
    );
    await checkAll(inserts, "INSERTs");
    console.log(`  ${N} inserts in ${Math.round(performance.now() - t0)} ms`);

    t0 = performance.now();
    const selects = await Promise.allSettled(
      Array.from(
        { length: N },
        (_, i) => client.execute<{ k: number; v: string; n: bigint }>(SELECT(), [i]),
      ),
    );
    await checkAll(selects, "SELECTs");
    console.log(`  ${N} selects in ${Math.round(performance.now() - t0)} ms`);
    let wrong = 0;
    selects.forEach((r, i) => {
      const rs = (r as PromiseFulfilledResult<{ rows: { k: number; v: string; n: bigint }[] }>)
        .value;
      const row = rs.rows[0];
      if (rs.rows.length !== 1 || row.k !== i || row.v !== `value-${i}` || row.n !== BigInt(i)) {
        wrong++;
      }
    });
    assertEquals(wrong, 0, "SELECTs that returned another key's row");
  });
});

for (const m of matrix()) {
  Deno.test(`concurrency: ${N} mixed concurrent requests on one client [${m.name}]`, async () => {
    await ks.ready(m.target);
    const client = new Client(await optionsFor(m));
    try {
      // No connect(): the first requests connect, all at once.
      const tag = m.name;
      const base = 100_000;
      const ops: Promise<unknown>[] = [];
      for (let i = 0; i < N / 2; i++) {
        const k = base + i;
        ops.push(client.execute(INSERT(), [k, `${tag}-${k}`, BigInt(k) * 3n]));
      }
      await Promise.all(ops.splice(0, ops.length));
      const expects: number[] = [];
      for (let i = 0; i < N; i++) {
        const k = base + (i % (N / 2));
        if (i % 2 === 0) {
          ops.push(client.execute(INSERT(), [k, `${tag}-${k}`, BigInt(k) * 3n]));
          expects.push(-1);
        } else {
          ops.push(client.execute(SELECT(), [k]));
          expects.push(k);
        }
      }
      const results = await Promise.allSettled(ops);
      await checkAll(results, "requests");
      let wrong = 0;
      results.forEach((r, i) => {
        const k = expects[i];
        if (k < 0) return;
        const rows = (r as PromiseFulfilledResult<{ rows: Record<string, unknown>[] }>).value.rows;
        if (rows.length !== 1 || rows[0].k !== k || rows[0].v !== `${tag}-${k}`) wrong++;
        if (rows[0]?.n !== BigInt(k) * 3n) wrong++;
      });
      assertEquals(wrong, 0, "SELECTs with a wrong row");
      assert(client.protocolVersion === m.protocolVersion, "negotiated version");
    } finally {
      await client.close();
    }
  });
}

Deno.test("concurrency: drop keyspace", async () => {
  await ks.drop();
});
