// @ts-check
/**
 * The conformance suite on Node, against the BUILT package (dist/, from `npm run build`), with
 * Node's own test runner: `node --test tests/conformance/node/conformance.node.mjs`. One test
 * per check. Not named *.test.mjs: `deno test tests/` would pick it up and run it on Deno.
 *
 * @module
 */
import { checks, NotApplicable } from "../checks.mjs";
import { conformanceServers } from "../env.mjs";
import { startProxy } from "../proxy.mjs";

/**
 * The slice of `node:test` used here.
 *
 * @typedef {{diagnostic(msg: string): void, skip(msg: string): void}} TestContext
 * @typedef {object} NodeTest
 * @property {(name: string, fn: (t: TestContext) => Promise<void>) => void} test
 * @property {(fn: () => void) => void} after
 */

// Both through variables: `deno check` (which walks tests/) has no `@types/node`, and dist/ only
// exists after `npm run build`.
const testModule = "node:test";
const { after, test } = /** @type {NodeTest} */ (await import(testModule));
// dist/mod.d.ts describes the same API as mod.ts.
const driver = /** @type {import("../checks.mjs").Driver} */ (
  await import(new URL("../../../dist/mod.js", import.meta.url).href)
);

const servers = await conformanceServers();
const [host, port] = servers.contact.split(":");
/** @type {import("../checks.mjs").Context} */
const ctx = {
  runtime: "node",
  driver,
  contact: servers.contact,
  tls: servers.tls,
  startProxy: () => startProxy({ host, port: Number(port) }),
};

for (const check of checks) {
  test(`[conformance on node] ${check.name}`, async (t) => {
    try {
      const note = await check.fn(ctx);
      if (note) t.diagnostic(note);
    } catch (e) {
      if (e instanceof NotApplicable) t.skip(e.message);
      else throw e;
    }
  });
}

// Closed clients leave no handles, but a failed check may; the runner must still finish.
const proc = /** @type {{process: {exit(): never}}} */ (/** @type {unknown} */ (globalThis));
after(() => {
  /** @type {{unref(): void}} */ (/** @type {unknown} */ (setTimeout(
    () => proc.process.exit(),
    1000,
  )))
    .unref();
});
