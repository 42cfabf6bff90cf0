/**
 * The fault table (cases.ts) on a real 3-node cluster, each node behind the CQL-aware proxy
 * (tests/support/cql-proxy.ts), on protocol v4 and v5 with LZ4 on and off. For every case:
 * the outcome and the nodes tried (`rs.info.triedHosts`, or the error's class), how many times
 * the request went out (a non-idempotent write is never re-sent after a timeout), that it
 * settled within its timeout plus a second, no unhandled rejection, every stream id back (each
 * host's `inFlight` is 0 again, which counts ids still reserved for unanswered requests: an
 * answer that never comes costs its connection, replaced past `maxOrphanedRequests`), and the
 * same client answering from node 1 again once the rule is gone. Then speculative execution
 * against a slow node 1.
 */
import {
  Client,
  type ClientOptions,
  ConstantReconnectionPolicy,
  type HostInfo,
  type LoadBalancingPolicy,
  ResultSet,
} from "../../mod.ts";
import { Opcode, opcodeName } from "../../src/protocol/opcodes.ts";
import { type ProxySet, startCqlProxies } from "../support/cql-proxy.ts";
import { ensureCluster } from "../support/cassandra.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { CASES, type FaultCase } from "./cases.ts";

const FAULTS = { name: "faults", address: "127.0.0.101", nodes: 3, heapMb: 512 } as const;
const KEYSPACE = "faults_ks";
const TIMEOUT = 1500;
/** A liveness bound, not a speed assertion: a request that hangs would never settle. */
const SETTLE_BOUND = TIMEOUT + 1000;

/** Plans the hosts in the order of `order` (proxy addresses). */
function ordered(order: readonly string[]): LoadBalancingPolicy {
  return {
    newQueryPlan<H extends HostInfo>(hosts: readonly H[]): Iterable<H> {
      return [...hosts].sort((a, b) => order.indexOf(a.address) - order.indexOf(b.address));
    },
  };
}

interface Combo {
  readonly version: 4 | 5;
  readonly lz4: boolean;
  /** Whether the cases that cost a request timeout run here too. */
  readonly slow: boolean;
}

const COMBOS: readonly Combo[] = [
  { version: 5, lz4: false, slow: true },
  { version: 5, lz4: true, slow: false },
  { version: 4, lz4: false, slow: false },
  { version: 4, lz4: true, slow: true },
];

interface Setup {
  readonly px: ProxySet;
  /** The proxies' addresses, node 1 first. */
  readonly addr: string[];
  /** Node index by the node's own "host:port". */
  readonly byNode: Map<string, number>;
  /** One client per node, straight to it (no proxy): prepares each case's statement there. */
  readonly direct: Client[];
}

let setup: Promise<Setup> | undefined;

/** Plans only the node at `address`. */
function pinned(address: string): LoadBalancingPolicy {
  return {
    newQueryPlan<H extends HostInfo>(hosts: readonly H[]): Iterable<H> {
      return hosts.filter((h) => h.address === address);
    },
  };
}

/** The cluster and its proxies, once per test file; the schema made through node 1. */
function prepareCluster(): Promise<Setup> {
  return setup ??= (async () => {
    const info = await ensureCluster({ ...FAULTS });
    const px = await startCqlProxies(info.nodes.map((n) => ({ host: n.address, port: n.port })));
    const addr = px.proxies.map((p) => `${p.host}:${p.port}`);
    const byNode = new Map(info.nodes.map((n, i) => [`${n.address}:${n.port}`, i]));
    const direct = info.nodes.map((n) => {
      const a = `${n.address}:${n.port}`;
      return new Client({ contactPoints: [a], loadBalancing: pinned(a), connectionsPerHost: 1 });
    });
    const admin = direct[0];
    await admin.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${KEYSPACE} WITH replication = ` +
        `{'class': 'SimpleStrategy', 'replication_factor': 3}`,
    );
    await admin.execute(`CREATE TABLE IF NOT EXISTS ${KEYSPACE}.kv (k text PRIMARY KEY, v int)`);
    return { px, addr, byNode, direct };
  })();
}

const unhandled: unknown[] = [];
globalThis.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  unhandled.push(e.reason);
});

/** The case's statement, prepared on `client`, run the way the case says. */
function statementOf(c: FaultCase, tag: string): {
  query: string;
  params: unknown[];
  run: (client: Client) => Promise<ResultSet>;
} {
  if (c.statement === "read") {
    const query = `SELECT key FROM system.local WHERE key = ? /* ${tag} */`;
    const params = ["local"];
    return {
      query,
      params,
      run: (client) => client.execute(query, params, { idempotent: c.idempotent }),
    };
  }
  const query = `INSERT INTO ${KEYSPACE}.kv (k, v) VALUES (?, ?) /* ${tag} */`;
  const params = [tag, 1];
  if (c.statement === "write") {
    return {
      query,
      params,
      run: (client) => client.execute(query, params, { idempotent: c.idempotent }),
    };
  }
  const type = c.statement === "logged batch" ? "logged" : "unlogged";
  const items = [{ query, params }, { query, params: [`${tag}b`, 2] }];
  return {
    query,
    params,
    run: (client) => client.batch(items, { type, idempotent: c.idempotent }),
  };
}

/** Polls `cond` every 50 ms for up to `ms`; true once it held. */
async function eventually(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * How long a stream id may stay reserved after its request settled. An answer the driver stopped
 * waiting for still frees its id when it arrives; one that never comes (a dropped or
 * black-holed message) must not hold the id for the life of a healthy connection: past
 * `maxOrphanedRequests` such ids the connection is replaced.
 */
const ID_RETURN_BOUND = 2 * TIMEOUT + 1000;

async function runCase(client: Client, s: Setup, c: FaultCase, tag: string): Promise<void> {
  const { px, addr } = s;
  const { query, params, run } = statementOf(c, tag);
  // Prepared on every node before the fault (ids are the same everywhere), so that the next
  // node of a retry answers the EXECUTE itself rather than with a real Unprepared.
  await Promise.all(s.direct.map((d) => d.execute(query, params)));
  await run(client);
  px.reset();
  const when = c.everyNode ? { ...c.when, statement: tag } : { node: 1, ...c.when, statement: tag };
  const rule = px.add({ when, then: c.then });
  try {
    const started = performance.now();
    let result: ResultSet | Error;
    try {
      result = await run(client);
    } catch (e) {
      result = e as Error;
    }
    const took = performance.now() - started;
    px.remove(rule);
    assert(took < SETTLE_BOUND, `settled after ${Math.round(took)} ms`);
    const e = c.expect;
    if (e.ok) {
      assert(result instanceof ResultSet, `expected an answer, got ${describe(result)}`);
      assertEquals(result.info.queriedHost, addr[e.by - 1], "answered by");
      assertEquals(
        [...result.info.triedHosts.keys()],
        e.tried.map(([n]) => addr[n - 1]),
        "tried",
      );
      for (const [n, cls] of e.tried) {
        const err = result.info.triedHosts.get(addr[n - 1]);
        assert(err instanceof cls, `node ${n}: ${err} is not a ${cls.name}`);
      }
    } else {
      assert(result instanceof e.error, `expected ${e.error.name}, got ${describe(result)}`);
    }
    assert(rule.appliedTotal >= 1, "the rule reacted");
    const sent = px.seen.filter((s) =>
      (s.opcode === Opcode.Execute || s.opcode === Opcode.Batch) &&
      s.statements.some((q) => q.includes(tag))
    ).length;
    assertEquals(
      sent,
      c.attempts,
      `requests sent; the proxies saw ${
        JSON.stringify(px.seen.map((s) => [s.node, opcodeName(s.opcode), s.statements]))
      }`,
    );
    // Every stream id back on every connection of every node (orphans of lost answers included).
    const idle = await eventually(
      () => client.hosts.every((h) => h.inFlight === 0),
      ID_RETURN_BOUND,
    );
    assert(
      idle,
      `stream ids still reserved ${ID_RETURN_BOUND} ms after the request settled: ${
        client.hosts.map((h) => `${h.address}=${h.inFlight}`)
      }; unanswered at the proxies: ${JSON.stringify(px.proxies.flatMap((p) => p.unanswered))}`,
    );
    // The fault is gone: the same client answers from node 1 again, once its heartbeat gave up a
    // silenced connection and it reconnected.
    await eventually(() => px.proxies.every((p) => p.blackholed === 0), 10_000);
    await eventually(() => client.hosts.every((h) => h.isUp), 10_000);
    const again = await run(client);
    assertEquals(again.info.queriedHost, addr[0], "recovered on node 1");
    assertEquals(again.info.triedHosts.size, 0);
    assertEquals(unhandled.length, 0, `unhandled rejections: ${unhandled}`);
  } finally {
    px.remove(rule);
    // A case that failed must not leave its leftovers (reserved ids, a silenced connection) to
    // the next: the client opens fresh connections.
    if (client.hosts.some((h) => h.inFlight > 0) || px.proxies.some((p) => p.blackholed > 0)) {
      for (const p of px.proxies) p.cutAll();
      await eventually(() => client.hosts.every((h) => h.isUp), 10_000);
    }
  }
}

/** An outcome for a failure message: the error's class and message, or what answered. */
function describe(r: ResultSet | Error): string {
  return r instanceof Error
    ? `${r.constructor.name}: ${r.message}`
    : `an answer from ${r.info.queriedHost} (tried ${[...r.info.triedHosts.keys()]})`;
}

/** A client reaching every node through its proxy, node 1 first in every plan. */
function proxiedClient(s: Setup, combo: Combo, extra: Partial<ClientOptions> = {}): Client {
  const { px, addr, byNode } = s;
  return new Client({
    contactPoints: [addr[0]],
    addressTranslator: {
      translate: ({ host, port }) => {
        const i = byNode.get(`${host}:${port}`);
        const p = i === undefined ? undefined : px.proxies[i];
        return p ? { host: p.host, port: p.port } : { host, port };
      },
    },
    loadBalancing: ordered(addr),
    keyspace: KEYSPACE,
    protocolVersion: combo.version,
    compression: combo.lz4 ? "lz4" : undefined,
    requestTimeout: TIMEOUT,
    heartbeatInterval: 500,
    reconnection: new ConstantReconnectionPolicy(100),
    // One request given up on whose answer never comes (a dropped frame) is enough for its
    // connection to be replaced, so that the table sees every id come back after each case.
    maxOrphanedRequests: 1,
    ...extra,
  });
}

for (const combo of COMBOS) {
  const label = `v${combo.version}${combo.lz4 ? " lz4" : ""}`;
  Deno.test({
    name: `faults ${label}: the retry promises, liveness, stream ids and recovery per fault`,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async (t) => {
      const s = await prepareCluster();
      const { px } = s;
      const client = proxiedClient(s, combo);
      try {
        await client.connect();
        let i = 0;
        for (const c of CASES) {
          if (c.slow && !combo.slow) continue;
          // Same length for every case: no tag is a substring of another.
          const tag = `f${combo.version}${combo.lz4 ? "z" : "n"}_${String(i++).padStart(3, "0")}`;
          await t.step(c.name, () => runCase(client, s, c, tag));
        }
        // reached() counts EXECUTEs by their prepared text, learnt from PREPARE answers.
        px.reset();
        const probe = `SELECT key FROM system.local WHERE key = ? /* reached_${label} */`;
        await client.execute(probe, ["local"]);
        await client.execute(probe, ["local"]);
        assertEquals(px.reached(`reached_${label}`, Opcode.Execute).get(1), 2);
      } finally {
        await client.close();
      }
    },
  });
}

Deno.test({
  name:
    "faults v5: a slow node 1 is overtaken by a speculative execution on node 2 for idempotent requests only; the late answer frees its stream id",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const s = await prepareCluster();
    const { px, addr } = s;
    const client = proxiedClient(s, { version: 5, lz4: false, slow: false }, {
      speculativeExecution: { delay: 100, maxExecutions: 2 },
    });
    const slow = 800;
    try {
      await client.connect();
      for (const idempotent of [true, false]) {
        const tag = `spec_${idempotent ? "i" : "n"}`;
        const query = `SELECT key FROM system.local WHERE key = ? /* ${tag} */`;
        await Promise.all(s.direct.map((d) => d.execute(query, ["local"])));
        await client.execute(query, ["local"], { idempotent });
        px.reset();
        const rule = px.add({
          when: { direction: "response", node: 1, statement: tag, times: 1 },
          then: { kind: "delay", ms: slow },
        });
        const rs = await client.execute(query, ["local"], { idempotent });
        px.remove(rule);
        assertEquals(rule.appliedTotal, 1, "node 1's answer was held back");
        const reached = px.reached(tag, Opcode.Execute);
        if (idempotent) {
          assertEquals(rs.info.queriedHost, addr[1], "the speculative execution answered");
          assertEquals(rs.info.speculativeExecutions, 1);
          assertEquals([...reached], [[1, 1], [2, 1]], "sent to node 1, then node 2");
        } else {
          assertEquals(rs.info.queriedHost, addr[0], "waited for node 1");
          assertEquals(rs.info.speculativeExecutions, 0);
          assertEquals([...reached], [[1, 1]], "sent once");
        }
        // The losing attempt's answer arrives after the request settled and frees its id.
        const idle = await eventually(
          () => client.hosts.every((h) => h.inFlight === 0),
          slow + 1000,
        );
        assert(
          idle,
          `stream ids reserved: ${client.hosts.map((h) => `${h.address}=${h.inFlight}`)}`,
        );
      }
      assertEquals(unhandled.length, 0, `unhandled rejections: ${unhandled}`);
    } finally {
      await client.close();
    }
  },
});

Deno.test({
  name: "faults: proxies closed",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    if (setup === undefined) return;
    const s = await setup;
    await s.px.close();
    await Promise.all(s.direct.map((d) => d.close()));
  },
});
