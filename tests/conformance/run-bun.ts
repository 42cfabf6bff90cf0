/**
 * The conformance suite on Bun, against mod.ts: `node_modules/.bin/bun tests/conformance/run-bun.ts`.
 * Prints one line per check and `N passed, N failed`; exits non-zero when any check fails.
 *
 * Bun's own `bun test` would also do, but its summary differs from the other runners' and it
 * would pick up the repo's Deno test files; a plain script keeps the orchestrator's parsing simple.
 *
 * @module
 */
import * as driver from "../../mod.ts";
import { formatOutcome, runChecks, summary } from "./checks.mjs";
import { conformanceServers } from "./env.mjs";
import { startProxy } from "./proxy.mjs";

interface ProcessLike {
  exit(code: number): never;
}

const servers = await conformanceServers();
const [host, port] = servers.contact.split(":");
const outcomes = await runChecks({
  runtime: "bun",
  driver,
  contact: servers.contact,
  tls: servers.tls,
  startProxy: () => startProxy({ host, port: Number(port) }),
}, (o) => console.log(formatOutcome(o, "bun")));
console.log(summary(outcomes));
// Clients' reconnect timers must not keep the process alive once the verdict is in.
(globalThis as unknown as { process: ProcessLike }).process.exit(
  outcomes.some((o) => o.status === "failed") ? 1 : 0,
);
