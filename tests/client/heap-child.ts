/**
 * Run by paging.test.ts in a child process with `--v8-flags=--expose-gc`, so heap numbers are
 * measured after real collections: streams 10k and then 100k rows and prints heap figures as
 * JSON. Arguments: contact point, table ("ks.table"), partition key.
 *
 * @module
 */
import { Client } from "../../mod.ts";

const [contact, table, partition] = Deno.args;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --v8-flags=--expose-gc");

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 30));
  }
  return Deno.memoryUsage().heapUsed;
}

const client = new Client({ contactPoints: [contact], localDataCenter: "datacenter1" });
try {
  const stream = async (limit: number) => {
    let n = 0;
    let peak = 0;
    for await (
      const row of client.stream<{ v: string }>(
        `SELECT c, v FROM ${table} WHERE p = ? LIMIT ${limit}`,
        [Number(partition)],
        { pageSize: 1000 },
      )
    ) {
      if (row.v.length < 1) throw new Error("empty v");
      if (++n % 2000 === 0) peak = Math.max(peak, Deno.memoryUsage().heapUsed);
    }
    if (n !== limit) throw new Error(`streamed ${n} rows, expected ${limit}`);
    return peak;
  };
  await stream(1000); // warm-up: connection, prepared statement, decoders
  const base = await settledHeap();
  const peak10k = await stream(10_000);
  const after10k = await settledHeap();
  const peak100k = await stream(100_000);
  const after100k = await settledHeap();
  console.log(JSON.stringify({ base, peak10k, after10k, peak100k, after100k }));
} finally {
  await client.close();
}
