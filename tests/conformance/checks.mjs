// @ts-check
/**
 * The runtime conformance suite: the same checks on Deno, Bun, Node (against the built dist/)
 * and workerd, using only the driver's public API.
 *
 * Plain JavaScript with JSDoc types so every runtime loads this very file as it is: Node 20
 * cannot run TypeScript, and a compiled copy could go stale. The driver is not imported here but
 * handed in through the context (`ctx.driver`), because Node must test `dist/mod.js` while the
 * others test `mod.ts`; `instanceof` checks then use the classes of the build under test.
 *
 * Runners: conformance.test.ts (Deno), run-bun.ts (Bun), node/conformance.node.mjs (Node),
 * run-workerd.ts + worker.ts (workerd).
 *
 * @module
 */

/** @typedef {typeof import("../../mod.ts")} Driver */
/** @typedef {import("../../mod.ts").Client} Client */
/** @typedef {import("../../mod.ts").ClientOptions} ClientOptions */

/**
 * A proxy in front of the main node that the check can cut (see proxy.mjs).
 *
 * @typedef {object} Proxy
 * @property {string} host
 * @property {number} port
 * @property {() => void | Promise<void>} hold swallow client-to-server bytes from now on
 * @property {() => Promise<void>} cut destroy every proxied connection and stop listening
 */

/**
 * What a runner provides.
 *
 * @typedef {object} Context
 * @property {"deno" | "bun" | "node" | "workerd"} runtime
 * @property {Driver} driver the public API under test
 * @property {string} contact "host:port" of the main node
 * @property {{contact: string, caPem: string, otherCaPem: string, certPem?: string, keyPem?: string}} tls
 *   the TLS cluster (certPem/keyPem only when it demands a client certificate)
 * @property {WebAssembly.Module} [lz4Wasm] for runtimes that cannot locate lz4-wasm themselves
 * @property {() => Promise<Proxy>} [startProxy] absent where the runner cannot provide one
 * @property {{protocolVersion: 4 | 5, release: string}} [server] what the main node should
 *   negotiate and report as the start of its release_version; default 5 and "5." (the version
 *   matrix runs the non-TLS checks against older lines too)
 */

/**
 * A check returns nothing, or a note that the runners print next to its name (used where the
 * platform makes the check assert something other than the usual outcome).
 *
 * @typedef {object} Check
 * @property {string} name
 * @property {(ctx: Context) => Promise<string | void>} fn
 */

/** Thrown by a check that cannot apply to a runtime; counted neither as passed nor as failed. */
export class NotApplicable extends Error {
  /** @param {string} reason */
  constructor(reason) {
    super(reason);
    this.name = "NotApplicable";
  }
}

/**
 * @param {unknown} cond
 * @param {string} msg
 * @returns {asserts cond}
 */
export function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

/**
 * @param {unknown} actual
 * @param {unknown} expected
 * @param {string} what
 */
function equal(actual, expected, what) {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** @param {unknown} v */
function show(v) {
  return typeof v === "bigint" ? `${v}n` : JSON.stringify(v) ?? String(v);
}

/**
 * Fails instead of hanging: a driver that never settles a promise must not stall the suite.
 *
 * @template T
 * @param {Promise<T>} p
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
function within(p, ms, what) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled after ${ms} ms`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([p, late])).finally(() => clearTimeout(timer));
}

/**
 * The error `p` rejects with; fails when it resolves.
 *
 * @param {Promise<unknown>} p
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<Error>}
 */
async function rejection(p, ms, what) {
  try {
    await within(p, ms, what);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${what}: not settled`)) throw e;
    assert(e instanceof Error, `${what}: rejected with a non-Error ${show(e)}`);
    return e;
  }
  throw new Error(`${what}: resolved, expected a rejection`);
}

/**
 * The protocol version and release_version prefix the main node should show.
 *
 * @param {Context} ctx
 */
function server(ctx) {
  return ctx.server ?? { protocolVersion: 5, release: "5." };
}

/**
 * A client with the suite's defaults; closed by `use`.
 *
 * @param {Context} ctx
 * @param {Partial<ClientOptions>} [extra]
 * @returns {Client}
 */
function client(ctx, extra = {}) {
  return new ctx.driver.Client({
    contactPoints: [ctx.contact],
    localDataCenter: "datacenter1",
    connectTimeout: 10_000,
    requestTimeout: 20_000,
    ...extra,
  });
}

/**
 * Runs `fn` with a client and closes it whatever happens.
 *
 * @template T
 * @param {Client} c
 * @param {(c: Client) => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function use(c, fn) {
  try {
    return await fn(c);
  } finally {
    await within(c.close(), 10_000, "close()");
  }
}

/**
 * One keyspace per runtime, so the four runtimes can run at the same time against one node.
 *
 * @param {Context} ctx
 */
function keyspace(ctx) {
  return `cql_conformance_${ctx.runtime}`;
}

/**
 * Creates the runtime's keyspace and (re)creates `table` in it.
 *
 * @param {Client} c
 * @param {Context} ctx
 * @param {string} table
 * @param {string} columns
 */
async function freshTable(c, ctx, table, columns) {
  const ks = keyspace(ctx);
  await c.execute(
    `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = ` +
      `{'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  await c.execute(`DROP TABLE IF EXISTS ${ks}.${table}`);
  await c.execute(`CREATE TABLE ${ks}.${table} (${columns})`);
  return `${ks}.${table}`;
}

/**
 * TLS options trusting `caPem`, with the cluster's client certificate if it wants one.
 *
 * @param {Context} ctx
 * @param {string} caPem
 */
function tlsOptions(ctx, caPem) {
  const { certPem, keyPem } = ctx.tls;
  return certPem && keyPem ? { ca: caPem, cert: certPem, key: keyPem } : { ca: caPem };
}

/** The only CA Workers sockets accept is Cloudflare's public roots. */
const WORKERS_TLS = /Cloudflare Workers sockets cannot use a custom CA/;

/**
 * On workerd a custom CA is refused before any byte is sent; checks that it is, clearly.
 *
 * @param {Context} ctx
 * @param {string} caPem
 */
async function expectWorkersTlsRefusal(ctx, caPem) {
  const c = client(ctx, { contactPoints: [ctx.tls.contact], tls: tlsOptions(ctx, caPem) });
  const e = await use(c, (c) => rejection(c.connect(), 15_000, "connect with a custom CA"));
  const detail = causes(e);
  assert(WORKERS_TLS.test(detail), `expected the Workers "custom CA" refusal, got: ${detail}`);
  return "workerd: a custom CA is unsupported by the platform; asserted the up-front refusal";
}

/**
 * The messages of an error and everything it wraps (causes, NoHostAvailableError's per-node
 * errors), joined: what a user would see when logging it fully.
 *
 * @param {unknown} e
 * @returns {string}
 */
function causes(e) {
  /** @type {string[]} */
  const out = [];
  /** @param {unknown} x @param {number} depth */
  const walk = (x, depth) => {
    if (!(x instanceof Error) || depth > 5) return;
    out.push(`${x.name}: ${x.message}`);
    const errors = /** @type {{errors?: unknown}} */ (x).errors;
    if (errors instanceof Map) { for (const inner of errors.values()) walk(inner, depth + 1); }
    walk(x.cause, depth + 1);
  };
  walk(e, 0);
  return out.join(" <- ");
}

/** @type {Check[]} */
export const checks = [
  {
    name: "handshake: connects and negotiates protocol v5",
    async fn(ctx) {
      await use(client(ctx), async (c) => {
        await within(c.connect(), 15_000, "connect()");
        equal(c.protocolVersion, server(ctx).protocolVersion, "protocolVersion");
      });
    },
  },
  {
    name: "query: system.local release_version",
    async fn(ctx) {
      await use(client(ctx), async (c) => {
        const rs = await c.execute("SELECT release_version FROM system.local");
        equal(rs.rows.length, 1, "rows");
        equal(rs.columns.map((col) => col.name).join(), "release_version", "columns");
        const v = rs.first()?.release_version;
        const release = server(ctx).release;
        assert(typeof v === "string" && v.startsWith(release), `release_version ${show(v)}`);
      });
    },
  },
  {
    name: "prepared statement: insert with parameters, select back",
    async fn(ctx) {
      await use(client(ctx), async (c) => {
        const t = await freshTable(
          c,
          ctx,
          "items",
          "id uuid, seq int, name text, total bigint, score double, tags list<text>, " +
            "data blob, PRIMARY KEY (id, seq)",
        );
        const id = ctx.driver.randomUuid();
        const row = {
          id,
          seq: 7,
          name: "héllo ✓ wörld",
          total: 9007199254740993n, // beyond 2^53: must survive as a bigint
          score: 1.25,
          tags: ["a", "b", "c"],
          data: new Uint8Array([0, 1, 254, 255]),
        };
        await c.execute(
          `INSERT INTO ${t} (id, seq, name, total, score, tags, data) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [row.id, row.seq, row.name, row.total, row.score, row.tags, row.data],
        );
        // Named parameters, and the statement cached from the first execution is reused.
        for (let i = 0; i < 2; i++) {
          const rs = await c.execute(`SELECT * FROM ${t} WHERE id = :id AND seq = :seq`, {
            id,
            seq: 7,
          });
          equal(rs.rows.length, 1, "rows");
          const got = /** @type {Record<string, unknown>} */ (rs.first());
          equal(got.id, id, "id");
          equal(got.seq, 7, "seq");
          equal(got.name, row.name, "name");
          equal(got.total, row.total, "total");
          equal(got.score, row.score, "score");
          equal(show(got.tags), show(row.tags), "tags");
          assert(got.data instanceof Uint8Array, `data is ${show(got.data)}`);
          equal(show([...got.data]), show([...row.data]), "data");
        }
        const none = await c.execute(`SELECT * FROM ${t} WHERE id = ? AND seq = ?`, [id, 8]);
        equal(none.rows.length, 0, "rows for a missing key");
      });
    },
  },
  {
    name: "paging: 2500 rows, pageSize 1000, for await in order",
    async fn(ctx) {
      await use(client(ctx), async (c) => {
        const t = await freshTable(c, ctx, "paging", "p int, c int, v text, PRIMARY KEY (p, c)");
        const total = 2500;
        const batches = [];
        for (let start = 0; start < total; start += 100) {
          const queries = [];
          for (let i = start; i < start + 100; i++) {
            queries.push({
              query: `INSERT INTO ${t} (p, c, v) VALUES (?, ?, ?)`,
              params: [1, i, `v${i}`],
            });
          }
          batches.push(c.batch(queries, { type: "unlogged" }));
        }
        await Promise.all(batches);
        const query = `SELECT c, v FROM ${t} WHERE p = ?`;
        const first = await c.execute(query, [1], { pageSize: 1000 });
        equal(first.rows.length, 1000, "rows of the first page");
        assert(first.pagingState instanceof Uint8Array, "the first page has a pagingState");
        let n = 0;
        for await (const row of first) {
          const r = /** @type {{c: number, v: string}} */ (row);
          if (r.c !== n || r.v !== `v${n}`) {
            throw new Error(`row ${n} out of order: ${show(r)}`);
          }
          n++;
        }
        equal(n, total, "rows over all pages");
        const sizes = [];
        for await (const page of c.pages(query, [1], { pageSize: 1000 })) {
          sizes.push(page.rows.length);
        }
        equal(sizes.join(), "1000,1000,500", "page sizes");
      });
    },
  },
  {
    name: "LZ4 compression: round trip",
    async fn(ctx) {
      const opts = /** @type {Partial<ClientOptions>} */ ({ compression: "lz4" });
      if (ctx.lz4Wasm) opts.lz4Wasm = ctx.lz4Wasm;
      await use(client(ctx, opts), async (c) => {
        await within(c.connect(), 15_000, "connect() with lz4");
        const v = (await c.execute("SELECT release_version FROM system.local")).first()
          ?.release_version;
        const release = server(ctx).release;
        assert(typeof v === "string" && v.startsWith(release), `release_version ${show(v)}`);
        const t = await freshTable(c, ctx, "lz4", "k int PRIMARY KEY, body text");
        // Compressible and large enough to span several compressed v5 segments both ways.
        const body = "conformance ".repeat(20_000) + "end";
        await c.execute(`INSERT INTO ${t} (k, body) VALUES (?, ?)`, [1, body]);
        const got = (await c.execute(`SELECT body FROM ${t} WHERE k = ?`, [1])).first()?.body;
        assert(got === body, `body came back with length ${show(String(got).length)}`);
      });
    },
  },
  {
    name: "TLS: the cluster's CA verifies the server",
    async fn(ctx) {
      if (ctx.runtime === "workerd") return await expectWorkersTlsRefusal(ctx, ctx.tls.caPem);
      const c = client(ctx, {
        contactPoints: [ctx.tls.contact],
        tls: tlsOptions(ctx, ctx.tls.caPem),
      });
      await use(c, async (c) => {
        await within(c.connect(), 20_000, "TLS connect()");
        equal(c.protocolVersion, 5, "protocolVersion over TLS");
        const v = (await c.execute("SELECT release_version FROM system.local")).first()
          ?.release_version;
        assert(typeof v === "string" && v.startsWith("5."), `release_version ${show(v)}`);
      });
      return undefined;
    },
  },
  {
    name: "TLS: a wrong CA fails with a clear error",
    async fn(ctx) {
      if (ctx.runtime === "workerd") return await expectWorkersTlsRefusal(ctx, ctx.tls.otherCaPem);
      const c = client(ctx, {
        contactPoints: [ctx.tls.contact],
        tls: tlsOptions(ctx, ctx.tls.otherCaPem),
      });
      const e = await use(c, (c) => rejection(c.connect(), 20_000, "connect with a wrong CA"));
      assert(e instanceof ctx.driver.NoHostAvailableError, `got ${causes(e)}`);
      const detail = causes(e);
      assert(
        /certificate|verif|issuer|trust|self.signed/i.test(detail),
        `the error does not say the certificate was not trusted: ${detail}`,
      );
      assert(detail.includes(ctx.tls.contact), `the error does not name the node: ${detail}`);
      // Shown in the output so a reader can judge "clear" too.
      return `rejected with: ${e.name}: ${e.message}`;
    },
  },
  {
    name: "connection cut mid-request: the request rejects with ConnectionError",
    async fn(ctx) {
      if (!ctx.startProxy) throw new NotApplicable(`${ctx.runtime}: no proxy to cut`);
      const proxy = await ctx.startProxy();
      let cut = false;
      // A long request timeout: a rejection must come from the cut, not from a timer.
      const c = client(ctx, { contactPoints: [`${proxy.host}:${proxy.port}`] });
      try {
        await use(c, async (c) => {
          await c.execute("SELECT release_version FROM system.local");
          await proxy.hold();
          const pending = c.execute("SELECT release_version FROM system.local");
          pending.catch(() => {}); // observed below; keep it from counting as unhandled meanwhile
          const early = await Promise.race([
            pending.then(() => "resolved", () => "rejected"),
            new Promise((r) => setTimeout(() => r("pending"), 300)),
          ]);
          equal(early, "pending", "request state while the proxy holds it");
          const t0 = Date.now();
          await proxy.cut();
          cut = true;
          const e = await rejection(pending, 5_000, "the request in flight at the cut");
          assert(
            e instanceof ctx.driver.ConnectionError,
            `expected ConnectionError, got ${causes(e)}`,
          );
          assert(Date.now() - t0 < 5_000, "rejected promptly");
        });
      } finally {
        if (!cut) await proxy.cut();
      }
    },
  },
  {
    name: "close() with 50 requests pending: all settle, close resolves, then execute rejects",
    async fn(ctx) {
      const c = client(ctx);
      await c.connect();
      const pending = [];
      for (let i = 0; i < 50; i++) {
        pending.push(c.execute("SELECT release_version FROM system.local"));
      }
      const closing = c.close();
      const settled = await within(Promise.allSettled(pending), 15_000, "the 50 requests");
      const failures = settled.filter((s) => s.status === "rejected");
      equal(
        failures.length,
        0,
        `rejected requests (first: ${failures.length ? causes(failures[0].reason) : ""})`,
      );
      for (const s of settled) {
        if (s.status === "fulfilled") equal(s.value.rows.length, 1, "rows of a pending request");
      }
      await within(closing, 10_000, "close()");
      const after = await rejection(
        c.execute("SELECT release_version FROM system.local"),
        5_000,
        "execute after close",
      );
      assert(after instanceof ctx.driver.ClosedError, `expected ClosedError, got ${causes(after)}`);
    },
  },
];

/**
 * @typedef {object} Outcome
 * @property {string} name
 * @property {"passed" | "failed" | "not applicable"} status
 * @property {string} [note] the check's note, or why it failed or does not apply
 * @property {number} ms
 */

/**
 * Runs the checks one after another (the Bun runner and the Worker use this; the Deno and Node
 * runners hand each check to their own test runner instead).
 *
 * @param {Context} ctx
 * @param {(o: Outcome) => void} [report] called after each check
 * @returns {Promise<Outcome[]>}
 */
export async function runChecks(ctx, report = () => {}) {
  /** @type {Outcome[]} */
  const out = [];
  for (const check of checks) {
    const t0 = Date.now();
    /** @type {Outcome} */
    let o;
    try {
      const note = await check.fn(ctx);
      o = { name: check.name, status: "passed", note: note || undefined, ms: Date.now() - t0 };
    } catch (e) {
      o = e instanceof NotApplicable
        ? { name: check.name, status: "not applicable", note: e.message, ms: Date.now() - t0 }
        : {
          name: check.name,
          status: "failed",
          note: e instanceof Error ? `${causes(e)}\n${e.stack ?? ""}` : String(e),
          ms: Date.now() - t0,
        };
    }
    out.push(o);
    report(o);
  }
  return out;
}

/**
 * One line per outcome and the final `N passed, N failed` line the orchestrator parses.
 *
 * @param {Outcome} o
 * @param {string} runtime
 */
export function formatOutcome(o, runtime) {
  const tag = o.status === "passed" ? "ok    " : o.status === "failed" ? "FAILED" : "n/a   ";
  const note = o.note ? ` -- ${o.note}` : "";
  return `${tag} [conformance on ${runtime}] ${o.name} (${o.ms} ms)${note}`;
}

/**
 * @param {Outcome[]} outcomes
 * @returns {string}
 */
export function summary(outcomes) {
  const passed = outcomes.filter((o) => o.status === "passed").length;
  const failed = outcomes.filter((o) => o.status === "failed").length;
  return `${passed} passed, ${failed} failed`;
}
