import { assert, assertEquals } from "../support/assert.ts";
import { ensureCassandra } from "../support/cassandra.ts";
import { readCluster, start, status, stop } from "../../tools/cassandra/launcher.ts";
import { answers, cqlOptions } from "../../tools/cassandra/probe.ts";
import { resolveJars } from "../../tools/cassandra/jars.ts";

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
      address: "127.0.0.11",
      heapMb: 512,
      log: (l) => logs.push(l),
    });
    try {
      assertEquals(info.nodes.map((n) => n.address), ["127.0.0.11", "127.0.0.12", "127.0.0.13"]);
      const again = await start({ name: "trio", nodes: 3, address: "127.0.0.11", log: () => {} });
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
