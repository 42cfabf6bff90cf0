// @ts-check
/**
 * Where the servers are, for the runners on Bun and Node: the JSON of clusters.ts, taken from
 * CQL_CONFORMANCE_SERVERS when the orchestrator already has it, otherwise by running clusters.ts
 * with the repo's Deno (the launcher that starts the TLS cluster is Deno code).
 *
 * @module
 */

/** @typedef {import("./clusters.ts").ConformanceServers} ConformanceServers */

/**
 * `node:child_process` and `node:url` as used here; imported through a variable so `deno check`
 * needs no `@types/node`.
 *
 * @typedef {{execFileSync(file: string, args: string[], opts: object): string}} ChildProcess
 * @typedef {{fileURLToPath(url: URL): string}} NodeUrl
 */

/** @returns {Promise<ConformanceServers>} */
export async function conformanceServers() {
  const proc = /** @type {{process?: {env: Record<string, string | undefined>}}} */ (globalThis);
  const given = proc.process?.env.CQL_CONFORMANCE_SERVERS;
  if (given) return JSON.parse(given);
  const names = ["node:child_process", "node:url"];
  const [{ execFileSync }, { fileURLToPath }] = /** @type {[ChildProcess, NodeUrl]} */ (
    await Promise.all(names.map((n) => import(n)))
  );
  const deno = fileURLToPath(new URL("../../node_modules/.bin/deno", import.meta.url));
  const script = fileURLToPath(new URL("./clusters.ts", import.meta.url));
  const out = execFileSync(deno, ["run", "-A", script], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 300_000,
  });
  return JSON.parse(out.trim().split("\n").pop() ?? "");
}
