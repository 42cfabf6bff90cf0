/**
 * Aborts and request timeouts through the public Client. Node freezing uses the dedicated
 * `freeze` cluster (SIGSTOP / SIGCONT on its JVM); every freeze is undone in a finally block.
 */
import { AbortError, Client, RequestTimeoutError } from "../../mod.ts";
import { ensureCluster } from "../support/cassandra.ts";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { defaultOptions, FREEZE_CLUSTER, since, sleep, withClient } from "./helpers.ts";

interface FreezeNode {
  contact: string;
  pid: number;
}

let frozenPid: number | null = null;
// If the process dies mid-test, do not leave the node stopped.
globalThis.addEventListener("unload", () => {
  if (frozenPid !== null) {
    try {
      Deno.kill(frozenPid, "SIGCONT");
    } catch { /* gone */ }
  }
});

async function freezeNode(): Promise<FreezeNode> {
  const info = await ensureCluster({ ...FREEZE_CLUSTER });
  const node = info.nodes[0];
  const pid = Number((await Deno.readTextFile(`${node.dir}/pid`)).trim());
  assert(Number.isInteger(pid) && pid > 0, `pid of the freeze node: ${pid}`);
  return { contact: `${node.address}:${node.port}`, pid };
}

/**
 * SIGSTOP reaches each JVM thread when the kernel next looks at it: a thread busy on the other
 * core can still answer a request sent right after kill() returns. Wait until every thread is
 * really stopped ("T" in /proc/PID/task/TID/stat).
 */
async function allThreadsStopped(pid: number): Promise<void> {
  const deadline = Date.now() + 2000;
  for (;;) {
    let running = 0;
    for await (const t of Deno.readDir(`/proc/${pid}/task`)) {
      const stat = await Deno.readTextFile(`/proc/${pid}/task/${t.name}/stat`).catch(() => "");
      const state = stat.replace(/^.*\) /, "")[0];
      if (state !== undefined && state !== "T" && state !== "t") running++;
    }
    if (running === 0) return;
    if (Date.now() > deadline) throw new Error(`${running} threads of ${pid} still run`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Runs `fn` while the node is stopped with SIGSTOP; always continues it afterwards. */
async function frozen<T>(node: FreezeNode, fn: () => Promise<T>): Promise<T> {
  frozenPid = node.pid;
  Deno.kill(node.pid, "SIGSTOP");
  await allThreadsStopped(node.pid);
  try {
    return await fn();
  } catch (e) {
    // The freeze node is shared: say so if someone else resumed it under us.
    const state = (await Deno.readTextFile(`/proc/${node.pid}/stat`).catch(() => ""))
      .replace(/^.*\) /, "")[0];
    if (state !== "T" && e instanceof Error) {
      e.message += ` [node state "${state}": it was resumed during the test, not by this test]`;
    }
    throw e;
  } finally {
    Deno.kill(node.pid, "SIGCONT");
    frozenPid = null;
  }
}

/** Retries a trivial query until it works; returns how long that took. */
async function worksAgain(client: Client, withinMs: number): Promise<number> {
  const t0 = performance.now();
  let last: unknown;
  while (since(t0) < withinMs) {
    try {
      const rs = await client.execute("SELECT release_version FROM system.local", [], {
        timeout: 2000,
      });
      assert(typeof rs.first()?.release_version === "string", "release_version");
      return since(t0);
    } catch (e) {
      last = e;
      await sleep(200);
    }
  }
  throw new Error(`client did not recover within ${withinMs} ms; last error: ${last}`);
}

Deno.test("abort: an already-aborted signal rejects at once, nothing is sent", async () => {
  await withClient(await defaultOptions(), async (client) => {
    const ac = new AbortController();
    ac.abort(new Error("stop"));
    const t0 = performance.now();
    const e = await assertRejects(
      () => client.execute("SELECT release_version FROM system.local", [], { signal: ac.signal }),
      AbortError,
    );
    assert(since(t0) < 50, `took ${since(t0)} ms`);
    assertEquals(e.name, "AbortError");
    // Prepared path too.
    await assertRejects(
      () =>
        client.execute("SELECT release_version FROM system.local WHERE key = ?", ["local"], {
          signal: ac.signal,
          prepare: true,
        }),
      AbortError,
    );
    // Also streams and pages.
    await assertRejects(async () => {
      for await (
        const _ of client.stream("SELECT * FROM system.local", [], { signal: ac.signal })
      ) {
        // nothing
      }
    }, AbortError);
    // The client is unaffected.
    const rs = await client.execute("SELECT release_version FROM system.local");
    assertEquals(rs.rows.length, 1);
  });
});

Deno.test("abort: aborting an unrelated signal later changes nothing", async () => {
  await withClient(await defaultOptions(), async (client) => {
    const ac = new AbortController();
    const rs = await client.execute("SELECT release_version FROM system.local", [], {
      signal: ac.signal,
    });
    ac.abort();
    assertEquals(rs.rows.length, 1);
    await sleep(20);
  });
});

for (
  const cfg of [
    { name: "v5", opts: { protocolVersion: 5 } },
    { name: "v4", opts: { protocolVersion: 4 } },
    { name: "v5+lz4", opts: { protocolVersion: 5, compression: "lz4" } },
    { name: "v4+lz4", opts: { protocolVersion: 4, compression: "lz4" } },
  ] as const
) {
  Deno.test({
    name: `abort / timeout against a frozen node (SIGSTOP) [${cfg.name}]`,
    // A request to a stopped node can leave its late answer pending until the node resumes.
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      const node = await freezeNode();
      const client = new Client({
        contactPoints: [node.contact],
        localDataCenter: "datacenter1",
        requestTimeout: 20_000,
        ...cfg.opts,
      });
      try {
        await client.connect();
        const q = "SELECT release_version FROM system.local WHERE key = ?";
        await client.execute(q, ["local"]); // prepared before freezing

        await t.step(
          "an in-flight request rejects with AbortError within 50 ms of abort()",
          async () => {
            await frozen(node, async () => {
              const ac = new AbortController();
              const p = client.execute(q, ["local"], { signal: ac.signal });
              let settled = false;
              p.then(() => settled = true, () => settled = true);
              await sleep(300);
              assert(!settled, "request settled although the node is stopped");
              const t0 = performance.now();
              ac.abort();
              const e = await assertRejects(() => p, AbortError);
              const ms = since(t0);
              assertEquals(e.name, "AbortError");
              assert(ms < 50, `rejected ${Math.round(ms)} ms after abort()`);
            });
          },
        );

        await t.step("after SIGCONT the same client works again", async () => {
          const ms = await worksAgain(client, 15_000);
          console.log(`  recovered after ${Math.round(ms)} ms`);
        });

        await t.step(
          "per-request timeout: 500 ms → RequestTimeoutError in [450, 1500] ms",
          async () => {
            await frozen(node, async () => {
              const t0 = performance.now();
              const e = await assertRejects(
                () => client.execute(q, ["local"], { timeout: 500 }),
                RequestTimeoutError,
              );
              const ms = since(t0);
              assert(ms >= 450 && ms <= 1500, `rejected after ${Math.round(ms)} ms`);
              assert(e.message.length > 0, "message");
            });
          },
        );

        await t.step("after SIGCONT the same client works again (2)", async () => {
          const ms = await worksAgain(client, 15_000);
          console.log(`  recovered after ${Math.round(ms)} ms`);
          // And prepared statements still execute.
          const rs = await client.execute(q, ["local"]);
          assertEquals(rs.rows.length, 1);
        });

        await t.step("several timed-out requests at once, unprepared and prepared", async () => {
          await frozen(node, async () => {
            const t0 = performance.now();
            const results = await Promise.allSettled([
              client.execute(q, ["local"], { timeout: 500 }),
              client.execute("SELECT * FROM system.local", [], { timeout: 500 }),
              client.execute(q, ["local"], { timeout: 700 }),
            ]);
            const ms = since(t0);
            for (const r of results) {
              assert(r.status === "rejected", "rejected");
              assert(
                (r as PromiseRejectedResult).reason instanceof RequestTimeoutError,
                `RequestTimeoutError, got ${(r as PromiseRejectedResult).reason}`,
              );
            }
            assert(ms >= 650 && ms <= 1800, `all settled after ${Math.round(ms)} ms`);
          });
          await worksAgain(client, 15_000);
        });
      } finally {
        await client.close();
      }
    },
  });
}

Deno.test({
  name: "timeout: client-level requestTimeout applies; the client recovers after SIGCONT",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const node = await freezeNode();
    const client = new Client({
      contactPoints: [node.contact],
      localDataCenter: "datacenter1",
      requestTimeout: 500,
    });
    try {
      await client.connect();
      await client.execute("SELECT release_version FROM system.local");
      await frozen(node, async () => {
        const t0 = performance.now();
        await assertRejects(
          () => client.execute("SELECT release_version FROM system.local"),
          RequestTimeoutError,
        );
        const ms = since(t0);
        assert(ms >= 450 && ms <= 1500, `rejected after ${Math.round(ms)} ms`);
      });
      await worksAgain(client, 15_000);
    } finally {
      await client.close();
    }
  },
});

Deno.test({
  name: "abort: a signal aborts a request still waiting for the first connection",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const node = await freezeNode();
    const client = new Client({
      contactPoints: [node.contact],
      localDataCenter: "datacenter1",
      connectTimeout: 3_000,
    });
    try {
      await frozen(node, async () => {
        // The kernel still accepts the TCP connection; the handshake never gets an answer.
        const ac = new AbortController();
        const p = client.execute("SELECT release_version FROM system.local", [], {
          signal: ac.signal,
        });
        await sleep(300);
        const t0 = performance.now();
        ac.abort();
        await assertRejects(() => p, AbortError);
        assert(since(t0) < 50, `rejected ${Math.round(since(t0))} ms after abort()`);
      });
      await worksAgain(client, 20_000);
    } finally {
      await client.close();
    }
  },
});
