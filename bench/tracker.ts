/**
 * What a request tracker costs on the request path: the same pipelined prepared SELECTs
 * (`system.local` by key, `--concurrency` in flight) through clients that differ only in their
 * `requestTracker`: none, an empty one (every hook absent), the slow-query logger (threshold
 * never reached) and the OpenTelemetry tracker with the SDK registered (spans batched to an
 * exporter that counts them, the duration histogram on a MeterProvider). Rounds alternate the
 * clients so a drift of the machine's speed hits them all; the table gives medians and the
 * ratio to "off".
 *
 *   node_modules/.bin/deno run -A bench/tracker.ts [--total 20000] [--concurrency 512] [--rounds 5]
 *
 * @module
 */
import { trace } from "@opentelemetry/api";
import { metrics } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { Client, type RequestTracker, slowQueryLogger } from "../mod.ts";
import { openTelemetryTracker } from "../src/otel/mod.ts";
import { cpuMs } from "./workers/harness.mjs";

const args = Deno.args;
const arg = (n: string, d: string) => {
  const i = args.indexOf(`--${n}`);
  return Number(i >= 0 ? args[i + 1] : d);
};
const total = arg("total", "20000");
const concurrency = arg("concurrency", "512");
const rounds = arg("rounds", "5");

let exported = 0;
const countingExporter: SpanExporter = {
  export(spans: ReadableSpan[], done) {
    exported += spans.length;
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
};
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new BatchSpanProcessor(countingExporter, { maxQueueSize: 65_536 })],
});
trace.setGlobalTracerProvider(tracerProvider);
const meterProvider = new MeterProvider();
metrics.setGlobalMeterProvider(meterProvider);

const configs: [string, RequestTracker | undefined][] = [
  ["off", undefined],
  ["empty tracker", {}],
  ["slow-query logger", slowQueryLogger({ thresholdMs: 60_000 })],
  ["otel (SDK)", openTelemetryTracker()],
];
const q = "SELECT key FROM system.local WHERE key = ?";
const clients = configs.map(([, requestTracker]) =>
  new Client({ contactPoints: ["127.0.0.1:9042"], requestTracker })
);
for (const c of clients) await c.execute(q, ["local"], { prepare: true });

async function round(client: Client): Promise<{ ops: number; cpuPer1k: number }> {
  let next = 0;
  const cpu0 = cpuMs();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++;
      const rs = await client.execute(q, ["local"], { prepare: true });
      if (rs.rowLength !== 1) throw new Error("no row");
    }
  }));
  const ms = performance.now() - t0;
  return { ops: total / ms * 1000, cpuPer1k: (cpuMs() - cpu0) / total * 1000 };
}

const results = configs.map(() => ({ ops: [] as number[], cpu: [] as number[] }));
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < clients.length; i++) {
    const { ops, cpuPer1k } = await round(clients[i]);
    results[i].ops.push(ops);
    results[i].cpu.push(cpuPer1k);
  }
}
for (const c of clients) await c.close();
await tracerProvider.forceFlush();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const base = { ops: median(results[0].ops), cpu: median(results[0].cpu) };
console.log(
  `${total} requests × ${rounds} rounds per client, concurrency ${concurrency}, Deno ${Deno.version.deno}`,
);
console.log("| tracker | ops/s | ×off | CPU ms/1k | ×off |");
console.log("|---|---:|---:|---:|---:|");
configs.forEach(([name], i) => {
  const ops = median(results[i].ops);
  const cpu = median(results[i].cpu);
  console.log(
    `| ${name} | ${ops.toFixed(0)} | ${(ops / base.ops).toFixed(2)} | ${cpu.toFixed(1)} | ${
      (cpu / base.cpu).toFixed(2)
    } |`,
  );
});
console.log(`spans exported: ${exported} (expected ${2 * total * rounds + 2}: request + attempt)`);
await meterProvider.shutdown();
await tracerProvider.shutdown();
