/**
 * Gives tests a real Cassandra: the one named by CQL_TEST_HOST ("host:port"), or the launcher's
 * local node, started here when nothing answers. Tests never skip: when no node can be had, this
 * throws with the launcher's reason and the node's log tail.
 *
 * @module
 */
import {
  type ClusterInfo,
  start,
  type StartOptions,
  stop,
} from "../../tools/cassandra/launcher.ts";
import { answers } from "../../tools/cassandra/probe.ts";

/** Where a test node listens. */
export interface TestNode {
  host: string;
  port: number;
}

let main: Promise<TestNode> | undefined;
const clusters = new Map<string, Promise<ClusterInfo>>();

/** The single node every integration test uses by default. */
export function ensureCassandra(): Promise<TestNode> {
  main ??= (async () => {
    const env = Deno.env.get("CQL_TEST_HOST");
    const [host, port = "9042"] = (env ?? "127.0.0.1:9042").split(":");
    const node = { host, port: Number(port) };
    if (await answers(node, 3000)) return node;
    if (env) throw new Error(`CQL_TEST_HOST=${env} does not answer a CQL OPTIONS request`);
    const info = await ensureCluster({ name: "main" });
    return { host: info.nodes[0].address, port: info.nodes[0].port };
  })();
  return main;
}

/**
 * A named launcher cluster (TLS, auth, several nodes), started once per test process. Each name
 * must live on its own addresses: see the table in tests/README.md.
 */
export function ensureCluster(opts: StartOptions & { name: string }): Promise<ClusterInfo> {
  let p = clusters.get(opts.name);
  if (!p) {
    const o = { log: () => {}, ...opts };
    // A cluster left running with other settings (say, by a run of another branch) is restarted
    // with the ones this test asks for.
    p = start(o).catch(async (e) => {
      if (!/running with other settings/.test((e as Error).message)) throw e;
      await stop(opts.name, () => {});
      return await start(o);
    });
    clusters.set(opts.name, p);
  }
  return p;
}
