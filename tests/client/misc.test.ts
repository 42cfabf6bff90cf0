/**
 * Execute options and result-set features through the public Client: named parameters,
 * `first()`/`columns`, tracing, warnings, the per-request keyspace (v5), write timestamps,
 * consistency levels, LWT with serial consistency, protocol version negotiation.
 */
import {
  Client,
  Consistency,
  InvalidQueryError,
  type ResultSet,
  UnavailableError,
} from "../../mod.ts";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import {
  defaultOptions,
  Keyspace,
  mainContact,
  matrix,
  optionsFor,
  plain,
  sleep,
  withClient,
} from "./helpers.ts";

const ks = new Keyspace("misc", (k) => [
  `CREATE TABLE ${k}.users (id int PRIMARY KEY, name text, email text, age int)`,
  `CREATE TABLE ${k}.events (p text, c int, v text, PRIMARY KEY (p, c))`,
]);

interface User {
  id: number;
  name: string | null;
  email: string | null;
  age: number | null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function kindOf(type: unknown): string {
  if (typeof type === "string") return type;
  return String((type as { kind?: string })?.kind);
}

for (const m of matrix()) {
  Deno.test(`misc [${m.name}]`, async (t) => {
    await ks.ready(m.target);
    const tag = m.name.replace(/\+/g, "_");
    const base = 1000 * (matrix().findIndex((x) => x.name === m.name) + 1);
    const client = new Client(await optionsFor(m, { keyspace: ks.name }));
    try {
      await client.connect();
      assertEquals(client.protocolVersion, m.protocolVersion, "negotiated protocol version");

      await t.step("named parameters, prepared and unprepared", async () => {
        const id = base + 1;
        await client.execute(
          "INSERT INTO users (id, name, email, age) VALUES (:id, :name, :email, :age)",
          { age: 33, email: "ann@example.com", name: "Ann", id },
          { prepare: true },
        );
        let rs = await client.execute<User>("SELECT * FROM users WHERE id = :id", { id });
        assertEquals(plain(rs.first()), { id, name: "Ann", email: "ann@example.com", age: 33 });
        // Unprepared named values (QUERY with names); text only, as numbers infer to double.
        await client.execute(
          `UPDATE users SET name = :n, email = :e WHERE id = ${id}`,
          { e: "bob@example.com", n: "Bob" },
          { prepare: false },
        );
        rs = await client.execute<User>("SELECT * FROM users WHERE id = ?", [id]);
        assertEquals(rs.first()?.name, "Bob");
        assertEquals(rs.first()?.email, "bob@example.com");
        // A missing named value is an error, not a silent null.
        await assertRejects(
          () =>
            client.execute("INSERT INTO users (id, name) VALUES (:id, :name)", { id }, {
              prepare: true,
            }),
          Error,
        );
      });

      await t.step("rs.first(), rs.rows, rs.columns", async () => {
        const id = base + 2;
        await client.execute("INSERT INTO users (id, name, age) VALUES (?, ?, ?)", [id, "Cy", 7]);
        const rs: ResultSet<User> = await client.execute<User>(
          "SELECT id, name, age FROM users WHERE id = ?",
          [id],
        );
        assertEquals(rs.rows.length, 1);
        const u = rs.first();
        assert(u !== null, "a row");
        assertEquals([u.id, u.name, u.age], [id, "Cy", 7]);
        assertEquals(rs.columns.map((c) => c.name), ["id", "name", "age"]);
        const kinds = rs.columns.map((c) => kindOf(c.type));
        assert(
          kinds[0] === "int" && ["varchar", "text"].includes(kinds[1]) && kinds[2] === "int",
          `column types ${kinds}`,
        );
        for (const c of rs.columns) {
          assertEquals(c.keyspace, ks.name);
          assertEquals(c.table, "users");
        }
        assertEquals(rs.pagingState, null);
        assertEquals(rs.warnings, []);
        assertEquals(rs.tracingId, null);
        const empty = await client.execute("SELECT * FROM users WHERE id = ?", [-1]);
        assertEquals(empty.first(), null);
        assertEquals(empty.rows, []);
        assert(empty.columns.length === 4, "columns of an empty result");
        // A write has no rows.
        const w = await client.execute("INSERT INTO users (id) VALUES (?)", [base + 3]);
        assertEquals(w.rows, []);
        assertEquals(w.first(), null);
      });

      await t.step("tracing: true gives a tracingId", async () => {
        const rs = await client.execute("SELECT * FROM users WHERE id = ?", [base + 1], {
          tracing: true,
        });
        assert(typeof rs.tracingId === "string", `tracingId ${rs.tracingId}`);
        assert(UUID_RE.test(rs.tracingId!), `tracingId format ${rs.tracingId}`);
        const un = await client.execute(`SELECT * FROM users WHERE id = ${base + 1}`, [], {
          tracing: true,
        });
        assert(un.tracingId !== null && UUID_RE.test(un.tracingId), "unprepared tracingId");
        // The session shows up in system_traces (written asynchronously).
        let found = false;
        for (let i = 0; i < 30 && !found; i++) {
          const s = await client.execute(
            "SELECT session_id FROM system_traces.sessions WHERE session_id = ?",
            [rs.tracingId],
          );
          found = s.rows.length === 1;
          if (!found) await sleep(100);
        }
        assert(found, "trace session recorded");
      });

      await t.step("warnings: aggregate without partition key", async () => {
        const rs = await client.execute("SELECT COUNT(*) AS n FROM users");
        assert(typeof rs.first()?.n === "bigint", "count is a bigint");
        assert(
          rs.warnings.some((w) => /aggregat/i.test(w)),
          `warnings: ${JSON.stringify(rs.warnings)}`,
        );
      });

      await t.step("warnings: batch over the 5 KiB warn threshold", async () => {
        const big = "x".repeat(700);
        const rs = await client.batch(
          Array.from({ length: 10 }, (_, i) => ({
            query: "INSERT INTO events (p, c, v) VALUES (?, ?, ?)",
            params: [`${tag}:w${i}`, i, big],
          })),
          { type: "logged" },
        );
        assert(
          rs.warnings.some((w) => /batch/i.test(w) && /threshold|size/i.test(w)),
          `warnings: ${JSON.stringify(rs.warnings)}`,
        );
      });

      await t.step("timestamp option sets WRITETIME (prepared and unprepared)", async () => {
        const id = base + 4;
        const ts = 1_500_000_000_123_456n;
        await client.execute("INSERT INTO users (id, name) VALUES (?, ?)", [id, "T"], {
          timestamp: ts,
        });
        let rs = await client.execute("SELECT WRITETIME(name) AS w FROM users WHERE id = ?", [id]);
        assertEquals(rs.first()?.w, ts);
        await client.execute(`UPDATE users SET email = 'e' WHERE id = ${id}`, [], {
          timestamp: ts + 1n,
          prepare: false,
        });
        rs = await client.execute("SELECT WRITETIME(email) AS w FROM users WHERE id = ?", [id]);
        assertEquals(rs.first()?.w, ts + 1n);
        // An older timestamp loses against the newer write.
        await client.execute("UPDATE users SET name = ? WHERE id = ?", ["old", id], {
          timestamp: ts - 1n,
        });
        rs = await client.execute("SELECT name FROM users WHERE id = ?", [id]);
        assertEquals(rs.first()?.name, "T");
      });

      await t.step("consistency is sent: THREE on one node is Unavailable", async () => {
        const e = await assertRejects(
          () =>
            client.execute("INSERT INTO users (id) VALUES (?)", [base + 5], {
              consistency: "THREE",
            }),
          UnavailableError,
        );
        assertEquals(e.consistency, "THREE");
        const ok = await client.execute("SELECT * FROM users WHERE id = ?", [base + 1], {
          consistency: Consistency.ALL,
        });
        assertEquals(ok.rows.length, 1);
        await client.execute("SELECT * FROM users WHERE id = ?", [base + 1], {
          consistency: "LOCAL_QUORUM",
        });
      });

      await t.step("LWT: IF NOT EXISTS with LOCAL_SERIAL", async () => {
        const id = base + 6;
        const q = "INSERT INTO users (id, name) VALUES (?, ?) IF NOT EXISTS";
        const first = await client.execute(q, [id, "first"], {
          serialConsistency: "LOCAL_SERIAL",
          consistency: "LOCAL_QUORUM",
        });
        assert(first.wasApplied(), "first insert applied");
        assertEquals(first.first()?.["[applied]"], true);
        const second = await client.execute(q, [id, "second"], {
          serialConsistency: "LOCAL_SERIAL",
        });
        assert(!second.wasApplied(), "second insert not applied");
        assertEquals(second.first()?.name, "first", "the existing row comes back");
        // Serial consistency is sent: a non-serial level is refused.
        await assertRejects(
          () =>
            client.execute(q, [id, "third"], {
              serialConsistency: "ONE",
            }),
          InvalidQueryError,
        );
        // SERIAL read.
        const read = await client.execute("SELECT name FROM users WHERE id = ?", [id], {
          consistency: "LOCAL_SERIAL",
        });
        assertEquals(read.first()?.name, "first");
      });

      await t.step("pageSize from execute and pagingState on a ResultSet", async () => {
        const p = `${tag}:page`;
        await client.batch(
          Array.from({ length: 25 }, (_, c) => ({
            query: "INSERT INTO events (p, c, v) VALUES (?, ?, ?)",
            params: [p, c, `${c}`],
          })),
          { type: "unlogged" },
        );
        const rs = await client.execute("SELECT c FROM events WHERE p = ?", [p], { pageSize: 10 });
        assertEquals(rs.rows.map((r) => r.c), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert(rs.pagingState instanceof Uint8Array, "pagingState");
        const all: unknown[] = [];
        for await (const r of rs) all.push(r.c);
        assertEquals(all.length, 25);
      });

      await t.step("customPayload and idempotent are accepted", async () => {
        const rs = await client.execute("SELECT * FROM users WHERE id = ?", [base + 1], {
          customPayload: { "test-key": new Uint8Array([1, 2, 3]) },
          idempotent: true,
        });
        assertEquals(rs.rows.length, 1);
      });

      if (m.protocolVersion === 5) {
        await t.step("v5: the keyspace option, prepared and unprepared", async () => {
          const other = new Client(await optionsFor(m)); // no keyspace
          try {
            const id = base + 1;
            let rs = await other.execute("SELECT name FROM users WHERE id = ?", [id], {
              keyspace: ks.name,
            });
            assertEquals(rs.rows.length, 1);
            rs = await other.execute(`SELECT name FROM users WHERE id = ${id}`, [], {
              keyspace: ks.name,
              prepare: false,
            });
            assertEquals(rs.rows.length, 1);
            await other.batch([
              { query: "INSERT INTO users (id, name) VALUES (?, ?)", params: [base + 7, "ksb"] },
            ], { keyspace: ks.name });
            rs = await other.execute("SELECT name FROM users WHERE id = ?", [base + 7], {
              keyspace: ks.name,
            });
            assertEquals(rs.first()?.name, "ksb");
            // Without it, the table is unknown.
            await assertRejects(
              () => other.execute("SELECT name FROM users WHERE id = ?", [id]),
              InvalidQueryError,
            );
          } finally {
            await other.close();
          }
        });
      }
    } finally {
      await client.close();
    }
  });
}

Deno.test("misc: protocol version negotiation", async (t) => {
  for (const target of ["main", "auth"] as const) {
    await t.step(`[${target}] default: 5 against Cassandra 5`, async () => {
      await withClient(await defaultOptions(target), async (c) => {
        assertEquals(c.protocolVersion, 5);
        await c.execute("SELECT release_version FROM system.local");
      });
    });
    await t.step(`[${target}] protocolVersion: 4 forced`, async () => {
      await withClient(await defaultOptions(target, { protocolVersion: 4 }), async (c) => {
        assertEquals(c.protocolVersion, 4);
        const rs = await c.execute("SELECT release_version FROM system.local WHERE key = ?", [
          "local",
        ]);
        assert(String(rs.first()?.release_version).startsWith("5."), "Cassandra 5");
      });
    });
  }
  await t.step("the first request connects (no connect() call)", async () => {
    const c = new Client({ contactPoints: [await mainContact()] });
    try {
      const rs = await c.execute("SELECT release_version FROM system.local");
      assertEquals(rs.rows.length, 1);
      assertEquals(c.protocolVersion, 5);
    } finally {
      await c.close();
    }
  });
  await t.step("contact point without port; localDataCenter omitted", async () => {
    const host = (await mainContact()).split(":")[0];
    await withClient({ contactPoints: [host] }, async (c) => {
      assertEquals((await c.execute("SELECT key FROM system.local")).rows.length, 1);
    });
  });
  await t.step("a host name contact point is resolved; only addresses of nodes stay", async () => {
    const [host, port] = (await mainContact()).split(":");
    if (host !== "127.0.0.1") return; // CQL_TEST_HOST elsewhere: localhost is not that node
    await withClient({ contactPoints: [`localhost:${port}`] }, async (c) => {
      const rs = await c.execute("SELECT key FROM system.local");
      assertEquals(rs.info.queriedHost, `127.0.0.1:${port}`);
      assertEquals(c.hosts.map((h) => h.address), [`127.0.0.1:${port}`]);
    });
  });
});

Deno.test("misc: client-level defaults (consistency, pageSize, keyspace)", async () => {
  await ks.ready("main");
  await withClient(
    await defaultOptions("main", { consistency: "THREE", pageSize: 3, keyspace: ks.name }),
    async (c) => {
      await assertRejects(
        () => c.execute("INSERT INTO users (id) VALUES (?)", [99]),
        UnavailableError,
      );
      await c.execute("INSERT INTO users (id) VALUES (?)", [99], { consistency: "ONE" });
      const p = "defaults";
      for (let i = 0; i < 5; i++) {
        await c.execute("INSERT INTO events (p, c) VALUES (?, ?)", [p, i], { consistency: "ONE" });
      }
      const rs = await c.execute("SELECT c FROM events WHERE p = ?", [p], { consistency: "ONE" });
      assertEquals(rs.rows.length, 3, "client pageSize");
      assert(rs.pagingState !== null, "more pages");
      assertEquals(c.keyspace, ks.name);
    },
  );
});

Deno.test("misc: drop keyspace", async () => {
  await ks.drop();
});
