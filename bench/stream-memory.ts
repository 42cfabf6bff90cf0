/**
 * Peak memory of streaming with `for await`: 10k rows against 1M rows, each in a fresh process,
 * so the peak RSS (VmHWM) of one says nothing about the other. Bounded memory means the two
 * peaks are close, whatever the row count.
 *
 *   node_modules/.bin/deno run -A bench/stream-memory.ts [--rows 1000000] [--runtime deno|node|bun]
 *
 * The table `bench.stream_rows` (one partition per 10k rows, ~100 bytes a row) is filled once.
 *
 * @module
 */
import { Client } from "../mod.ts";

const args = Deno.args;
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const ROOT = new URL("..", import.meta.url).pathname;
const PER_PARTITION = 10_000;

if (args[0] === "child") {
  // Child: stream `n` rows and report the peak RSS.
  const n = Number(args[1]);
  const client = new Client({
    contactPoints: ["127.0.0.1"],
    pageSize: Number(Deno.env.get("PAGE_SIZE") ?? 5000),
  });
  const parts = Math.ceil(n / PER_PARTITION);
  let count = 0;
  const t0 = performance.now();
  for await (
    const row of client.stream(
      "SELECT p, c, v FROM bench.stream_rows WHERE p IN ? LIMIT ?",
      [Array.from({ length: parts }, (_, i) => i), n],
    )
  ) {
    if (row.v !== null) count++;
  }
  const ms = performance.now() - t0;
  await client.close();
  const status = await Deno.readTextFile("/proc/self/status");
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
  console.log(JSON.stringify({ rows: count, ms: Math.round(ms), peak_rss_mb: Math.round(hwm) }));
  Deno.exit(0);
}

const total = Number(arg("rows", "1000000"));
const client = new Client({ contactPoints: ["127.0.0.1"] });
await client.execute(
  "CREATE KEYSPACE IF NOT EXISTS bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
);
await client.execute(
  "CREATE TABLE IF NOT EXISTS bench.stream_rows (p int, c int, v text, PRIMARY KEY (p, c))",
);
const have = (await client.execute(
  "SELECT c FROM bench.stream_rows WHERE p = ? ORDER BY c DESC LIMIT 1",
  [Math.ceil(total / PER_PARTITION) - 1],
)).first();
if (have?.c !== PER_PARTITION - 1) {
  console.log(`filling bench.stream_rows with ${total} rows ...`);
  const value = "x".repeat(90);
  let next = 0;
  await Promise.all(Array.from({ length: 256 }, async () => {
    while (next < total) {
      const i = next++;
      await client.execute("INSERT INTO bench.stream_rows (p, c, v) VALUES (?, ?, ?)", [
        Math.floor(i / PER_PARTITION),
        i % PER_PARTITION,
        value,
      ]);
    }
  }));
}
await client.close();

const results: Record<string, unknown>[] = [];
for (const n of [10_000, total]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", import.meta.filename!, "child", String(n)],
    cwd: ROOT,
    stderr: "inherit",
  }).output();
  const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
  results.push(r);
  console.log(`streamed ${r.rows} rows in ${r.ms} ms, peak RSS ${r.peak_rss_mb} MB`);
}
const diff = (results[1].peak_rss_mb as number) - (results[0].peak_rss_mb as number);
console.log(`peak RSS difference, ${total} rows vs 10000: ${diff} MB (target: within 64 MB)`);
