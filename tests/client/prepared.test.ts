/**
 * Prepared statements across schema changes: re-preparing on UNPREPARED after a table is
 * dropped and recreated, result metadata changes after ALTER TABLE (v5 METADATA_CHANGED, v4),
 * and concurrent first executions of one statement.
 */
import { Client, type LogEntry } from "../../mod.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { Keyspace, matrix, optionsFor, plain, SUPERUSER } from "./helpers.ts";

const ks = new Keyspace("prep");

function columnNames(cols: readonly { name: string }[]): string[] {
  return cols.map((c) => c.name).sort();
}

for (const m of matrix()) {
  Deno.test(`prepared statements across schema changes [${m.name}]`, async (t) => {
    await ks.ready(m.target);
    const tag = m.name.replace(/\+/g, "_");
    const client = new Client(await optionsFor(m, { keyspace: ks.name, requestTimeout: 30_000 }));
    const log: LogEntry[] = [];
    client.on("log", (e) => log.push(e));
    try {
      await client.connect();

      await t.step("drop and recreate the table with other columns: re-prepared", async () => {
        const table = `dr_${tag}`;
        await client.execute(`CREATE TABLE ${table} (id int PRIMARY KEY, a text)`);
        await client.execute(`INSERT INTO ${table} (id, a) VALUES (?, ?)`, [1, "one"]);
        const select = `SELECT * FROM ${table} WHERE id = ?`;
        const insert = `INSERT INTO ${table} (id) VALUES (?)`;
        let rs = await client.execute(select, [1], { prepare: true });
        assertEquals(plain(rs.first()), { id: 1, a: "one" });
        await client.execute(insert, [2], { prepare: true });

        await client.execute(`DROP TABLE ${table}`);
        await client.execute(`CREATE TABLE ${table} (id int PRIMARY KEY, b int, c text)`);
        // The cached statement is gone on the server: UNPREPARED, then re-prepare.
        const before = log.length;
        const secret = `s3cret-${crypto.randomUUID()}`;
        const insertC = `INSERT INTO ${table} (id, c) VALUES (?, ?)`;
        await client.execute(insertC, [3, "c"], { prepare: true });
        await client.execute(`DROP TABLE ${table}`);
        await client.execute(`CREATE TABLE ${table} (id int PRIMARY KEY, b int, c text)`);
        await client.execute(insertC, [3, secret], { prepare: true });
        const reprepared = log.slice(before).filter((e) => e.message.startsWith("re-preparing"));
        assertEquals(reprepared.length, 1, JSON.stringify(log.slice(before)));
        assertEquals(reprepared[0].level, "info");
        assert(reprepared[0].message.endsWith(insertC), reprepared[0].message);
        assertEquals(reprepared[0].host, client.hosts[0].address);
        const text = log.map((e) => `${e.message} ${e.error?.message ?? ""}`).join("\n");
        assert(!text.includes(secret), "a bound value in the log");
        if (m.auth) assert(!text.includes(SUPERUSER.password), "the password in the log");
        await client.execute(insert, [1], { prepare: true });
        await client.execute(`UPDATE ${table} SET b = ?, c = ? WHERE id = ?`, [7, "seven", 1]);
        rs = await client.execute(select, [1], { prepare: true });
        assertEquals(plain(rs.first()), { id: 1, b: 7, c: "seven" });
        assertEquals(columnNames(rs.columns), ["b", "c", "id"]);
        // Again, now that the statement is prepared anew.
        rs = await client.execute(select, [1], { prepare: true });
        assertEquals(plain(rs.first()), { id: 1, b: 7, c: "seven" });
      });

      await t.step("drop and recreate with a column of another type, same name", async () => {
        const table = `dk_${tag}`;
        await client.execute(`CREATE TABLE ${table} (id int PRIMARY KEY, v int)`);
        await client.execute(`INSERT INTO ${table} (id, v) VALUES (?, ?)`, [1, 10]);
        const select = `SELECT v FROM ${table} WHERE id = ?`;
        assertEquals((await client.execute(select, [1])).first()?.v, 10);
        await client.execute(`DROP TABLE ${table}`);
        await client.execute(`CREATE TABLE ${table} (id int PRIMARY KEY, v text)`);
        await client.execute(`INSERT INTO ${table} (id, v) VALUES (1, 'ten')`);
        // Decoding with the old result metadata would read text bytes as an int.
        assertEquals((await client.execute(select, [1])).first()?.v, "ten");
        assertEquals((await client.execute(select, [1])).first()?.v, "ten");
      });

      await t.step("ALTER TABLE ADD: SELECT * shows the new column", async () => {
        const table = `alt_${tag}`;
        await client.execute(`CREATE TABLE ${table} (id int PRIMARY KEY, a text)`);
        await client.execute(`INSERT INTO ${table} (id, a) VALUES (?, ?)`, [1, "one"]);
        const select = `SELECT * FROM ${table} WHERE id = ?`;
        let rs = await client.execute(select, [1], { prepare: true });
        assertEquals(plain(rs.first()), { id: 1, a: "one" });
        assertEquals(columnNames(rs.columns), ["a", "id"]);

        await client.execute(`ALTER TABLE ${table} ADD b bigint`);
        await client.execute(`UPDATE ${table} SET b = ? WHERE id = ?`, [5n, 1]);
        rs = await client.execute(select, [1], { prepare: true });
        assertEquals(plain(rs.first()), { id: 1, a: "one", b: 5n }, "after ADD b");
        assertEquals(columnNames(rs.columns), ["a", "b", "id"]);

        await client.execute(`ALTER TABLE ${table} ADD c0 list<text>`);
        await client.execute(`UPDATE ${table} SET c0 = ? WHERE id = ?`, [["x"], 1]);
        rs = await client.execute(select, [1], { prepare: true });
        assertEquals(plain(rs.first()), { id: 1, a: "one", b: 5n, c0: ["x"] }, "after ADD c0");
        // And a second execution, with whatever the driver cached from the first.
        rs = await client.execute(select, [1], { prepare: true });
        assertEquals(plain(rs.first()), { id: 1, a: "one", b: 5n, c0: ["x"] }, "second run");

        await client.execute(`ALTER TABLE ${table} DROP a`);
        rs = await client.execute(select, [1], { prepare: true });
        assertEquals(plain(rs.first()), { id: 1, b: 5n, c0: ["x"] }, "after DROP a");
      });

      await t.step("ALTER TABLE ADD seen through paging (for await over pages)", async () => {
        const table = `altp_${tag}`;
        await client.execute(`CREATE TABLE ${table} (p int, c int, PRIMARY KEY (p, c))`);
        for (let c = 0; c < 10; c++) {
          await client.execute(`INSERT INTO ${table} (p, c) VALUES (?, ?)`, [0, c]);
        }
        const select = `SELECT * FROM ${table} WHERE p = ?`;
        await client.execute(select, [0], { pageSize: 3 });
        await client.execute(`ALTER TABLE ${table} ADD v text`);
        await client.execute(`UPDATE ${table} SET v = 'x' WHERE p = 0 AND c = 9`);
        const rows: Record<string, unknown>[] = [];
        for await (const r of client.stream(select, [0], { pageSize: 3 })) rows.push(plain(r));
        assertEquals(rows.length, 10);
        assertEquals(rows[9], { p: 0, c: 9, v: "x" });
        assertEquals(rows[0], { p: 0, c: 0, v: null });
      });

      await t.step("100 concurrent first executions of one statement all succeed", async () => {
        const table = `cc_${tag}`;
        await client.execute(`CREATE TABLE ${table} (id int PRIMARY KEY, v text)`);
        await Promise.all(
          Array.from(
            { length: 100 },
            (_, i) => client.execute(`INSERT INTO ${table} (id, v) VALUES (${i}, 'v${i}')`),
          ),
        );
        // A query string no one has prepared yet, on a fresh client (empty cache).
        const fresh = new Client(await optionsFor(m, { keyspace: ks.name }));
        try {
          const q = `SELECT id, v FROM ${table} WHERE id = ? /* ${crypto.randomUUID()} */`;
          const results = await Promise.allSettled(
            Array.from({ length: 100 }, (_, i) => fresh.execute(q, [i], { prepare: true })),
          );
          const bad = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
          assertEquals(bad.length, 0, `failures: ${bad.slice(0, 3).map((b) => b.reason)}`);
          results.forEach((r, i) => {
            const row = (r as PromiseFulfilledResult<{ first(): unknown }>).value.first();
            assertEquals(plain(row as object), { id: i, v: `v${i}` });
          });
        } finally {
          await fresh.close();
        }
      });

      await t.step(
        "a statement prepared in one keyspace is not confused with another",
        async () => {
          // Same query text, two keyspaces (v5 can also name the keyspace per request).
          const table = `ksx_${tag}`;
          await client.execute(`CREATE TABLE ${table} (id int PRIMARY KEY, v text)`);
          await client.execute(`INSERT INTO ${table} (id, v) VALUES (1, 'ks')`);
          const rs = await client.execute(`SELECT v FROM ${ks.name}.${table} WHERE id = ?`, [1]);
          assertEquals(rs.first()?.v, "ks");
          assert(rs.columns.length === 1, "one column");
        },
      );
    } finally {
      await client.close();
    }
  });
}

Deno.test("prepared: drop keyspace", async () => {
  await ks.drop();
});
