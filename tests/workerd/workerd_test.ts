/**
 * Runs the Cloudflare adapter inside a real workerd: bundles tests/workerd/worker.ts with Bun's
 * bundler, serves it with `node_modules/.bin/workerd` on 127.0.0.1, and checks the JSON report
 * (echo round trip with backpressure, close semantics, refused port, unsupported TLS options,
 * abort, and a CQL OPTIONS round trip against the test Cassandra).
 * Run: `node_modules/.bin/deno test -A tests/workerd/`.
 */

import { closedPort, startServer } from "../transport/support.ts";
import { assert, sleep } from "../transport/suite.ts";
import { cassandraHost } from "../transport/cql_options.ts";

const root = new URL("../../", import.meta.url).pathname;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, cwd: root, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

function config(port: number): string {
  // The "internet" service is the Worker's default outbound; workerd only lets sockets reach
  // loopback and private addresses when its network allows them.
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2025-01-01",
);
`;
}

Deno.test({
  name: "[cloudflare adapter on workerd] echo, close, refused, unsupported TLS, abort, OPTIONS",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "cql-workerd-" });
    const echo = await startServer("echo");
    const closed = await closedPort();
    const cql = await cassandraHost();
    const httpPort = freePort();
    let child: Deno.ChildProcess | undefined;
    try {
      await run(`${root}node_modules/.bin/bun`, [
        "build",
        "tests/workerd/worker.ts",
        "--target=browser",
        "--format=esm",
        `--outdir=${dir}`,
      ]);
      await Deno.writeTextFile(`${dir}/config.capnp`, config(httpPort));
      child = new Deno.Command(`${root}node_modules/.bin/workerd`, {
        args: ["serve", "config.capnp"],
        cwd: dir,
        stdout: "null",
        stderr: "null",
      }).spawn();
      const url =
        `http://127.0.0.1:${httpPort}/?echo=${echo.port}&closed=${closed}&cql=${cql.host}:${cql.port}`;
      let report: Record<string, unknown> | undefined;
      for (let attempt = 0; attempt < 100 && !report; attempt++) {
        try {
          report = await (await fetch(url)).json();
        } catch {
          await sleep(100);
        }
      }
      assert(report, "workerd answered");
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
      if (child) {
        child.kill("SIGTERM");
        await child.status;
      }
      await echo.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
