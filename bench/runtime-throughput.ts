/**
 * The same pipelined workload through the public Client on each runtime, so the transports can
 * be compared: `--total` prepared single-row SELECTs (`system.local` by key) at `--concurrency`
 * requests in flight, against 127.0.0.1:9042. Node runs the npm build (`npm run build` first).
 *
 *   node_modules/.bin/deno run -A bench/runtime-throughput.ts [--total 100000] [--concurrency 256]
 *
 * @module
 */
import { serveWorker } from "../tests/workerd/support.ts";

const args = Deno.args;
const arg = (n: string, d: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const total = Number(arg("total", "100000"));
const concurrency = Number(arg("concurrency", "256"));
const ROOT = new URL("..", import.meta.url).pathname;

// One script for Deno, Bun and Node: the driver is imported the way each runtime's users do.
const script = `
const g = globalThis;
const isNode = !("Deno" in g) && !("Bun" in g);
const { Client } = await import(isNode ? "${ROOT}dist/mod.js" : "${ROOT}mod.ts");
const client = new Client({ contactPoints: ["127.0.0.1:9042"] });
const q = "SELECT key FROM system.local WHERE key = ?";
await client.execute(q, ["local"]);
let next = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: ${concurrency} }, async () => {
  while (next < ${total}) { next++; const rs = await client.execute(q, ["local"]); if (rs.rowLength !== 1) throw new Error("no row"); }
}));
const seconds = (performance.now() - t0) / 1000;
await client.close();
console.log(JSON.stringify({ ops_per_sec: ${total} / seconds, seconds }));
`;
const file = `${ROOT}.cache/runtime-throughput.mjs`;
await Deno.mkdir(`${ROOT}.cache`, { recursive: true });
await Deno.writeTextFile(file, script);
const build = await new Deno.Command(`${ROOT}node_modules/.bin/deno`, {
  args: ["task", "build"],
  cwd: ROOT,
  stdout: "null",
}).output();
if (!build.success) throw new Error("npm run build failed");

const results: [string, number][] = [];
for (
  const [name, cmd] of [
    ["deno", [`${ROOT}node_modules/.bin/deno`, "run", "-A", file]],
    ["bun", [`${ROOT}node_modules/.bin/bun`, file]],
    ["node", ["node", file]],
  ] as const
) {
  const out = await new Deno.Command(cmd[0], { args: cmd.slice(1), cwd: ROOT, stderr: "inherit" })
    .output();
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop()!;
  results.push([name, JSON.parse(line).ops_per_sec]);
}
const worker = await serveWorker("bench/workers/workerd-select.ts");
try {
  const res = await fetch(worker.url, {
    method: "POST",
    body: JSON.stringify({ host: "127.0.0.1", port: 9042, total, concurrency }),
  });
  results.push(["workerd", (await res.json()).ops_per_sec]);
} finally {
  await worker.close();
}
console.log(`${total} prepared SELECTs at concurrency ${concurrency}, one client, 127.0.0.1:9042`);
console.log("runtime   ops/s");
for (const [name, ops] of results) {
  console.log(`${name.padEnd(8)} ${Math.round(ops).toLocaleString("en")}`);
}
