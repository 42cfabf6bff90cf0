/**
 * The version matrix: the lines users run besides 5.0 (3.11, 4.0, 4.1), each started by the
 * launcher from its newest patch release. Per line: the conformance checks (all but the TLS ones,
 * which need the 5.0 TLS cluster) against one node, then the core of the cluster tests on two
 * nodes: discovery, token-aware routing to the owner, a node stopped and started again. 5.0 is
 * what every other suite runs against.
 *
 * Addresses: one node per line on 127.0.0.91 (3.11), .92 (4.0), .93 (4.1); two nodes per line on
 * .94-.95, .96-.97, .98-.99. Each line's clusters are stopped once its tests are done, so at most
 * two of these nodes run at a time next to the other suites' clusters.
 *
 * @module
 */
import * as driver from "../../mod.ts";
import { Client, type HostInfo } from "../../mod.ts";
import { resolveJars } from "../../tools/cassandra/jars.ts";
import {
  type CassandraLine,
  type ClusterInfo,
  lineOf,
  startNode,
  stop,
  stopNode,
} from "../../tools/cassandra/launcher.ts";
import { checks, type Context, NotApplicable } from "../conformance/checks.mjs";
import { startProxy } from "../conformance/proxy.mjs";
import { assert, assertEquals } from "../support/assert.ts";
import { ensureCluster } from "../support/cassandra.ts";
import { ownerOf, ownTokens } from "../support/ownership.ts";

/** One line of the matrix and where its clusters live. */
interface Line {
  line: CassandraLine;
  /** The single node of the conformance checks. */
  single: string;
  /** The first of the two nodes of the cluster tests. */
  pair: string;
  /** What the driver negotiates with it: 3.11 offers v5 only as a beta, so v4. */
  protocolVersion: 4 | 5;
}

const LINES: readonly Line[] = [
  { line: "3.11", single: "127.0.0.91", pair: "127.0.0.94", protocolVersion: 4 },
  { line: "4.0", single: "127.0.0.92", pair: "127.0.0.96", protocolVersion: 5 },
  { line: "4.1", single: "127.0.0.93", pair: "127.0.0.98", protocolVersion: 5 },
];

/**
 * Errors a line logs whatever the client does, each with why it is harmless here. Anything
 * else at ERROR fails the line's log check.
 */
const KNOWN_ERRORS: Partial<Record<CassandraLine, RegExp[]>> = {
  // At start-up: 3.11 unmaps files through sun.misc.Cleaner, which Java 9 removed; compacted
  // files are then deleted later, which a test node does not mind.
  "3.11": [/Cannot initialize un-mmaper/],
};

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
const HEAP_MB = 512;

const singleName = (l: Line) => `v${l.line.replace(".", "")}`;
const pairName = (l: Line) => `v${l.line.replace(".", "")}-pair`;

/**
 * Resolving the other lines' jars is network-bound: it runs behind the first line's tests, and
 * each start joins the resolution already under way (resolveJars shares one per line).
 */
let prefetch: Promise<void> | undefined;
function prefetchJars(): void {
  prefetch ??= LINES.slice(1).reduce(
    (p, l) => p.then(() => resolveJars({ line: l.line, quiet: true })).then(() => {}),
    Promise.resolve(),
  ).catch(() => {/* the start of that line resolves again and reports the failure */});
}

function single(l: Line): Promise<ClusterInfo> {
  return ensureCluster({
    name: singleName(l),
    version: l.line,
    address: l.single,
    heapMb: HEAP_MB,
  });
}

function pair(l: Line): Promise<ClusterInfo> {
  return ensureCluster({
    name: pairName(l),
    version: l.line,
    address: l.pair,
    nodes: 2,
    heapMb: HEAP_MB,
  });
}

const addr = (info: ClusterInfo, i: number) => `${info.nodes[i].address}:${info.nodes[i].port}`;

/** Polls `check` every 100 ms until it returns true or `timeoutMs` passes. */
async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The ERROR lines of a node's system.log that are not known to be harmless. */
async function unexpectedErrors(l: Line, info: ClusterInfo): Promise<string[]> {
  const out: string[] = [];
  for (const n of info.nodes) {
    const log = await Deno.readTextFile(`${n.dir}/logs/system.log`);
    for (const line of log.split("\n")) {
      if (!line.startsWith("ERROR")) continue;
      if ((KNOWN_ERRORS[l.line] ?? []).some((re) => re.test(line))) continue;
      out.push(`node${n.index}: ${line}`);
    }
  }
  return out;
}

for (const l of LINES) {
  const tag = `[cassandra ${l.line}]`;

  Deno.test({
    name: `${tag} starts on this Java from the newest ${l.line}.x release`,
    ...OPTS,
    async fn() {
      prefetchJars();
      const info = await single(l);
      assertEquals(lineOf(info.version), l.line, `version ${info.version}`);
      const c = new Client({ contactPoints: [addr(info, 0)], localDataCenter: "datacenter1" });
      try {
        const v = (await c.execute("SELECT release_version FROM system.local")).first()
          ?.release_version;
        assertEquals(v, info.version, "release_version");
        assertEquals(c.protocolVersion, l.protocolVersion, "negotiated protocol version");
      } finally {
        await c.close();
      }
    },
  });

  for (const check of checks.filter((c) => !c.name.startsWith("TLS:"))) {
    Deno.test({
      name: `${tag} [conformance] ${check.name}`,
      ...OPTS,
      async fn() {
        const info = await single(l);
        const contact = addr(info, 0);
        const ctx: Context = {
          runtime: "deno",
          driver,
          contact,
          // Unused by the checks run here (the TLS ones need the 5.0 TLS cluster).
          tls: { contact: "", caPem: "", otherCaPem: "" },
          server: { protocolVersion: l.protocolVersion, release: `${l.line}.` },
          startProxy: () => startProxy({ host: info.nodes[0].address, port: info.nodes[0].port }),
        };
        try {
          const note = await check.fn(ctx);
          if (note) console.log(note);
        } catch (e) {
          if (e instanceof NotApplicable) throw new Error(`unexpectedly not applicable: ${e}`);
          throw e;
        }
      },
    });
  }

  Deno.test({
    name: `${tag} the driver's connections (v5 first) leave no ERROR in the node's log`,
    ...OPTS,
    async fn() {
      const info = await single(l);
      const errors = await unexpectedErrors(l, info);
      assertEquals(errors, [], "unexpected ERROR lines");
      await stop(info.name, () => {});
    },
  });

  Deno.test({
    name: `${tag} cluster: one contact point finds both nodes, with host id, version and tokens`,
    ...OPTS,
    async fn() {
      const info = await pair(l);
      const c = new Client({ contactPoints: [addr(info, 0)], localDataCenter: "datacenter1" });
      try {
        // A node answers CQL before gossip has told the other everything about it.
        await waitFor("both nodes with host id and tokens", async () => {
          await c.connect();
          return c.hosts.length === 2 &&
            c.hosts.every((h) => h.hostId !== undefined && (h.tokens?.length ?? 0) > 0);
        }, 120_000);
        const hosts = [...c.hosts].sort((a, b) => a.address.localeCompare(b.address));
        assertEquals(hosts.map((h) => h.address), [addr(info, 0), addr(info, 1)]);
        for (const h of hosts) {
          assertEquals(h.releaseVersion, info.version, `release of ${h.address}`);
          assertEquals(h.datacenter, "datacenter1");
          assertEquals(h.tokens?.length, info.nodes[0].tokens?.length, `tokens of ${h.address}`);
          assert(h.isUp, `${h.address} is up`);
        }
      } finally {
        await c.close();
      }
    },
  });

  Deno.test({
    name: `${tag} cluster: with RF=1 each request goes to the node owning its token`,
    ...OPTS,
    async fn() {
      const info = await pair(l);
      const addresses = [addr(info, 0), addr(info, 1)];
      const c = new Client({ contactPoints: [addresses[0]], localDataCenter: "datacenter1" });
      try {
        await c.execute("DROP KEYSPACE IF EXISTS matrix_route");
        await c.execute(
          "CREATE KEYSPACE matrix_route WITH replication = " +
            "{'class': 'SimpleStrategy', 'replication_factor': 1}",
        );
        await c.execute("CREATE TABLE matrix_route.t (a text, b int, v int, PRIMARY KEY ((a, b)))");
        const owners = await ownTokens(addresses[0], addresses);
        const insert = "INSERT INTO matrix_route.t (a, b, v) VALUES (?, ?, ?)";
        const token = "SELECT token(a, b) AS t FROM matrix_route.t WHERE a = ? AND b = ?";
        // The first executions prepare: from then on the client knows the statements' keys.
        await c.execute(insert, ["warm", 0, 0]);
        await c.execute(token, ["warm", 0]);
        const seen = new Set<string>();
        for (let i = 0; i < 200; i++) {
          const key = [`key-${i}`, i % 7];
          const ins = await c.execute(insert, [...key, i]);
          const rs = await c.execute<{ t: bigint }>(token, key);
          const owner = ownerOf(owners, rs.first()!.t);
          assertEquals(ins.info.queriedHost, owner, `insert of ${key}`);
          assertEquals(rs.info.queriedHost, owner, `select of ${key}`);
          seen.add(owner);
        }
        assertEquals(seen.size, 2, "the keys spread over both nodes");
      } finally {
        await c.close();
      }
    },
  });

  Deno.test({
    name: `${tag} cluster: a node stopped raises hostDown, started again hostUp`,
    ...OPTS,
    async fn() {
      const info = await pair(l);
      const c = new Client({ contactPoints: [addr(info, 0)], localDataCenter: "datacenter1" });
      const events: { name: string; address: string }[] = [];
      for (const name of ["hostUp", "hostDown"] as const) {
        c.on(name, (h: HostInfo) => events.push({ name, address: h.address }));
      }
      const second = addr(info, 1);
      const seen = (name: string) => events.some((e) => e.name === name && e.address === second);
      try {
        await c.connect();
        await waitFor(`${second} known and up`, () => {
          const h = c.hosts.find((x) => x.address === second);
          return h !== undefined && h.isUp;
        }, 60_000);
        await stopNode(info.name, 2, () => {});
        await waitFor(`hostDown for ${second}`, () => seen("hostDown"), 60_000);
        assert(!c.hosts.find((x) => x.address === second)?.isUp, `${second} is down`);
        await startNode(info.name, 2, { log: () => {} });
        await waitFor(`hostUp for ${second}`, () => seen("hostUp"), 120_000);
        // The node that came back takes requests again (the policy spreads unrouted ones).
        const queried = new Set<string>();
        for (let i = 0; i < 20 && !queried.has(second); i++) {
          queried.add(
            (await c.execute("SELECT release_version FROM system.local")).info.queriedHost,
          );
        }
        assert(queried.has(second), `no request reached ${second}: ${[...queried]}`);
      } finally {
        await c.close();
        await startNode(info.name, 2, { log: () => {} }).catch(() => {});
      }
    },
  });

  Deno.test({
    name: `${tag} cluster: no unexpected ERROR in either node's log`,
    ...OPTS,
    async fn() {
      const info = await pair(l);
      try {
        assertEquals(await unexpectedErrors(l, info), [], "unexpected ERROR lines");
      } finally {
        await stop(info.name, () => {});
      }
    },
  });
}
