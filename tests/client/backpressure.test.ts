/**
 * Backpressure against the real node, made slow by the fault proxy holding its replies: a node
 * whose connections are all at `maxRequestsPerConnection` queues up to
 * `maxQueuedRequestsPerHost` requests and refuses the next ones at once with a
 * `BusyConnectionError` (inside the `NoHostAvailableError` of a plan that ran out of nodes);
 * `close()` cuts the requests left after `closeTimeout` with a `ClosedError`.
 */
import {
  BusyConnectionError,
  Client,
  type ClientOptions,
  ClosedError,
  type HostInfo,
  NoHostAvailableError,
  RequestTimeoutError,
} from "../../mod.ts";
import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import { ensureCassandra } from "../support/cassandra.ts";
import { type FaultProxy, startProxy } from "../support/proxy.ts";

const QUERY = "SELECT key FROM system.local";
const PER_CONNECTION = 8;
const CONNECTIONS = 2;
const QUEUED = 10;
/** Requests a node takes before it is busy: every stream id of the pool, then the queue. */
const CAPACITY = PER_CONNECTION * CONNECTIONS + QUEUED;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until `check()` holds; fails the test if it does not within `timeoutMs`. */
async function waitFor(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(10);
  }
}

/** A request's outcome, recorded as it settles (so that the test can see what settled when). */
interface Outcome {
  settled: boolean;
  value?: unknown;
  error?: unknown;
}

function track(p: Promise<unknown>): Outcome {
  const o: Outcome = { settled: false };
  p.then(
    (v) => Object.assign(o, { settled: true, value: v }),
    (e) => Object.assign(o, { settled: true, error: e }),
  );
  return o;
}

/** True when `e` is a plan that ran out of nodes because its only node was busy. */
function busyOnly(e: unknown, address: string): boolean {
  if (!(e instanceof NoHostAvailableError) || e.errors.size !== 1) return false;
  const inner = e.errors.get(address);
  return inner instanceof BusyConnectionError && inner.address === address &&
    inner.maxRequestsPerConnection === PER_CONNECTION && inner.connections === CONNECTIONS &&
    inner.maxQueuedRequests === QUEUED;
}

/** Counts unhandled rejections while `body` runs (and a moment after). */
async function noUnhandled(body: () => Promise<void>): Promise<void> {
  let unhandled = 0;
  const reasons: unknown[] = [];
  const onUnhandled = (e: PromiseRejectionEvent) => {
    unhandled++;
    reasons.push(e.reason);
    e.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  try {
    await body();
    await sleep(100);
    assertEquals(unhandled, 0, `unhandled rejections: ${reasons.map(String).join("; ")}`);
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
}

async function setup(
  extra: Partial<ClientOptions> = {},
): Promise<{ proxy: FaultProxy; client: Client; host: HostInfo; address: string }> {
  const proxy = startProxy(await ensureCassandra());
  const address = `${proxy.host}:${proxy.port}`;
  const client = new Client({
    contactPoints: [address],
    connectionsPerHost: CONNECTIONS,
    maxRequestsPerConnection: PER_CONNECTION,
    maxQueuedRequestsPerHost: QUEUED,
    schemaMetadata: false,
    requestTimeout: 30_000,
    ...extra,
  });
  await client.connect();
  assertEquals((await client.execute(QUERY)).first()?.key, "local");
  const host = client.hosts.find((h) => h.address === address);
  assert(host !== undefined, `the client knows the node as ${address}`);
  return { proxy, client, host, address };
}

/**
 * With the node stalled, issues `n` requests; the ones past the node's capacity must fail at
 * once (while the node still holds every reply) and the others once it answers.
 */
async function fillAndDrain(proxy: FaultProxy, client: Client, address: string, n: number) {
  proxy.stall();
  const outcomes = Array.from({ length: n }, () => track(client.execute(QUERY)));
  const refused = Math.max(0, n - CAPACITY);
  await waitFor(
    `${refused} requests refused`,
    () => outcomes.filter((o) => o.settled).length >= refused,
  );
  // Give a wrong extra refusal the time to show: the node still answers nothing.
  await sleep(50);
  assertEquals(outcomes.filter((o) => o.settled).length, refused, "only the excess settled");
  for (const o of outcomes.slice(CAPACITY)) {
    assert(busyOnly(o.error, address), `a typed busy refusal, got ${o.error}`);
  }
  proxy.resume();
  await waitFor("every accepted request answered", () => outcomes.every((o) => o.settled), 10_000);
  for (const o of outcomes.slice(0, Math.min(n, CAPACITY))) {
    assertEquals(o.error, undefined, "an accepted request succeeds");
    assertEquals((o.value as { first(): { key?: string } | undefined }).first()?.key, "local");
  }
}

Deno.test("backpressure: past maxRequestsPerConnection and the queue, a node refuses at once with BusyConnectionError", async () => {
  await noUnhandled(async () => {
    const { proxy, client, host, address } = await setup();
    try {
      await fillAndDrain(proxy, client, address, CAPACITY + 14);
      // No stream id leaked: the node takes its whole capacity again, and not one more.
      await waitFor("nothing in flight", () => host.inFlight === 0);
      await fillAndDrain(proxy, client, address, CAPACITY);
      await waitFor("nothing in flight", () => host.inFlight === 0);
      await fillAndDrain(proxy, client, address, CAPACITY + 1);
      await waitFor("nothing in flight", () => host.inFlight === 0);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});

Deno.test("backpressure: queued requests that time out free their places in the queue at once", async () => {
  await noUnhandled(async () => {
    // Every id orphaned past maxOrphanedRequests would retire the connections (see the
    // connection tests); here they stay, to show the ids wait for their late answers.
    const { proxy, client, host, address } = await setup({
      maxOrphanedRequests: PER_CONNECTION + 1,
    });
    try {
      proxy.stall();
      const first = Array.from(
        { length: CAPACITY },
        () => track(client.execute(QUERY, [], { timeout: 300 })),
      );
      await waitFor("all timed out", () => first.every((o) => o.settled), 1_300);
      for (const o of first) {
        assert(o.error instanceof RequestTimeoutError, `a timeout, got ${o.error}`);
      }
      // The stream ids of the sent ones wait for their late answers; the queue is free again.
      assertEquals(host.inFlight, PER_CONNECTION * CONNECTIONS);
      const second = Array.from({ length: QUEUED + 1 }, () => track(client.execute(QUERY)));
      await waitFor("one refused", () => second.some((o) => o.settled));
      await sleep(50);
      assertEquals(second.filter((o) => o.settled).length, 1, "only the one past the queue");
      assert(
        busyOnly(second[QUEUED].error, address),
        `a typed busy refusal, got ${second[QUEUED].error}`,
      );
      proxy.resume();
      await waitFor("the queued ones answered", () => second.every((o) => o.settled), 10_000);
      for (const o of second.slice(0, QUEUED)) assertEquals(o.error, undefined);
      await waitFor("nothing in flight", () => host.inFlight === 0);
      await fillAndDrain(proxy, client, address, CAPACITY + 1);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});

Deno.test("backpressure: close() cuts requests left after closeTimeout with ClosedError and closes the sockets", async () => {
  await noUnhandled(async () => {
    const closeTimeout = 500;
    const { proxy, client, host } = await setup({ closeTimeout });
    try {
      proxy.stall();
      // Sent, queued, and one still to PREPARE (a statement this client never prepared).
      const outcomes = Array.from({ length: CAPACITY - 1 }, () => track(client.execute(QUERY)));
      outcomes.push(track(client.execute("SELECT key FROM system.local WHERE key = ?", ["local"])));
      await sleep(50);
      assert(outcomes.every((o) => !o.settled), "the stalled node answered nothing");
      const closed = track(client.close());
      await waitFor("close() resolved", () => closed.settled, closeTimeout + 1_000);
      assertEquals(closed.error, undefined, "close() resolves");
      await waitFor("every request settled", () => outcomes.every((o) => o.settled), 1_000);
      for (const o of outcomes) {
        assert(o.error instanceof ClosedError, `a ClosedError, got ${o.error}`);
      }
      // client.hosts are the driver's nodes, which also count their open connections.
      assertEquals((host as HostInfo & { openConnections: number }).openConnections, 0);
      const after = track(client.execute(QUERY));
      await waitFor("a request after close() settled", () => after.settled, 1_000);
      assert(after.error instanceof ClosedError, `a ClosedError, got ${after.error}`);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});

Deno.test("backpressure: close() lets requests that are answered within closeTimeout succeed", async () => {
  await noUnhandled(async () => {
    const { proxy, client } = await setup({ closeTimeout: 10_000 });
    try {
      proxy.stall();
      const outcomes = Array.from({ length: CAPACITY }, () => track(client.execute(QUERY)));
      const closed = track(client.close());
      await sleep(200);
      assert(!closed.settled, "close() waits for the requests");
      proxy.resume();
      await waitFor("close() resolved", () => closed.settled, 10_000);
      assertEquals(closed.error, undefined);
      for (const o of outcomes) assertEquals(o.error, undefined, "issued before close(): answered");
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});

Deno.test("backpressure: the options are validated", () => {
  for (const bad of [-1, 1.5, Number.NaN]) {
    assertThrows(
      () => new Client({ contactPoints: ["127.0.0.1"], maxQueuedRequestsPerHost: bad }),
      TypeError,
    );
    assertThrows(() => new Client({ contactPoints: ["127.0.0.1"], closeTimeout: bad }), TypeError);
  }
  new Client({ contactPoints: ["127.0.0.1"], maxQueuedRequestsPerHost: 0, closeTimeout: 0 });
});

/** A node of the executor's plan, busy or not; `conn` stands for its ready connection. */
function fakeHost(address: string, busy: boolean, ready: boolean) {
  const refusal = new BusyConnectionError(address, PER_CONNECTION, CONNECTIONS, QUEUED);
  const conn = { address };
  return {
    address,
    datacenter: undefined,
    rack: undefined,
    isUp: true,
    inFlight: 0,
    ready: () => (busy || !ready ? undefined : conn),
    busy: () => (busy ? refusal : undefined),
    borrow: () => (busy ? Promise.reject(refusal) : Promise.resolve(conn)),
  };
}

Deno.test("backpressure: a busy node sends the request to the next node of the plan; all busy: NoHostAvailableError", async () => {
  const { Executor } = await import("../../src/client/execution.ts");
  const { DefaultRetryPolicy } = await import("../../src/client/policies/retry.ts");
  type Hosts = ConstructorParameters<typeof Executor>[2];
  const inOrder = { newQueryPlan: <H>(hosts: readonly H[]) => hosts };
  const run = (hosts: ReturnType<typeof fakeHost>[]) => {
    const exec = new Executor(
      inOrder,
      new DefaultRetryPolicy(),
      (() => hosts) as unknown as Hosts,
      () => Promise.resolve(),
    );
    exec.connected = true;
    return exec.run(
      {},
      {},
      (conn) => Promise.resolve((conn as unknown as { address: string }).address),
    );
  };
  // The next node ready, or still to be borrowed from: the request goes there.
  assertEquals(await run([fakeHost("a:1", true, true), fakeHost("b:1", false, true)]), "b:1");
  assertEquals(await run([fakeHost("a:1", true, true), fakeHost("b:1", false, false)]), "b:1");
  // Every node busy: one error per node, each a BusyConnectionError.
  const error = await run([fakeHost("a:1", true, true), fakeHost("b:1", true, true)]).then(
    () => undefined,
    (e) => e,
  );
  assert(error instanceof NoHostAvailableError, `NoHostAvailableError, got ${error}`);
  assertEquals([...error.errors.keys()], ["a:1", "b:1"]);
  assert([...error.errors.values()].every((e) => e instanceof BusyConnectionError));
});
