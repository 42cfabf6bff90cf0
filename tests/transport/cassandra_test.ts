/**
 * Real-server check under Deno: OPTIONS → SUPPORTED through the Deno adapter and the Node adapter
 * (Deno's node compat). Uses tests/support/cassandra.ts `ensureCassandra()` when it exists;
 * otherwise expects a Cassandra at 127.0.0.1:9042 and is skipped (ignored) when none answers.
 */

import { denoTransport } from "../../src/transport/deno.ts";
import { nodeTransport } from "../../src/transport/node.ts";
import { cassandraHost, optionsRoundTrip } from "./cql_options.ts";

async function launcherExists(): Promise<boolean> {
  try {
    await Deno.stat(new URL("../support/cassandra.ts", import.meta.url));
    return true;
  } catch {
    return false;
  }
}

async function answers(host: string, port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: host, port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

const available = (await launcherExists()) || (await answers("127.0.0.1", 9042));

for (const transport of [denoTransport, nodeTransport]) {
  Deno.test({
    name: `[${transport.name} adapter on deno] Cassandra answers OPTIONS with SUPPORTED`,
    ignore: !available,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const { host, port } = await cassandraHost();
      await optionsRoundTrip(transport, host, port);
    },
  });
}
