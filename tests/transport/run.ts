/**
 * Runs the shared transport suite as a plain script, for runtimes without `deno test`:
 *
 * - Bun:  `node_modules/.bin/bun tests/transport/run.ts` (Bun adapter, then the Node adapter on
 *   Bun's node:net/node:tls)
 * - Node: `node_modules/.bin/bun build tests/transport/run.ts --target=node --outdir=/tmp/cql-run`
 *   then `node /tmp/cql-run/run.js` (Node 20 cannot run .ts; Bun's bundler keeps the dynamic
 *   adapter imports and `node:` built-ins as they are)
 *
 * Also runs under Deno (`deno run -A tests/transport/run.ts`). Prints one line per case and exits
 * non-zero when any fails. Pass `--cassandra` to also send OPTIONS to 127.0.0.1:9042.
 */

import { defaultTransport, detectRuntime } from "../../src/transport/detect.ts";
import type { Transport } from "../../src/transport/types.ts";
import { makeCerts } from "./support.ts";
import { assert, type TransportCase, transportCases } from "./suite.ts";
import { cassandraHost, optionsRoundTrip } from "./cql_options.ts";

interface ProcessLike {
  argv: string[];
  exit(code: number): never;
}

const proc = (globalThis as unknown as { process: ProcessLike }).process;
const runtime = detectRuntime();
const main = await defaultTransport();
const transports: Transport[] = [main];
if (runtime === "bun") transports.push((await import("../../src/transport/node.ts")).nodeTransport);

const certs = await makeCerts();
const cases: Array<{ label: string; c: TransportCase }> = [];
cases.push({
  label: `[${runtime}] detect`,
  c: {
    name: "defaultTransport matches the runtime",
    run: () => {
      assert(main.name === runtime, `runtime ${runtime} got transport ${main.name}`);
      return Promise.resolve();
    },
  },
});
for (const transport of transports) {
  for (const c of transportCases(transport, { certs })) {
    cases.push({ label: `[${transport.name} adapter on ${runtime}]`, c });
  }
  if (proc.argv.includes("--cassandra")) {
    cases.push({
      label: `[${transport.name} adapter on ${runtime}]`,
      c: {
        name: "Cassandra answers OPTIONS with SUPPORTED",
        run: async () => {
          const { host, port } = await cassandraHost();
          await optionsRoundTrip(transport, host, port);
        },
      },
    });
  }
}

let failed = 0;
for (const { label, c } of cases) {
  const started = Date.now();
  try {
    await c.run();
    console.log(`ok     ${label} ${c.name} (${Date.now() - started} ms)`);
  } catch (err) {
    failed++;
    console.log(`FAILED ${label} ${c.name}: ${err instanceof Error ? err.stack : String(err)}`);
  }
}
console.log(`${cases.length - failed} passed, ${failed} failed`);
proc.exit(failed === 0 ? 0 : 1);
