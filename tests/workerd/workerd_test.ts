/**
 * Runs the Cloudflare adapter inside a real workerd: bundles tests/workerd/worker.ts with Bun's
 * bundler, serves it with `node_modules/.bin/workerd` on 127.0.0.1 (support.ts), and checks the
 * JSON report
 * (echo round trip with backpressure, close semantics, refused port, unsupported TLS options,
 * abort, and a CQL OPTIONS round trip against the test Cassandra).
 * Run: `node_modules/.bin/deno test -A tests/workerd/`.
 */

import { closedPort, startServer } from "../transport/support.ts";
import { assert } from "../transport/suite.ts";
import { cassandraHost } from "../transport/cql_options.ts";
import { serveWorker } from "./support.ts";

Deno.test({
  name: "[cloudflare adapter on workerd] echo, close, refused, unsupported TLS, abort, OPTIONS",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const echo = await startServer("echo");
    const closed = await closedPort();
    const cql = await cassandraHost();
    let worker: Awaited<ReturnType<typeof serveWorker>> | undefined;
    try {
      worker = await serveWorker("tests/workerd/worker.ts");
      const url = `${worker.url}/?echo=${echo.port}&closed=${closed}&cql=${cql.host}:${cql.port}`;
      const report: Record<string, unknown> = await (await fetch(url)).json();
      assert(report.failure === undefined, `worker failed: ${report.failure}`);
      assert(report.transport === "cloudflare", `transport ${report.transport}`);
      assert(report.remote === `127.0.0.1:${echo.port}`, `remote ${report.remote}`);
      assert(report.echoIntact === true, "300 kB echo intact");
      assert(report.closeCalls === 1 && report.closeError === null, "one clean onClose");
      const refused = report.refused as { kind: string; message: string };
      assert(refused.message.includes(`127.0.0.1:${closed}`), `refused: ${refused.message}`);
      assert((report.customCa as { kind: string }).kind === "unsupported", "custom CA refused");
      assert((report.aborted as { kind: string }).kind === "aborted", "pre-aborted signal");
      assert(report.cqlVersionByte === 0x84 && report.cqlOpcode === 0x06, "SUPPORTED");
    } finally {
      await worker?.close();
      await echo.close();
    }
  },
});
