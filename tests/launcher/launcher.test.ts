import fc from "fast-check";
import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import { ensureCassandra } from "../support/cassandra.ts";
import { readCluster, start, status, stop } from "../../tools/cassandra/launcher.ts";
import { answers, cqlOptions } from "../../tools/cassandra/probe.ts";
import { resolveJars } from "../../tools/cassandra/jars.ts";
import { parseArgs } from "../../tools/cassandra/cli.ts";
import {
  addedNodeTokens,
  cassandraYaml,
  jmxPortFor,
  nodeTokens,
  TOKENS_PER_NODE,
} from "../../tools/cassandra/config.ts";
import { isPaused, processState, terminate } from "../../tools/cassandra/process.ts";
import { join } from "../../tools/cassandra/path.ts";

Deno.test("launcher: jars resolve to a cassandra-all 5.0.x and are cached", async () => {
  const j = await resolveJars();
  assert(/^5\.0\.\d+$/.test(j.version), `version ${j.version}`);
  const again = await resolveJars();
  assertEquals(again.resolved, false, "a second resolve must reuse the cache");
  assertEquals(again.version, j.version);
});

Deno.test("launcher: the test node answers a CQL OPTIONS round trip", async () => {
  const node = await ensureCassandra();
  const supported = await cqlOptions(node);
  assert(supported.CQL_VERSION?.length > 0, "SUPPORTED lists CQL_VERSION");
  assert(supported.PROTOCOL_VERSIONS?.some((v) => v.startsWith("5/")), "speaks protocol v5");
  assert(supported.COMPRESSION?.includes("lz4"), "offers lz4");
});

Deno.test({
  name: "launcher: three nodes start, all answer, and stop",
  sanitizeResources: false,
  fn: async () => {
    const logs: string[] = [];
    const info = await start({
      name: "trio",
      nodes: 3,
      address: "127.0.0.81",
      heapMb: 512,
      log: (l) => logs.push(l),
    });
    try {
      assertEquals(info.nodes.map((n) => n.address), ["127.0.0.81", "127.0.0.82", "127.0.0.83"]);
      const again = await start({ name: "trio", nodes: 3, address: "127.0.0.81", log: () => {} });
      assertEquals(again.started, false, "a second start of a running cluster starts nothing");
      for (const n of info.nodes) {
        assert(await answers({ host: n.address, port: n.port }), `${n.address} answers`);
      }
      const st = await status("trio");
      assertEquals(st.filter((s) => s.running && s.answers).length, 3);
      assert(logs.some((l) => /answer CQL after/.test(l)), "reports the start time");
    } finally {
      assertEquals(await stop("trio", () => {}), 3);
    }
    for (const n of info.nodes) {
      assertEquals(await answers({ host: n.address, port: n.port }, 500), false);
    }
    const after = await status("trio");
    assert(after.every((s) => !s.running), "no node process left");
    assert(await readCluster("trio"), "the cluster description stays for logs");
  },
});

const MIN = -(1n << 63n);
const MAX = (1n << 63n) - 1n;

/** The tokens of a fresh launcher ring of `count` nodes. */
function ring(count: number): string[] {
  return Array.from({ length: count }, (_, i) => nodeTokens(i, count, TOKENS_PER_NODE)).flat();
}

function checkAdded(existing: string[], added: string[]): void {
  assertEquals(added.length, TOKENS_PER_NODE);
  assertEquals(new Set(added).size, added.length, `no token twice: ${added}`);
  const old = new Set(existing.map((t) => BigInt(t)));
  for (const t of added.map(BigInt)) {
    assert(!old.has(t), `${t} is already taken`);
    assert(t > MIN && t <= MAX, `${t} is a valid Murmur3 token other than the minimum`);
  }
}

Deno.test("launcher: an added node's tokens never collide, after any number of adds", () => {
  for (let count = 1; count <= 6; count++) {
    const tokens = ring(count);
    for (let add = 0; add < 5; add++) {
      const added = addedNodeTokens(tokens, TOKENS_PER_NODE);
      checkAdded(tokens, added);
      tokens.push(...added);
    }
  }
});

Deno.test("launcher: an added node's tokens never collide with arbitrary existing ones", () => {
  const token = fc.bigInt({ min: MIN, max: MAX }).map(String);
  // Crowded spots too: neighbouring tokens leave gaps of 1 that cannot be split.
  const crowd = fc.bigInt({ min: MIN, max: MAX - 64n }).map((t) =>
    Array.from({ length: 16 }, (_, i) => String(t + BigInt(i)))
  );
  fc.assert(
    fc.property(fc.array(token, { maxLength: 60 }), fc.array(crowd, { maxLength: 3 }), (a, b) => {
      const existing = [...a, ...b.flat()];
      checkAdded(existing, addedNodeTokens(existing, TOKENS_PER_NODE));
    }),
    { numRuns: 500 },
  );
});

Deno.test("launcher: an added node takes ranges from every node of an even ring", () => {
  for (let count = 2; count <= 4; count++) {
    const owners = new Map<bigint, number>();
    for (let i = 0; i < count; i++) {
      for (const t of nodeTokens(i, count, TOKENS_PER_NODE)) owners.set(BigInt(t), i);
    }
    const sorted = [...owners.keys()].sort((a, b) => (a < b ? -1 : 1));
    // A token t owns (previous, t]: the new token splits the range of the next token up.
    const losers = new Set(
      addedNodeTokens(ring(count), TOKENS_PER_NODE).map((t) => {
        const next = sorted.find((s) => s > BigInt(t)) ?? sorted[0];
        return owners.get(next);
      }),
    );
    assertEquals(losers.size, count, `a ring of ${count} gives ranges from each node`);
  }
});

Deno.test("launcher: JMX ports follow the address and stay clear of other ports", () => {
  assertEquals(jmxPortFor("127.0.0.71"), 20071);
  assertEquals(jmxPortFor("127.0.1.2"), 20258);
  const addresses = Array.from({ length: 254 }, (_, i) => `127.0.0.${i + 1}`);
  const ports = addresses.map(jmxPortFor);
  assertEquals(new Set(ports).size, ports.length, "one port per address");
  for (const p of [...ports, jmxPortFor("127.0.48.255")]) {
    assert(p > 9042 && p < 32768, `${p}: above Cassandra's ports, below the ephemeral range`);
  }
  assertThrows(() => jmxPortFor("127.0.49.1"), Error, "no JMX port");
  assertThrows(() => jmxPortFor("localhost"), Error, "not an IPv4 address");
});

Deno.test("launcher: only an added node bootstraps", () => {
  const node = {
    index: 3,
    address: "127.0.0.73",
    port: 9042,
    dir: "/tmp/n3",
    tokens: ["0"],
    dc: "dc1",
    rack: "rack1",
  };
  const cluster = { name: "t", seeds: ["127.0.0.71"], auth: false };
  assert(cassandraYaml(node, cluster).includes("\nauto_bootstrap: false\n"));
  assert(cassandraYaml({ ...node, bootstrap: true }, cluster).includes("\nauto_bootstrap: true\n"));
});

Deno.test("launcher: the command line parses per-node commands", () => {
  const a = parseArgs(["stop", "--node", "2", "--name=lt"]);
  assertEquals(a.cmd, "stop");
  assertEquals(a.flags.get("node"), "2");
  assertEquals(a.flags.get("name"), "lt");
  const b = parseArgs(["add", "--dc", "dc2", "--tls", "--address=127.0.0.71"]);
  assertEquals([b.cmd, b.flags.get("dc"), b.flags.get("tls")], ["add", "dc2", true]);
  assertEquals(b.flags.get("address"), "127.0.0.71");
  assertThrows(() => parseArgs(["kill", "--node"]), Error, "needs a value");
  assertThrows(() => parseArgs(["kill", "2"]), Error, "unexpected argument");
});

Deno.test("launcher: a paused process shows as paused and still stops at once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Stands in for a node: the launcher recognises its process by the config path on its
    // command line. SIGTERM ends it once it runs again.
    const child = new Deno.Command("sh", {
      args: [
        "-c",
        "trap 'exit 0' TERM; while :; do sleep 0.05; done",
        join(dir, "conf", "cassandra.yaml"),
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    await Deno.writeTextFile(join(dir, "pid"), String(child.pid));
    assert(!await isPaused(child.pid), "running");
    Deno.kill(child.pid, "SIGSTOP");
    for (let i = 0; i < 100 && !await isPaused(child.pid); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assertEquals(await processState(child.pid), "T");
    const t0 = performance.now();
    assertEquals(await terminate(child.pid, dir, 10_000), "stopped");
    assert(performance.now() - t0 < 5000, "SIGTERM is not left pending behind SIGSTOP");
    await child.status;
    assertEquals(await processState(child.pid), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
