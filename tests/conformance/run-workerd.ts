/**
 * The conformance suite on workerd: `node_modules/.bin/deno run -A tests/conformance/run-workerd.ts`.
 * Serves worker.ts (with lz4-wasm as a wasm module) in a real workerd, runs the proxy the Worker
 * cannot (it cannot listen) behind a small HTTP control API, asks the Worker to run the checks,
 * and prints one line per check and `N passed, N failed`; exits non-zero when any check fails.
 *
 * Not a Deno test file on purpose: the orchestrator runs it as its own suite so workerd's checks
 * are counted per check, as on the other runtimes.
 *
 * @module
 */
import { formatOutcome, type Outcome, summary } from "./checks.mjs";
import { conformanceServers } from "./clusters.ts";
import { type CutProxy, startProxy } from "./proxy.mjs";
import { serveWorker } from "../workerd/support.ts";

const servers = await conformanceServers();
const [host, port] = servers.contact.split(":");

const proxies = new Map<string, CutProxy>();
let nextId = 0;
/** POST /proxy -> {id, port}; POST /proxy/ID/hold; POST /proxy/ID/cut. 127.0.0.1 only. */
const control = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: () => {} },
  async (req) => {
    const path = new URL(req.url).pathname.split("/").filter(Boolean);
    if (req.method !== "POST" || path[0] !== "proxy") return new Response("no", { status: 404 });
    if (path.length === 1) {
      const id = String(nextId++);
      const p = await startProxy({ host, port: Number(port) });
      proxies.set(id, p);
      return Response.json({ id, port: p.port });
    }
    const p = proxies.get(path[1]);
    if (!p) return new Response("no such proxy", { status: 404 });
    if (path[2] === "hold") p.hold();
    else if (path[2] === "cut") await p.cut();
    else return new Response("no", { status: 404 });
    return new Response("ok");
  },
);

let outcomes: Outcome[] = [];
let failure: string | undefined;
const worker = await serveWorker("tests/conformance/worker.ts", [
  { name: "lz4.wasm", from: "node_modules/lz4-wasm/lz4_wasm_bg.wasm", kind: "wasm" },
]).catch((e) => {
  failure = `workerd could not serve the Worker: ${e}`;
  return undefined;
});
try {
  if (worker) {
    const res = await fetch(worker.url, {
      method: "POST",
      body: JSON.stringify({ servers, control: `http://127.0.0.1:${control.addr.port}` }),
    });
    const text = await res.text();
    if (res.ok) outcomes = JSON.parse(text);
    else failure = `the Worker answered HTTP ${res.status}: ${text}`;
  }
} catch (e) {
  failure = `the Worker did not answer: ${e}`;
} finally {
  await worker?.close();
  for (const p of proxies.values()) await p.cut().catch(() => {});
  await control.shutdown();
}
for (const o of outcomes) console.log(formatOutcome(o, "workerd"));
if (failure !== undefined || outcomes.length === 0) {
  // A Worker that could not report is one failure, not zero checks.
  console.log(`FAILED [conformance on workerd] ${failure ?? "no outcomes reported"}`);
  console.log("0 passed, 1 failed");
  Deno.exit(1);
}
console.log(summary(outcomes));
Deno.exit(outcomes.some((o) => o.status === "failed") ? 1 : 0);
