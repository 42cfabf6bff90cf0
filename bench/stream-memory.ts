/**
 * Peak memory of streaming with `for await`: 10k rows against 1M rows, each in a fresh process,
 * so the peak RSS (VmHWM) of one says nothing about the other. Bounded memory means the two
 * peaks are close, whatever the row count.
 *
 *   node_modules/.bin/deno run -A bench/stream-memory.ts [--rows 1000000]
 *                                   [--runtime deno,node,bun,cassandra-driver/node]
 *                                                        [--page-size 5000]
 *
 * The table `bench.stream_rows` (one partition per 10k rows, ~100 bytes a row) is filled once.
 * The child is bench/workers/stream-memory.mjs; Node runs it against dist/ (built here first).
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

const runtimes = arg("runtime", "deno,node,bun,cassandra-driver/node").split(",");
const pageSize = arg("page-size", "5000");
const bin = (name: string) => `${ROOT}node_modules/.bin/${name}`;
if (runtimes.includes("node")) {
  const built = await new Deno.Command(bin("deno"), { args: ["task", "-q", "build"], cwd: ROOT })
    .output();
  if (!built.success) throw new Error("npm run build failed");
}
const child = "bench/workers/stream-memory.mjs";
const commands: Record<string, (n: number) => string[]> = {
  deno: (n) => [bin("deno"), "run", "-A", child, String(n), pageSize],
  node: (n) => ["node", child, String(n), pageSize],
  bun: (n) => [bin("bun"), child, String(n), pageSize],
  // The same loop through cassandra-driver's client.stream(), for comparison.
  "cassandra-driver/node": (n) => ["node", child, String(n), pageSize, "cassandra-driver"],
};

const table: string[] = [];
for (const runtime of runtimes) {
  const peaks: number[] = [];
  for (const n of [10_000, total]) {
    const [cmd, ...rest] = commands[runtime](n);
    const out = await new Deno.Command(cmd, { args: rest, cwd: ROOT, stderr: "inherit" }).output();
    if (!out.success) throw new Error(`${runtime} child failed`);
    const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
    if (r.rows !== n) throw new Error(`${runtime}: streamed ${r.rows} rows, expected ${n}`);
    peaks.push(r.peak_rss_mb);
    console.log(`${runtime}: streamed ${r.rows} rows in ${r.ms} ms, peak RSS ${r.peak_rss_mb} MiB`);
  }
  table.push(
    `${runtime.padEnd(22)} ${String(peaks[0]).padStart(10)} ${String(peaks[1]).padStart(12)} ${
      String(peaks[1] - peaks[0]).padStart(8)
    }`,
  );
}
console.log(`\npeak RSS in MiB, page size ${pageSize} (target: difference within 64 MiB)`);
console.log(
  `${"runtime".padEnd(22)} ${"10k rows".padStart(10)} ${`${total / 1000}k rows`.padStart(12)} ${
    "diff".padStart(8)
  }`,
);
for (const line of table) console.log(line);
