/**
 * Paging through the public Client: `stream`, `pages`, `for await` over a ResultSet, resuming
 * from a paging state, stopping early, and memory staying flat while streaming.
 */
import type { Client } from "../../mod.ts";
import { assert, assertEquals } from "../support/assert.ts";
import {
  defaultOptions,
  Keyspace,
  mainContact,
  matrix,
  optionsFor,
  sleep,
  type Target,
  withClient,
} from "./helpers.ts";

const BIG = 100_000; // rows in partition 0 (main node only)
const SMALL = 5_000; // rows in partition 1 (main and auth nodes)
const PAD = "x".repeat(200);

const ks = new Keyspace("paging", (k) => [
  `CREATE TABLE ${k}.rows (p int, c int, v text, PRIMARY KEY (p, c))`,
]);

/** Inserts rows c = 0..n-1 into partition p: unlogged batches of 50, 200 batches in flight. */
async function fill(client: Client, p: number, n: number): Promise<void> {
  const insert = `INSERT INTO ${ks.name}.rows (p, c, v) VALUES (?, ?, ?)`;
  const perBatch = 50;
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const from = next;
      next = Math.min(n, next + perBatch);
      const stmts = [];
      for (let c = from; c < next; c++) stmts.push({ query: insert, params: [p, c, `${c}${PAD}`] });
      await client.batch(stmts, { type: "unlogged", prepare: true });
    }
  };
  await Promise.all(Array.from({ length: 200 }, worker));
}

const seeded = new Map<Target, Promise<void>>();
function seed(target: Target): Promise<void> {
  let p = seeded.get(target);
  if (!p) {
    p = (async () => {
      await ks.ready(target);
      await withClient(await defaultOptions(target, { requestTimeout: 60_000 }), async (c) => {
        if (target === "main") await fill(c, 0, BIG);
        await fill(c, 1, SMALL);
        const n = await c.execute(`SELECT COUNT(*) AS n FROM ${ks.name}.rows WHERE p = 1`);
        assertEquals(n.first()?.n, BigInt(SMALL), "seeded rows");
      });
    })();
    seeded.set(target, p);
  }
  return p;
}

const SELECT = () => `SELECT p, c, v FROM ${ks.name}.rows WHERE p = ?`;

Deno.test("paging: seed 100k rows", async () => {
  const t0 = performance.now();
  await seed("main");
  console.log(`  inserted ${BIG + SMALL} rows in ${Math.round(performance.now() - t0)} ms`);
});

for (const cfg of [matrix()[0], matrix().find((m) => m.name === "v4+lz4")!]) {
  Deno.test(`paging: stream 100k rows with pageSize 1000, in order [${cfg.name}]`, async () => {
    await seed("main");
    await withClient(await optionsFor(cfg), async (client) => {
      let expected = 0;
      const t0 = performance.now();
      for await (
        const row of client.stream<{ p: number; c: number; v: string }>(SELECT(), [0], {
          pageSize: 1000,
        })
      ) {
        if (row.c !== expected) {
          throw new Error(`row ${expected}: got c = ${row.c}`);
        }
        if (row.v !== `${expected}${PAD}`) throw new Error(`row ${expected}: bad v`);
        expected++;
      }
      assertEquals(expected, BIG, "row count");
      console.log(`  streamed ${BIG} rows in ${Math.round(performance.now() - t0)} ms`);
    });
  });
}

Deno.test("paging: for await over a ResultSet follows all pages", async () => {
  await seed("main");
  await withClient(await defaultOptions(), async (client) => {
    const rs = await client.execute<{ c: number }>(SELECT(), [0], { pageSize: 1000 });
    assertEquals(rs.rows.length, 1000, "first page size");
    assert(rs.pagingState instanceof Uint8Array, "first page has a paging state");
    let expected = 0;
    for await (const row of rs) {
      if (row.c !== expected) throw new Error(`row ${expected}: got c = ${row.c}`);
      expected++;
    }
    assertEquals(expected, BIG);
  });
});

for (const m of matrix()) {
  Deno.test(`paging: pages(), pagingState and resuming [${m.name}]`, async (t) => {
    await seed(m.target);
    await withClient(await optionsFor(m), async (client) => {
      await t.step("pages() yields every page with its paging state", async () => {
        const sizes: number[] = [];
        let expected = 0;
        let lastState: Uint8Array | null = new Uint8Array(0);
        for await (const page of client.pages<{ c: number }>(SELECT(), [1], { pageSize: 700 })) {
          sizes.push(page.rows.length);
          for (const r of page.rows) {
            if (r.c !== expected) throw new Error(`row ${expected}: got c = ${r.c}`);
            expected++;
          }
          if (expected < SMALL) {
            assert(page.pagingState instanceof Uint8Array, `page ${sizes.length} paging state`);
          }
          lastState = page.pagingState;
        }
        assertEquals(expected, SMALL, "row count");
        assertEquals(lastState, null, "last page has no paging state");
        assertEquals(sizes.slice(0, 7), [700, 700, 700, 700, 700, 700, 700], "page sizes");
      });

      await t.step("resuming with pagingState continues exactly where it stopped", async () => {
        let state: Uint8Array | null = null;
        let seen = 0;
        let pagesSeen = 0;
        for await (const page of client.pages<{ c: number }>(SELECT(), [1], { pageSize: 700 })) {
          seen += page.rows.length;
          state = page.pagingState;
          if (++pagesSeen === 3) break;
        }
        assert(state !== null, "a paging state after 3 pages");
        const lastSeen = seen - 1;

        // execute() with the state gives the next page.
        const next = await client.execute<{ c: number }>(SELECT(), [1], {
          pageSize: 700,
          pagingState: state,
        });
        assertEquals(next.rows[0]?.c, lastSeen + 1, "execute resumes at the next row");
        assertEquals(next.rows.length, 700);

        // stream() with the state gives all remaining rows.
        let expected = lastSeen + 1;
        for await (
          const row of client.stream<{ c: number }>(SELECT(), [1], {
            pageSize: 700,
            pagingState: state,
          })
        ) {
          if (row.c !== expected) throw new Error(`row ${expected}: got c = ${row.c}`);
          expected++;
        }
        assertEquals(expected, SMALL, "stream resumed to the end");

        // pages() with the state, too.
        let first: number | undefined;
        let count = 0;
        for await (
          const page of client.pages<{ c: number }>(SELECT(), [1], {
            pageSize: 700,
            pagingState: state,
          })
        ) {
          first ??= page.rows[0]?.c;
          count += page.rows.length;
        }
        assertEquals(first, lastSeen + 1, "pages resumed at the next row");
        assertEquals(count, SMALL - seen, "pages resumed to the end");
      });

      await t.step("unprepared paging works too", async () => {
        let expected = 0;
        for await (
          const row of client.stream<{ c: number }>(
            `SELECT c FROM ${ks.name}.rows WHERE p = 1`,
            [],
            { pageSize: 999, prepare: false },
          )
        ) {
          if (row.c !== expected) throw new Error(`row ${expected}: got c = ${row.c}`);
          expected++;
        }
        assertEquals(expected, SMALL);
      });
    });
  });
}

/**
 * Counts the requests a role's connections have sent, from the server's own bookkeeping
 * (system_views.clients.request_count), on the auth cluster.
 */
async function requestCount(admin: Client, username: string): Promise<number> {
  const rs = await admin.execute<{ username: string | null; request_count: bigint | null }>(
    "SELECT username, request_count FROM system_views.clients",
  );
  let n = 0;
  for (const r of rs.rows) if (r.username === username) n += Number(r.request_count ?? 0n);
  return n;
}

Deno.test("paging: breaking out of a loop stops fetching pages", async (t) => {
  await seed("auth");
  const user = `pager_${Date.now().toString(36)}`;
  await withClient(await defaultOptions("auth"), async (admin) => {
    await admin.execute(`CREATE ROLE ${user} WITH PASSWORD = 'pw' AND LOGIN = true`);
    await admin.execute(`GRANT SELECT ON KEYSPACE ${ks.name} TO ${user}`);
    const opts = await defaultOptions("auth", {
      credentials: { username: user, password: "pw" },
      heartbeatInterval: 0,
      // The background schema load (a second after connect) would count among the requests.
      schemaMetadata: false,
    });
    try {
      await withClient(opts, async (client) => {
        // Warm up: prepares the statement, so later counts are pages only.
        await client.execute(SELECT(), [1], { pageSize: 100 });
        // 50 pages of 100 rows exist; consume 2 and a bit, then break.
        const measure = async (consume: () => Promise<number>) => {
          const before = await requestCount(admin, user);
          const pagesUsed = await consume();
          await sleep(500); // give a runaway prefetch loop time to show
          const after = await requestCount(admin, user);
          return { pagesUsed, requests: after - before };
        };

        await t.step("stream()", async () => {
          const r = await measure(async () => {
            let n = 0;
            for await (const _ of client.stream(SELECT(), [1], { pageSize: 100 })) {
              if (++n === 150) break;
            }
            return 2;
          });
          console.log(`  stream: ${r.requests} requests for ${r.pagesUsed} pages used`);
          // Allow one page of read-ahead, no more.
          assert(r.requests <= r.pagesUsed + 1, `stream sent ${r.requests} requests`);
        });

        await t.step("pages()", async () => {
          const r = await measure(async () => {
            let n = 0;
            for await (const _ of client.pages(SELECT(), [1], { pageSize: 100 })) {
              if (++n === 2) break;
            }
            return 2;
          });
          console.log(`  pages: ${r.requests} requests for ${r.pagesUsed} pages used`);
          assert(r.requests <= r.pagesUsed + 1, `pages sent ${r.requests} requests`);
        });

        await t.step("for await over a ResultSet", async () => {
          const r = await measure(async () => {
            const rs = await client.execute(SELECT(), [1], { pageSize: 100 });
            let n = 0;
            for await (const _ of rs) {
              if (++n === 150) break;
            }
            return 2;
          });
          console.log(`  ResultSet: ${r.requests} requests for ${r.pagesUsed} pages used`);
          assert(r.requests <= r.pagesUsed + 1, `ResultSet iteration sent ${r.requests} requests`);
        });

        await t.step("the client still works after breaking", async () => {
          const rs = await client.execute(SELECT(), [1], { pageSize: 10 });
          assertEquals(rs.rows.length, 10);
        });
      });
    } finally {
      await admin.execute(`DROP ROLE IF EXISTS ${user}`);
    }
  });
});

Deno.test("paging: stream() follows the async iterator protocol", async (t) => {
  await seed("main");
  await withClient(await defaultOptions(), async (client) => {
    await t.step("next() calls made together settle in order across pages", async () => {
      const it = client.stream<{ c: number }>(SELECT(), [1], { pageSize: 10 });
      const results = await Promise.all(Array.from({ length: 35 }, () => it.next()));
      assertEquals(
        results.map((r) => r.done ? -1 : r.value.c),
        Array.from({ length: 35 }, (_, i) => i),
      );
      assertEquals((await it.return!()).done, true);
      assertEquals((await it.next()).done, true, "nothing after return()");
    });

    await t.step("return() while a page is being fetched ends the stream quietly", async () => {
      const it = client.stream<{ c: number }>(SELECT(), [1], { pageSize: 10 });
      for (let i = 0; i < 10; i++) assertEquals((await it.next()).value?.c, i);
      const pending = it.next(); // the page boundary: this one awaits the next page
      const ended = await it.return!();
      assertEquals(ended.done, true);
      assertEquals((await pending).done, true, "the pending next() ends, it does not reject");
      assertEquals((await it.next()).done, true);
    });

    await t.step("a failing query rejects the first next(), and the stream is over", async () => {
      const it = client.stream(`SELECT nope FROM ${ks.name}.rows`);
      let error: unknown;
      try {
        await it.next();
      } catch (e) {
        error = e;
      }
      assert(error instanceof Error && error.name === "InvalidQueryError", `got ${error}`);
      assertEquals((await it.next()).done, true, "a failed stream is over");
    });
  });
});

Deno.test("paging: breaking early from a 100k stream returns quickly", async () => {
  await seed("main");
  await withClient(await defaultOptions(), async (client) => {
    const t0 = performance.now();
    let n = 0;
    for await (const _ of client.stream(SELECT(), [0], { pageSize: 1000 })) {
      if (++n === 10) break;
    }
    const ms = performance.now() - t0;
    assert(ms < 2000, `breaking after 10 rows took ${Math.round(ms)} ms`);
    const rs = await client.execute(`SELECT c FROM ${ks.name}.rows WHERE p = 0 LIMIT 1`);
    assertEquals(rs.first()?.c, 0);
  });
});

Deno.test("paging: heap stays flat while streaming (10k vs 100k rows)", async () => {
  await seed("main");
  // Measured in a child process with --expose-gc, so the figures are live heap, not garbage.
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      new URL("./heap-child.ts", import.meta.url).pathname,
      await mainContact(),
      `${ks.name}.rows`,
      "0",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  assert(out.success, `child failed: ${new TextDecoder().decode(out.stderr)}`);
  const h = JSON.parse(text.split("\n").pop()!) as Record<string, number>;
  const mb = (b: number) => (b / 1048576).toFixed(1);
  console.log(
    `  heap: base ${mb(h.base)} MB, after 10k ${mb(h.after10k)} MB (peak ${mb(h.peak10k)}), ` +
      `after 100k ${mb(h.after100k)} MB (peak ${mb(h.peak100k)})`,
  );
  assert(
    h.after100k - h.after10k < 50 * 1048576,
    `heap grew ${mb(h.after100k - h.after10k)} MB more after 100k rows than after 10k`,
  );
  assert(
    h.peak100k - h.peak10k < 50 * 1048576,
    `peak heap grew ${mb(h.peak100k - h.peak10k)} MB more streaming 100k rows than 10k`,
  );
});

Deno.test("paging: drop keyspace", async () => {
  await ks.drop();
});
