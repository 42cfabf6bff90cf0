/**
 * Errors through the public Client: server errors as ResponseError subclasses with their
 * fields, authentication failures, unreachable nodes, use after close, and no unhandled
 * rejections along the way.
 */
import {
  AlreadyExistsError,
  AuthenticationError,
  Client,
  Consistency,
  CqlSyntaxError,
  InvalidQueryError,
  NoHostAvailableError,
  ResponseError,
  UnavailableError,
} from "../../mod.ts";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import {
  authContact,
  defaultOptions,
  Keyspace,
  mainContact,
  matrix,
  optionsFor,
  sleep,
  withClient,
} from "./helpers.ts";

const ks = new Keyspace("errors", (k) => [`CREATE TABLE ${k}.t (id int PRIMARY KEY, v text)`]);

for (const m of matrix()) {
  Deno.test(`errors: server errors [${m.name}]`, async (t) => {
    await ks.ready(m.target);
    await withClient(await optionsFor(m), async (client) => {
      await t.step("syntax error → CqlSyntaxError with the server's message", async () => {
        const e = await assertRejects(
          () => client.execute("SELEC * FROM system.local"),
          CqlSyntaxError,
        );
        assert(e instanceof ResponseError, "a ResponseError");
        assert(/SELEC/.test(e.message), `server message: ${e.message}`);
        assertEquals(e.code, 0x2000);
        // Prepared: the PREPARE itself fails.
        await assertRejects(
          () => client.execute("SELEC * FROM system.local WHERE key = ?", ["local"]),
          CqlSyntaxError,
        );
      });

      await t.step("unknown keyspace / table → InvalidQueryError", async () => {
        const e = await assertRejects(
          () => client.execute("SELECT * FROM no_such_keyspace_xyz.t"),
          InvalidQueryError,
        );
        assert(/no_such_keyspace_xyz/.test(e.message), `message: ${e.message}`);
        await assertRejects(
          () => client.execute(`SELECT * FROM ${ks.name}.no_such_table WHERE id = ?`, [1]),
          InvalidQueryError,
        );
      });

      await t.step("CREATE of an existing table → AlreadyExistsError", async () => {
        await assertRejects(
          () => client.execute(`CREATE TABLE ${ks.name}.t (id int PRIMARY KEY)`),
          AlreadyExistsError,
        );
      });

      await t.step("a bad bound value → TypeError, and the client carries on", async () => {
        await assertRejects(
          () => client.execute(`INSERT INTO ${ks.name}.t (id, v) VALUES (?, ?)`, ["x", 1]),
          TypeError,
        );
        await assertRejects(
          () => client.execute(`INSERT INTO ${ks.name}.t (id, v) VALUES (?, ?)`, [1]),
          Error,
        );
        // The statement is prepared by now (the synchronous fast path): still a rejection.
        let pending: Promise<unknown> | undefined;
        try {
          pending = client.execute(`INSERT INTO ${ks.name}.t (id, v) VALUES (?, ?)`, ["y", 2]);
        } catch (e) {
          throw new Error(`execute threw synchronously: ${e}`);
        }
        await assertRejects(() => pending!, TypeError);
        const rs = await client.execute("SELECT release_version FROM system.local");
        assertEquals(rs.rows.length, 1);
      });
    });
  });
}

Deno.test("errors: Unavailable (RF 3 on one node, QUORUM write)", async () => {
  await withClient(await defaultOptions("main", { requestTimeout: 30_000 }), async (client) => {
    const name = `${ks.name}_rf3`.slice(0, 48);
    await client.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${name} WITH replication = ` +
        `{'class': 'SimpleStrategy', 'replication_factor': 3}`,
    );
    try {
      await client.execute(`CREATE TABLE IF NOT EXISTS ${name}.t (id int PRIMARY KEY, v text)`);
      const e = await assertRejects(
        () =>
          client.execute(`INSERT INTO ${name}.t (id, v) VALUES (?, ?)`, [1, "x"], {
            consistency: "QUORUM",
          }),
        UnavailableError,
      );
      assertEquals(e.consistency, "QUORUM");
      assertEquals(e.required, 2);
      assertEquals(e.alive, 1);
      assert(e instanceof ResponseError, "a ResponseError");
      // The numeric form of the level, unprepared.
      const e2 = await assertRejects(
        () =>
          client.execute(`INSERT INTO ${name}.t (id, v) VALUES (1, 'x')`, [], {
            consistency: Consistency.ALL,
          }),
        UnavailableError,
      );
      assertEquals([e2.consistency, e2.required, e2.alive], ["ALL", 3, 1]);
      // ONE works.
      await client.execute(`INSERT INTO ${name}.t (id, v) VALUES (?, ?)`, [1, "x"], {
        consistency: "ONE",
      });
    } finally {
      await client.execute(`DROP KEYSPACE IF EXISTS ${name}`);
    }
  });
});

Deno.test("errors: bad credentials on the auth cluster → AuthenticationError", async (t) => {
  const contact = await authContact();
  const user = `u_${Date.now().toString(36)}`;
  await withClient(await defaultOptions("auth"), async (admin) => {
    await admin.execute(`CREATE ROLE ${user} WITH PASSWORD = 'right' AND LOGIN = true`);
    try {
      const secret = `pw-${crypto.randomUUID()}`;
      for (const v of [5, 4] as const) {
        await t.step(`v${v}: bad password: connect() rejects`, async () => {
          const client = new Client({
            contactPoints: [contact],
            credentials: { username: user, password: secret },
            protocolVersion: v,
          });
          try {
            const e = await assertRejects(() => client.connect(), AuthenticationError);
            assert(e instanceof ResponseError, "a ResponseError");
            // The error may be logged: it must not carry the password, even in its causes.
            let text = "";
            for (let x: unknown = e; x instanceof Error; x = x.cause) text += `${x.stack}\n`;
            assert(!text.includes(secret), `the password is in the error: ${text}`);
            // Requests fail the same way rather than hanging.
            await assertRejects(
              () => client.execute("SELECT release_version FROM system.local"),
              Error,
            );
          } finally {
            await client.close();
          }
        });
      }

      await t.step("unknown user → AuthenticationError", async () => {
        const client = new Client({
          contactPoints: [contact],
          credentials: { username: `${user}_nobody`, password: "x" },
        });
        try {
          await assertRejects(() => client.connect(), AuthenticationError);
        } finally {
          await client.close();
        }
      });

      await t.step(
        "the right password connects (credentials and PlainTextAuthProvider)",
        async () => {
          await withClient(
            { contactPoints: [contact], credentials: { username: user, password: "right" } },
            async (c) => {
              const rs = await c.execute("SELECT release_version FROM system.local");
              assertEquals(rs.rows.length, 1);
            },
          );
          const { PlainTextAuthProvider } = await import("../../mod.ts");
          await withClient(
            {
              contactPoints: [contact],
              authProvider: new PlainTextAuthProvider(user, "right"),
              compression: "lz4",
            },
            async (c) => {
              const rs = await c.execute("SELECT release_version FROM system.local");
              assertEquals(rs.rows.length, 1);
            },
          );
        },
      );

      await t.step("no credentials against an auth cluster → a clear error", async () => {
        const client = new Client({ contactPoints: [contact] });
        try {
          const e = await assertRejects(() => client.connect(), Error);
          assert(/auth|credential/i.test(`${e.name} ${e.message}`), `${e.name}: ${e.message}`);
        } finally {
          await client.close();
        }
      });
    } finally {
      await admin.execute(`DROP ROLE IF EXISTS ${user}`);
    }
  });
});

Deno.test("errors: nothing listens → NoHostAvailableError with the address", async () => {
  const client = new Client({ contactPoints: ["127.0.0.1:1"], connectTimeout: 2000 });
  try {
    const e = await assertRejects(() => client.connect(), NoHostAvailableError);
    assert(e.errors instanceof Map, "errors is a Map");
    assert(e.errors.has("127.0.0.1:1"), `errors keys: ${[...e.errors.keys()]}`);
    assert(e.errors.get("127.0.0.1:1") instanceof Error, "an Error per address");
    // A request on the never-connected client fails the same way.
    await assertRejects(
      () => client.execute("SELECT release_version FROM system.local"),
      NoHostAvailableError,
    );
  } finally {
    await client.close();
  }
});

Deno.test("errors: one dead and one live contact point: the live one serves", async () => {
  const live = await mainContact();
  await withClient({ contactPoints: ["127.0.0.1:1", live], connectTimeout: 2000 }, async (c) => {
    const rs = await c.execute("SELECT release_version FROM system.local");
    assertEquals(rs.rows.length, 1);
  });
});

Deno.test("errors: requests after close() reject; close() is idempotent", async () => {
  const client = new Client(await defaultOptions());
  await client.connect();
  await client.execute("SELECT release_version FROM system.local");
  await client.close();
  await assertRejects(() => client.execute("SELECT release_version FROM system.local"), Error);
  await assertRejects(
    () => client.execute("SELECT release_version FROM system.local WHERE key = ?", ["local"]),
    Error,
  );
  await assertRejects(async () => {
    for await (const _ of client.stream("SELECT * FROM system.local")) { /* nothing */ }
  }, Error);
  await assertRejects(() => client.batch([`INSERT INTO ${ks.name}.t (id) VALUES (1)`]), Error);
  await client.close();
  // A client closed before it ever connected.
  const never = new Client(await defaultOptions());
  await never.close();
  await assertRejects(() => never.execute("SELECT release_version FROM system.local"), Error);
  await assertRejects(() => never.connect(), Error);
});

Deno.test("errors: close() with requests in flight settles them all", async () => {
  await ks.ready("main");
  const client = new Client(await defaultOptions());
  await client.connect();
  const ps = Array.from(
    { length: 200 },
    (_, i) => client.execute(`INSERT INTO ${ks.name}.t (id, v) VALUES (?, ?)`, [i, `v${i}`]),
  );
  await sleep(1);
  const t0 = performance.now();
  await client.close();
  const results = await Promise.allSettled(ps);
  const ms = performance.now() - t0;
  assert(ms < 5000, `settled in ${Math.round(ms)} ms`);
  for (const r of results) {
    if (r.status === "rejected") assert(r.reason instanceof Error, `an Error: ${r.reason}`);
  }
});

Deno.test("errors: requests issued before close() still prepare and run; none is left unhandled", async () => {
  await ks.ready("main");
  let unhandled = 0;
  const onUnhandled = (e: PromiseRejectionEvent) => {
    unhandled++;
    e.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  try {
    for (let round = 0; round < 3; round++) {
      const client = new Client(await defaultOptions());
      await client.connect();
      // A statement this client never prepared: every request must PREPARE before it EXECUTEs,
      // and close() comes while they do (the schema is loading in the background meanwhile).
      const ps = Array.from(
        { length: 100 },
        (_, i) =>
          client.execute(`INSERT INTO ${ks.name}.t (id, v) VALUES (?, ?)`, [i, `r${round}`]),
      );
      await sleep(1);
      await client.close();
      const results = await Promise.allSettled(ps);
      assertEquals(results.filter((r) => r.status === "rejected").length, 0);
    }
    await sleep(100);
    assertEquals(unhandled, 0);
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
});

Deno.test("errors: no unhandled rejections across failures", async () => {
  let unhandled = 0;
  const reasons: unknown[] = [];
  const onUnhandled = (e: PromiseRejectionEvent) => {
    unhandled++;
    reasons.push(e.reason);
    e.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  try {
    await ks.ready("main");
    // Server errors, bad values, aborts, timeouts and close with requests in flight.
    const client = new Client(await defaultOptions("main", { keyspace: ks.name }));
    const attempts: Promise<unknown>[] = [
      client.execute("SELEC 1"),
      client.execute("SELECT * FROM nope.nope"),
      client.execute("SELECT * FROM t WHERE id = ?", ["not an int"]),
      client.execute("SELECT * FROM t WHERE id = ?", [1], { signal: AbortSignal.abort() }),
      client.execute("SELECT * FROM t WHERE id = ?", [1], { timeout: 1 }),
      client.batch(["INSERT INTO t (id) VALUES (1)", "SELEC"]),
    ];
    for (let i = 0; i < 50; i++) attempts.push(client.execute("SELECT * FROM t WHERE id = ?", [i]));
    const results = await Promise.allSettled(attempts);
    assertEquals(results.slice(0, 4).map((r) => r.status), [
      "rejected",
      "rejected",
      "rejected",
      "rejected",
    ]);
    const inflight = Array.from(
      { length: 50 },
      (_, i) => client.execute("SELECT * FROM t WHERE id = ?", [i]),
    );
    await client.close();
    await Promise.allSettled(inflight);

    // Failed connects, awaited and not.
    const dead = new Client({ contactPoints: ["127.0.0.1:1"], connectTimeout: 1000 });
    await Promise.allSettled([dead.connect(), dead.execute("SELECT 1 FROM system.local")]);
    await dead.close();
    const auth = new Client({
      contactPoints: [await authContact()],
      credentials: { username: "cassandra", password: "wrong" },
    });
    await Promise.allSettled([auth.connect(), auth.execute("SELECT 1 FROM system.local")]);
    await auth.close();

    // A client whose connect() is never awaited by anyone, then closed.
    const idle = new Client({ contactPoints: ["127.0.0.1:1"], connectTimeout: 500 });
    void idle.execute("SELECT 1 FROM system.local").catch(() => {});
    await sleep(700);
    await idle.close();

    await sleep(300); // let any stray rejection surface
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
  assertEquals(unhandled, 0, `unhandled rejections: ${reasons.map(String).join("; ")}`);
});

Deno.test("errors: drop keyspace", async () => {
  await ks.drop();
});
