/**
 * Logged, unlogged and counter batches through the public Client: prepared and unprepared
 * statements, positional and named parameters, in every configuration of the matrix.
 */
import { Client, InvalidQueryError } from "../../mod.ts";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { Keyspace, matrix, optionsFor, plain } from "./helpers.ts";

const ks = new Keyspace("batch", (k) => [
  // Only text and bigint columns: unprepared values are type-inferred (number → double).
  `CREATE TABLE ${k}.b (id text, c bigint, v text, PRIMARY KEY (id, c))`,
  `CREATE TABLE ${k}.counters (id text PRIMARY KEY, n counter, m counter)`,
]);

async function rowsOf(client: Client, id: string): Promise<Record<string, unknown>[]> {
  const rs = await client.execute("SELECT id, c, v FROM b WHERE id = ?", [id]);
  return rs.rows.map((r) => plain(r));
}

const INSERT = "INSERT INTO b (id, c, v) VALUES (?, ?, ?)";

for (const m of matrix()) {
  Deno.test(`batch [${m.name}]`, async (t) => {
    await ks.ready(m.target);
    const tag = m.name.replace(/\+/g, "_");
    const client = new Client(await optionsFor(m, { keyspace: ks.name }));
    try {
      await client.connect();

      for (const type of ["logged", "unlogged"] as const) {
        for (const prepare of [true, false]) {
          await t.step(`${type}, ${prepare ? "prepared" : "unprepared"}, positional`, async () => {
            const id = `${tag}:${type}:${prepare}`;
            await client.batch([
              { query: INSERT, params: [id, 1n, "one"] },
              { query: INSERT, params: [id, 2n, "two"] },
              { query: INSERT, params: [id, 3n, "three"] },
              // One timestamp for the whole batch: touch distinct rows (a same-timestamp
              // tombstone wins, which is what makes the DELETE below effective).
              { query: "UPDATE b SET v = ? WHERE id = ? AND c = ?", params: ["four", id, 4n] },
              { query: "DELETE FROM b WHERE id = ? AND c = ?", params: [id, 3n] },
            ], { type, prepare });
            assertEquals(await rowsOf(client, id), [
              { id, c: 1n, v: "one" },
              { id, c: 2n, v: "two" },
              { id, c: 4n, v: "four" },
            ]);
          });
        }
      }

      await t.step("named parameters (prepared), mixed with positional", async () => {
        const id = `${tag}:named`;
        await client.batch([
          { query: "INSERT INTO b (id, c, v) VALUES (:id, :c, :v)", params: { id, c: 1n, v: "a" } },
          // Names in another order than the markers.
          { query: "INSERT INTO b (id, c, v) VALUES (:id, :c, :v)", params: { v: "b", c: 2n, id } },
          { query: INSERT, params: [id, 3n, "c"] },
        ], { prepare: true });
        assertEquals(await rowsOf(client, id), [
          { id, c: 1n, v: "a" },
          { id, c: 2n, v: "b" },
          { id, c: 3n, v: "c" },
        ]);
      });

      await t.step("plain query strings without parameters", async () => {
        const id = `${tag}:strings`;
        await client.batch([
          `INSERT INTO b (id, c, v) VALUES ('${id}', 1, 'x')`,
          { query: `INSERT INTO b (id, c, v) VALUES ('${id}', 2, 'y')` },
        ], { type: "unlogged" });
        assertEquals(await rowsOf(client, id), [{ id, c: 1n, v: "x" }, { id, c: 2n, v: "y" }]);
      });

      for (const prepare of [true, false]) {
        await t.step(`counter batch, ${prepare ? "prepared" : "unprepared"}`, async () => {
          const id = `${tag}:counter:${prepare}`;
          const upd = "UPDATE counters SET n = n + ?, m = m + ? WHERE id = ?";
          await client.batch([
            { query: upd, params: [5n, 1n, id] },
            { query: upd, params: [-2n, 10n, id] },
            { query: "UPDATE counters SET n = n + 100 WHERE id = ?", params: [id] },
          ], { type: "counter", prepare });
          const rs = await client.execute("SELECT n, m FROM counters WHERE id = ?", [id]);
          assertEquals(plain(rs.first()), { n: 103n, m: 11n });
        });
      }

      await t.step("a counter update in a logged batch is refused by the server", async () => {
        await assertRejects(
          () =>
            client.batch([
              { query: "UPDATE counters SET n = n + ? WHERE id = ?", params: [1n, `${tag}:x`] },
            ], { type: "logged" }),
          InvalidQueryError,
        );
      });

      await t.step("timestamp option sets the write time of every statement", async () => {
        const id = `${tag}:ts`;
        const ts = 1_600_000_000_000_000n;
        await client.batch([
          { query: INSERT, params: [id, 1n, "a"] },
          { query: INSERT, params: [id, 2n, "b"] },
        ], { timestamp: ts });
        const rs = await client.execute("SELECT WRITETIME(v) AS w FROM b WHERE id = ?", [id]);
        assertEquals(rs.rows.map((r) => r.w), [ts, ts]);
      });

      await t.step("conditional batch: wasApplied() and serial consistency", async () => {
        const id = `${tag}:lwt`;
        const cond = "INSERT INTO b (id, c, v) VALUES (?, ?, ?) IF NOT EXISTS";
        const first = await client.batch([
          { query: cond, params: [id, 1n, "a"] },
          { query: cond, params: [id, 2n, "b"] },
        ], { serialConsistency: "LOCAL_SERIAL" });
        assert(first.wasApplied(), "first conditional batch applied");
        const second = await client.batch([
          { query: cond, params: [id, 1n, "z"] },
        ], { serialConsistency: "LOCAL_SERIAL" });
        assert(!second.wasApplied(), "second conditional batch not applied");
        assertEquals(await rowsOf(client, id), [{ id, c: 1n, v: "a" }, { id, c: 2n, v: "b" }]);
      });

      await t.step("a batch of 100 prepared statements", async () => {
        const id = `${tag}:big`;
        await client.batch(
          Array.from(
            { length: 100 },
            (_, i) => ({ query: INSERT, params: [id, BigInt(i), `${i}`] }),
          ),
          { type: "unlogged" },
        );
        const rows = await rowsOf(client, id);
        assertEquals(rows.length, 100);
        assertEquals(rows[99], { id, c: 99n, v: "99" });
      });
    } finally {
      await client.close();
    }
  });
}

Deno.test("batch: drop keyspace", async () => {
  await ks.drop();
});
