import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { ensureCassandra } from "../support/cassandra.ts";
import { startProxy } from "../support/proxy.ts";
import { startCqlProxies } from "../support/cql-proxy.ts";
import { Connection, type ConnectionOptions } from "../../src/connection/connection.ts";
import { defaultTransport } from "../../src/transport/detect.ts";
import { encodeOptions, encodeQuery } from "../../src/protocol/requests.ts";
import { createRowDecoder } from "../../src/protocol/types/row-decoder.ts";
import { loadLz4 } from "../../src/compression/lz4.ts";
import type { Response } from "../../src/protocol/responses.ts";
import { AbortError, ClosedError, ConnectionError, RequestTimeoutError } from "../../src/errors.ts";
import { ProtocolError } from "../../src/protocol/errors.ts";
import { CqlSyntaxError } from "../../src/protocol/server-errors.ts";

const transport = await defaultTransport();

async function open(extra: Partial<ConnectionOptions> = {}): Promise<Connection> {
  const node = await ensureCassandra();
  return await Connection.open({ host: node.host, port: node.port, transport, ...extra });
}

function rows(r: Response): Record<string, unknown>[] {
  const m = r.message;
  if (m.kind !== "rows") throw new Error(`expected rows, got ${m.kind}`);
  const c = m.content;
  return createRowDecoder(m.metadata.columns!).decodeRows(c.buf, c.offset, c.end, m.rowCount);
}

const query =
  (cql: string) => (w: Parameters<typeof encodeQuery>[0], f: Parameters<typeof encodeQuery>[1]) =>
    encodeQuery(w, f, cql, { consistency: "ONE" });

Deno.test("connection: v5 by default, v4 on request, with and without LZ4", async () => {
  const lz4 = await loadLz4();
  for (
    const [version, compressor] of [[5, undefined], [4, undefined], [5, lz4], [4, lz4]] as const
  ) {
    const conn = await open({ protocolVersion: version, compressor });
    try {
      assertEquals(conn.protocolVersion, version);
      assertEquals(conn.compressed, compressor !== undefined);
      // A page big enough that LZ4 and v5 segmenting both have real work to do.
      const r = await conn.send(query("SELECT * FROM system_schema.columns"), rows, {
        timeout: 5000,
      });
      assert(r.length > 100, `got ${r.length} schema columns`);
      const local = await conn.send(query("SELECT release_version FROM system.local"), rows);
      assert(/^5\.0\./.test(String(local[0].release_version)));
    } finally {
      await conn.close();
    }
  }
});

Deno.test("connection: falls back to v4 when the server refuses v5", async () => {
  const proxy = startProxy(await ensureCassandra());
  proxy.refuseV5 = true;
  try {
    const conn = await Connection.open({ host: proxy.host, port: proxy.port, transport });
    try {
      assertEquals(conn.protocolVersion, 4);
      assertEquals(proxy.accepted, 2, "one refused v5 attempt, then v4");
      const r = await conn.send(query("SELECT release_version FROM system.local"), rows);
      assertEquals(r.length, 1);
    } finally {
      await conn.close();
    }
  } finally {
    await proxy.close();
  }
});

Deno.test("connection: 10k concurrent requests over a 512-stream cap all settle correctly", async () => {
  const conn = await open({ maxRequests: 512 });
  try {
    const ps: Promise<number>[] = [];
    for (let i = 0; i < 10_000; i++) {
      ps.push(conn.send(query("SELECT key FROM system.local"), () => i));
    }
    assert(conn.queued > 0, "requests beyond the cap wait in line");
    const got = await Promise.all(ps);
    for (let i = 0; i < got.length; i++) {
      if (got[i] !== i) throw new Error(`request ${i} got ${got[i]}`);
    }
    assertEquals(conn.inFlight, 0);
    // Each answer goes to its own request: values differ per request here.
    const vals = await Promise.all(
      Array.from({ length: 2000 }, (_, i) =>
        conn.send(
          (w, f) =>
            encodeQuery(w, f, "SELECT blobAsInt(intAsBlob(?)) AS v FROM system.local", {
              consistency: "ONE",
              values: [new Uint8Array([0, 0, i >> 8, i & 255])],
            }),
          (r) => rows(r)[0].v,
        )),
    );
    vals.forEach((v, i) => assertEquals(v, i));
  } finally {
    await conn.close();
  }
});

Deno.test("connection: a timed-out request keeps its stream id until the late answer", async () => {
  const proxy = startProxy(await ensureCassandra());
  const conn = await Connection.open({ host: proxy.host, port: proxy.port, transport });
  try {
    proxy.stall();
    const t0 = performance.now();
    await assertRejects(
      () => conn.send(query("SELECT release_version FROM system.local"), rows, { timeout: 300 }),
      RequestTimeoutError,
    );
    const took = performance.now() - t0;
    assert(took >= 250 && took < 1500, `timed out after ${took} ms`);
    assertEquals(conn.inFlight, 1, "the id stays reserved");
    const ac = new AbortController();
    const aborted = conn.send(query("SELECT cluster_name FROM system.local"), rows, {
      signal: ac.signal,
    });
    const t1 = performance.now();
    ac.abort();
    await assertRejects(() => aborted, AbortError);
    assert(performance.now() - t1 < 50, "abort settles at once");
    assertEquals(conn.inFlight, 2);
    proxy.resume();
    // The late answers free their ids and are given to nobody else.
    const r = await conn.send(query("SELECT key FROM system.local"), rows, { timeout: 5000 });
    assertEquals(r[0].key, "local");
    // The server may answer out of order: give the last late answer a moment to come back.
    const deadline = Date.now() + 2000;
    while (conn.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assertEquals(conn.inFlight, 0);
  } finally {
    proxy.resume();
    await conn.close();
    await proxy.close();
  }
});

Deno.test("connection: timeouts still fire after the timeout ticker stopped on an idle connection", async () => {
  const proxy = startProxy(await ensureCassandra());
  const conn = await Connection.open({ host: proxy.host, port: proxy.port, transport });
  try {
    // One request at a time, then idle for several ticks: the ticker stops by itself.
    for (let i = 0; i < 3; i++) {
      const r = await conn.send(query("SELECT key FROM system.local"), rows, { timeout: 5000 });
      assertEquals(r[0].key, "local");
      await new Promise((r) => setTimeout(r, 100));
    }
    proxy.stall();
    const t0 = performance.now();
    await assertRejects(
      () => conn.send(query("SELECT key FROM system.local"), rows, { timeout: 200 }),
      RequestTimeoutError,
    );
    const took = performance.now() - t0;
    assert(took >= 150 && took < 1500, `timed out after ${took} ms`);
  } finally {
    proxy.resume();
    await conn.close();
    await proxy.close();
  }
});

Deno.test("connection: a cut connection rejects every pending request with ConnectionError", async () => {
  const proxy = startProxy(await ensureCassandra());
  let closedWith: Error | undefined;
  const conn = await Connection.open({
    host: proxy.host,
    port: proxy.port,
    transport,
    onClose: (e) => closedWith = e,
  });
  try {
    proxy.stall();
    const pending = Array.from(
      { length: 20 },
      () => conn.send(query("SELECT key FROM system.local"), rows, { timeout: 10_000 }),
    );
    await new Promise((r) => setTimeout(r, 50));
    proxy.cut();
    for (const p of pending) await assertRejects(() => p, ConnectionError);
    assert(closedWith instanceof ConnectionError);
    assertEquals(conn.open, false);
    await assertRejects(
      () => conn.send(query("SELECT key FROM system.local"), rows),
      ConnectionError,
    );
  } finally {
    await proxy.close();
  }
});

Deno.test("connection: garbage from the server fails the connection with a ProtocolError cause", async () => {
  const proxy = startProxy(await ensureCassandra());
  const conn = await Connection.open({
    host: proxy.host,
    port: proxy.port,
    transport,
    protocolVersion: 4,
  });
  try {
    proxy.stall();
    const p = conn.send(query("SELECT key FROM system.local"), rows, { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 50));
    proxy.inject(new Uint8Array([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a]));
    const e = await assertRejects(() => p, ConnectionError, "bad data from server");
    assert(e.cause instanceof ProtocolError, "the cause is typed");
  } finally {
    await proxy.close();
  }
});

Deno.test("connection: a frame over maxFrameLength fails cleanly before allocating", async () => {
  const conn = await open({ maxFrameLength: 4096, protocolVersion: 4 });
  const e = await assertRejects(
    () => conn.send(query("SELECT * FROM system_schema.columns"), rows, { timeout: 5000 }),
    ConnectionError,
  );
  assert(e.cause instanceof ProtocolError && /exceeds/.test(e.cause.message), String(e.cause));
});

Deno.test("connection: a missed heartbeat declares the connection dead", async () => {
  const proxy = startProxy(await ensureCassandra());
  let closedWith: Error | undefined;
  const conn = await Connection.open({
    host: proxy.host,
    port: proxy.port,
    transport,
    heartbeatInterval: 200,
    heartbeatTimeout: 300,
    onClose: (e) => closedWith = e,
  });
  try {
    proxy.stall();
    const deadline = Date.now() + 3000;
    while (conn.open && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assertEquals(conn.open, false);
    assert(closedWith instanceof ConnectionError && /heartbeat/.test(closedWith.message));
  } finally {
    proxy.resume();
    await proxy.close();
  }
});

Deno.test("connection: close() lets in-flight requests finish, then refuses new ones", async () => {
  const conn = await open();
  const pending = Array.from(
    { length: 50 },
    () => conn.send(query("SELECT key FROM system.local"), rows),
  );
  const closing = conn.close();
  const results = await Promise.all(pending);
  assertEquals(results.length, 50);
  await closing;
  await assertRejects(() => conn.send((w, f) => encodeOptions(w, f), () => 0), ClosedError);
});

Deno.test("connection: a server error rejects only its request", async () => {
  const conn = await open();
  try {
    const bad = conn.send(query("SELEKT nothing"), rows);
    const good = conn.send(query("SELECT key FROM system.local"), rows);
    await assertRejects(() => bad, CqlSyntaxError);
    assertEquals((await good)[0].key, "local");
    assert(conn.open);
  } finally {
    await conn.close();
  }
});

Deno.test("connection: a bad value is a TypeError and nothing is sent", async () => {
  const conn = await open();
  try {
    await assertRejects(
      () =>
        conn.send((w, f) => {
          encodeQuery(w, f, "SELECT key FROM system.local", { consistency: "ONE" });
          throw new TypeError("parameter x: not an int");
        }, rows),
      TypeError,
      "not an int",
    );
    assertEquals(conn.inFlight, 0);
    const r = await conn.send(query("SELECT key FROM system.local"), rows);
    assertEquals(r[0].key, "local");
  } finally {
    await conn.close();
  }
});

Deno.test("connection: answers that never come (dropped) past maxOrphans close it gracefully, the rest answered", async () => {
  const node = await ensureCassandra();
  const px = await startCqlProxies([{ host: node.host, port: node.port }]);
  const tag = `orphan_${crypto.randomUUID().replaceAll("-", "")}`;
  const lost = `SELECT key FROM system.local /* ${tag} */`;
  let closedWith: Error | undefined | null = null;
  const conn = await Connection.open({
    host: px.proxies[0].host,
    port: px.proxies[0].port,
    transport,
    maxOrphans: 2,
    onClose: (e) => closedWith = e,
  });
  try {
    px.add({ when: { direction: "response", statement: tag }, then: { kind: "drop" } });
    const slow = conn.send(query("SELECT key FROM system.local"), () => "answered");
    await assertRejects(
      () => conn.send(query(lost), () => 1, { timeout: 150 }),
      RequestTimeoutError,
    );
    assert(conn.open, "one orphan is below the limit");
    assertEquals(conn.inFlight, 1, "the orphan keeps its id");
    const third = conn.send(query(lost), () => 1, { timeout: 150 });
    await assertRejects(() => third, RequestTimeoutError);
    assert(!conn.open, "the second orphan closes it to new requests");
    assertEquals(await slow, "answered");
    await assertRejects(
      () => conn.send(query("SELECT key FROM system.local"), () => 1),
      ClosedError,
    );
    const until = Date.now() + 5_000;
    while (closedWith === null && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assertEquals(closedWith, undefined, "closed by us, without an error");
  } finally {
    conn.destroy();
    await px.close();
  }
});

Deno.test("connection: one answer missing for four heartbeat intervals retires the connection", async () => {
  const node = await ensureCassandra();
  const px = await startCqlProxies([{ host: node.host, port: node.port }]);
  const tag = `stale_${crypto.randomUUID().replaceAll("-", "")}`;
  let closedWith: Error | undefined | null = null;
  const conn = await Connection.open({
    host: px.proxies[0].host,
    port: px.proxies[0].port,
    transport,
    heartbeatInterval: 100,
    onClose: (e) => closedWith = e,
  });
  try {
    px.add({ when: { direction: "response", statement: tag }, then: { kind: "drop" } });
    const lost = query(`SELECT key FROM system.local /* ${tag} */`);
    await assertRejects(() => conn.send(lost, () => 1, { timeout: 100 }), RequestTimeoutError);
    assert(conn.open, "one orphan, just given up on: still open");
    const until = Date.now() + 5_000;
    while (closedWith === null && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assertEquals(closedWith, undefined, "closed gracefully by the heartbeat");
  } finally {
    conn.destroy();
    await px.close();
  }
});

Deno.test("connection: a late answer frees its id, and the connection stays", async () => {
  const node = await ensureCassandra();
  const px = await startCqlProxies([{ host: node.host, port: node.port }]);
  const tag = `late_${crypto.randomUUID().replaceAll("-", "")}`;
  const conn = await Connection.open({
    host: px.proxies[0].host,
    port: px.proxies[0].port,
    transport,
    heartbeatInterval: 100,
  });
  try {
    px.add({ when: { direction: "response", statement: tag }, then: { kind: "delay", ms: 300 } });
    const late = query(`SELECT key FROM system.local /* ${tag} */`);
    await assertRejects(() => conn.send(late, () => 1, { timeout: 100 }), RequestTimeoutError);
    // (A heartbeat may be in flight beside it: every 100 ms here.)
    assert(conn.inFlight >= 1, "its id waits for the answer");
    await new Promise((r) => setTimeout(r, 1_000));
    const until = Date.now() + 2_000;
    while (conn.inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    assertEquals(conn.inFlight, 0, "the late answer freed it");
    assert(conn.open, "nothing was lost: the connection stays");
    assertEquals(await conn.send(query("SELECT key FROM system.local"), () => "ok"), "ok");
  } finally {
    conn.destroy();
    await px.close();
  }
});
