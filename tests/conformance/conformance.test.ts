/**
 * The conformance suite on Deno, against mod.ts: one Deno.test per check (checks.mjs), so the
 * orchestrator's `deno test -A tests/` counts them with the rest of the Deno suite.
 *
 * @module
 */
import * as driver from "../../mod.ts";
import { checks, type Context, NotApplicable } from "./checks.mjs";
import { conformanceServers } from "./clusters.ts";
import { startProxy } from "./proxy.mjs";

let ctx: Promise<Context> | undefined;

/** Built on first use, so merely loading this file starts no cluster. */
function context(): Promise<Context> {
  ctx ??= conformanceServers().then((s) => ({
    runtime: "deno" as const,
    driver,
    contact: s.contact,
    tls: s.tls,
    startProxy: async () => {
      const [host, port] = s.contact.split(":");
      return await startProxy({ host, port: Number(port) });
    },
  }));
  return ctx;
}

for (const check of checks) {
  Deno.test({
    name: `[conformance on deno] ${check.name}`,
    // The client's heartbeat and reconnect timers and node:net handles of the proxy outlive a
    // check by design; the checks themselves assert what must settle.
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      try {
        const note = await check.fn(await context());
        if (note) console.log(note);
      } catch (e) {
        // Deno has no dynamic skip; nothing on Deno is expected to be inapplicable.
        if (e instanceof NotApplicable) {
          throw new Error(`unexpectedly not applicable: ${e.message}`);
        }
        throw e;
      }
    },
  });
}
