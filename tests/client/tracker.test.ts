/**
 * The request tracker against the real node: what it is told at the start and the end of
 * queries, prepared statements, batches, stream pages, failures and retries; that a failing
 * hook does not fail the request; the slow-query logger and combined trackers; and that no
 * bound value ever reaches it.
 */
import {
  Client,
  combineTrackers,
  type RequestOutcome,
  type RequestTracker,
  ResponseError,
  type RetryPolicy,
  slowQueryLogger,
  type TrackedRequest,
} from "../../mod.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { mainContact } from "./helpers.ts";

interface Seen {
  readonly hook: "start" | "success" | "error";
  readonly request: TrackedRequest;
  readonly outcome?: RequestOutcome;
  readonly error?: Error;
}

function recorder(): { tracker: RequestTracker; seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    tracker: {
      onStart: (request) => seen.push({ hook: "start", request }),
      onSuccess: (request, outcome) => seen.push({ hook: "success", request, outcome }),
      onError: (request, error, outcome) => seen.push({ hook: "error", request, error, outcome }),
    },
  };
}

const KS = "tracker_test";
// A value no tracker may see: it is bound, never part of the statement text.
const SECRET = "s3cr3t-value-7f1c";

async function setUp(client: Client): Promise<void> {
  await client.execute(
    `CREATE KEYSPACE IF NOT EXISTS ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${KS}.t (k int, c int, v text, PRIMARY KEY (k, c))`,
  );
}

Deno.test("requestTracker: start and end of queries, prepared statements, batches and pages", async () => {
  const { tracker, seen } = recorder();
  const client = new Client({
    contactPoints: [await mainContact()],
    requestTracker: tracker,
    consistency: "ONE",
    pageSize: 7,
  });
  try {
    await setUp(client);
    seen.length = 0;

    const rs = await client.execute("SELECT release_version FROM system.local");
    assertEquals(seen.map((s) => s.hook), ["start", "success"]);
    const [start, end] = seen;
    assert(start.request === end.request, "the same request object reaches every hook");
    assertEquals(end.request.kind, "query");
    assertEquals(end.request.query, "SELECT release_version FROM system.local");
    assertEquals(end.request.consistency, "ONE");
    assertEquals(end.request.pageSize, 7);
    assertEquals(end.request.idempotent, false);
    assertEquals(end.outcome!.host?.address, rs.info.queriedHost);
    assertEquals(end.outcome!.attempts.length, 1);
    assertEquals(end.outcome!.attempts[0].error, undefined);
    assertEquals(end.outcome!.attempts[0].speculative, false);
    assertEquals(end.outcome!.speculativeExecutions, 0);
    assertEquals(end.outcome!.rows, 1);
    assert(end.outcome!.latencyMs >= 0);
    const a = end.outcome!.attempts[0];
    assert(a.startTime >= start.request.startTime && a.endTime >= a.startTime, "attempt times");
    assert(Math.abs(start.request.startTime - Date.now()) < 60_000, "startTime is epoch ms");

    // Prepared, with bound values (one of them the secret) and per-request options.
    seen.length = 0;
    await client.execute(
      `INSERT INTO ${KS}.t (k, c, v) VALUES (?, ?, ?)`,
      [1, 1, SECRET],
      { consistency: "LOCAL_QUORUM", idempotent: true },
    );
    const ins = seen.find((s) => s.hook === "success")!;
    assertEquals(ins.request.query, `INSERT INTO ${KS}.t (k, c, v) VALUES (?, ?, ?)`);
    assertEquals(ins.request.consistency, "LOCAL_QUORUM");
    assertEquals(ins.request.idempotent, true);
    assertEquals(ins.outcome!.rows, undefined);

    // A batch: its statements' texts and count.
    seen.length = 0;
    await client.batch([
      { query: `INSERT INTO ${KS}.t (k, c, v) VALUES (?, ?, ?)`, params: [1, 2, SECRET] },
      { query: `UPDATE ${KS}.t SET v = ? WHERE k = ? AND c = ?`, params: [SECRET, 1, 3] },
    ], { type: "unlogged" });
    const b = seen.find((s) => s.hook === "success")!;
    assertEquals(b.request.kind, "batch");
    assertEquals(b.request.batchSize, 2);
    assertEquals(
      b.request.query,
      `INSERT INTO ${KS}.t (k, c, v) VALUES (?, ?, ?); UPDATE ${KS}.t SET v = ? WHERE k = ? AND c = ?`,
    );
    assertEquals(b.request.pageSize, undefined);

    // A stream of 20 rows in pages of 7: every page is a request of its own.
    for (let c = 10; c < 30; c++) {
      await client.execute(`INSERT INTO ${KS}.t (k, c, v) VALUES (?, ?, ?)`, [2, c, SECRET]);
    }
    seen.length = 0;
    let n = 0;
    for await (const _ of client.stream(`SELECT v FROM ${KS}.t WHERE k = ?`, [2])) n++;
    assertEquals(n, 20);
    const pages = seen.filter((s) => s.hook === "success");
    assertEquals(pages.map((s) => s.outcome!.rows), [7, 7, 6]);
    assertEquals(seen.filter((s) => s.hook === "start").length, 3);

    assertEquals(
      seen.concat(ins, b).some((s) => JSON.stringify(s.request).includes(SECRET)),
      false,
      "a bound value reached the tracker",
    );
  } finally {
    await client.close();
  }
});

Deno.test("requestTracker: a failure after a retry reports each attempt and the error", async () => {
  const { tracker, seen } = recorder();
  // Retries every server error once on the same node, then gives up.
  const retry: RetryPolicy = {
    decide: ({ retries }) => retries === 0 ? { action: "retrySameHost" } : { action: "rethrow" },
  };
  const client = new Client({
    contactPoints: [await mainContact()],
    requestTracker: tracker,
    retry,
  });
  try {
    await client.connect();
    seen.length = 0;
    let caught: unknown;
    try {
      await client.execute("SELECT * FROM tracker_test.no_such_table");
    } catch (e) {
      caught = e;
    }
    assert(caught instanceof ResponseError, `expected a ResponseError, got ${caught}`);
    assertEquals(seen.map((s) => s.hook), ["start", "error"]);
    const out = seen[1].outcome!;
    assert(seen[1].error === caught, "onError gets the error the caller gets");
    assertEquals(out.attempts.length, 2);
    for (const a of out.attempts) assert(a.error instanceof ResponseError, "each attempt's error");
    assertEquals(out.rows, undefined);
    assertEquals(out.host?.address, client.hosts[0].address);
  } finally {
    await client.close();
  }
});

Deno.test("requestTracker: a hook that throws does not fail the request; logger and combined trackers", async () => {
  const lines: string[] = [];
  const { tracker, seen } = recorder();
  const throwing: RequestTracker = {
    onStart: () => {
      throw new Error("tracker bug");
    },
    onSuccess: () => {
      throw new Error("tracker bug");
    },
  };
  const client = new Client({
    contactPoints: [await mainContact()],
    requestTracker: combineTrackers(
      throwing,
      tracker,
      slowQueryLogger({ thresholdMs: 0, log: (l) => lines.push(l) }),
      slowQueryLogger({ thresholdMs: 60_000, log: (l) => lines.push(`never: ${l}`) }),
    ),
  });
  try {
    const rs = await client.execute("SELECT key FROM system.local WHERE key = ?", ["local"]);
    assertEquals(rs.first()?.key, "local");
    // The throwing tracker stops the combined one's loop at its own hook only when not caught
    // per tracker: every tracker after it must still have been called.
    assertEquals(seen.map((s) => s.hook), ["start", "success"]);
    assertEquals(lines.length, 1);
    assert(
      /^slow query \(\d+ ms, 1 attempt\(s\) on 127\.0\.0\.\d+:\d+\): SELECT key FROM system\.local WHERE key = \?$/
        .test(lines[0]),
      lines[0],
    );
    assert(!lines[0].includes("'local'"), "no bound value in the log line");
    // The driver's own reads (the schema metadata) are not the application's requests.
    assert((await client.metadata.keyspaces()).includes("system"));
    assertEquals(seen.filter((s) => s.request.query.includes("system_schema")).length, 0);
  } finally {
    await client.close();
  }
});
