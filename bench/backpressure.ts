/**
 * Backpressure, by hand: 200,000 `client.execute` calls issued at once (one synchronous loop)
 * against a slow node: the local node behind a proxy that forwards its replies at a throttled
 * byte rate. Each run is a fresh Deno process, so the peak RSS (VmHWM, reset after the warm-up
 * through /proc/self/clear_refs) of one says nothing about the next. Prints a table: RSS growth,
 * how many requests succeeded, were refused busy (`NoHostAvailableError` of
 * `BusyConnectionError`s), timed out or failed otherwise, the synchronous issue loop, the event
 * loop's worst lag after it (a 10 ms `setInterval` probe; also counting only the time the JS
 * thread was on a core, which tells the driver's own blocking from waiting for a core on a busy
 * machine), and the time until every request
 * settled (the microtask burst right after the loop, where every refused request's handlers run,
 * is shown apart).
 *
 *   node_modules/.bin/deno run -A bench/backpressure.ts [--requests 200000]
 *       [--rate-kib 2048]            reply bytes per second the proxy lets through
 *       [--base /tmp/bp-base]        a checkout to compare with (its mod.ts; omit to skip)
 *       [--queue 8192,0,32768]       maxQueuedRequestsPerHost values to run (this tree)
 *       [--rounds 2]                 runs per variant, alternating
 *       [--timeout 12000]            requestTimeout of the client
 *
 * Runtime: Deno (the driver's sources, not the npm build). Node needs 127.0.0.1:9042.
 *
 * @module
 */

const HERE = new URL(".", import.meta.url).pathname;
const DENO = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const args = Deno.args;
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};

/** What one child run reports. */
interface Report {
  variant: string;
  rssBeforeMiB: number;
  peakGrowthMiB: number;
  ok: number;
  busy: number;
  timeouts: number;
  other: number;
  otherSample: string;
  issueMs: number;
  /** From the end of the issue loop to the first timer after it: the refusals' handlers. */
  burstMs: number;
  maxLagMs: number;
  /** The worst late interval counting only the time the JS thread was on a core. */
  maxBlockedMs: number;
  drainMs: number;
}

/** The slice of the driver's API the child uses (loaded from a path given at run time). */
interface DriverModule {
  Client: new (options: Record<string, unknown>) => {
    connect(): Promise<void>;
    execute(query: string): Promise<unknown>;
    close(): Promise<void>;
  };
}

if (args[0] === "child") await child();
else await parent();

async function child(): Promise<void> {
  const [, root, proxy, queueArg, requestsArg, timeoutArg] = args;
  const mod = await import(`file://${root}/mod.ts`) as DriverModule;
  const requests = Number(requestsArg);
  const options: Record<string, unknown> = {
    contactPoints: [proxy],
    schemaMetadata: false,
    requestTimeout: Number(timeoutArg),
  };
  if (queueArg !== "-") options.maxQueuedRequestsPerHost = Number(queueArg);
  const client = new mod.Client(options);
  await client.connect();
  const query = "SELECT key FROM system.local";
  for (let i = 0; i < 20; i++) {
    await Promise.all(Array.from({ length: 500 }, () => client.execute(query)));
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssBefore = Deno.memoryUsage().rss;
  Deno.writeTextFileSync("/proc/self/clear_refs", "5"); // resets VmHWM to the current RSS

  // The machine is shared: a late timer may only mean the process waited for a core. The time
  // the JS thread was on a core during the late interval (/proc/thread-self/schedstat) tells
  // the event loop blocked by work of its own from that.
  const onCpuMs = () =>
    Number(Deno.readTextFileSync("/proc/thread-self/schedstat").split(" ")[0]) / 1e6;
  let maxLag = 0;
  let maxBlocked = 0;
  let last = performance.now();
  let lastCpu = onCpuMs();
  const probe = setInterval(() => {
    const now = performance.now();
    const cpu = onCpuMs();
    const lag = now - last - 10;
    maxLag = Math.max(maxLag, lag);
    maxBlocked = Math.max(maxBlocked, Math.min(lag, cpu - lastCpu));
    last = now;
    lastCpu = cpu;
  }, 10);

  let ok = 0, busy = 0, timeouts = 0, other = 0, settled = 0;
  let otherSample = "";
  let done!: () => void;
  const all = new Promise<void>((r) => done = r);
  const onOk = () => {
    ok++;
    if (++settled === requests) done();
  };
  const onError = (e: Error & { errors?: ReadonlyMap<string, Error> }) => {
    if (
      e.name === "NoHostAvailableError" && e.errors !== undefined && e.errors.size > 0 &&
      [...e.errors.values()].every((x) => x.name === "BusyConnectionError")
    ) busy++;
    else if (e.name === "RequestTimeoutError") timeouts++;
    else {
      other++;
      otherSample ||= `${e.name}: ${e.message}`.slice(0, 120);
    }
    if (++settled === requests) done();
  };
  const start = performance.now();
  for (let i = 0; i < requests; i++) client.execute(query).then(onOk, onError);
  const issued = performance.now();
  // The issue loop and the microtask burst after it (every refused request's handlers run in
  // it) are reported on their own; the probe measures from the first timer after them.
  const burstEnd = await new Promise<number>((r) => setTimeout(() => r(performance.now()), 0));
  last = performance.now();
  lastCpu = onCpuMs();
  maxLag = 0;
  maxBlocked = 0;
  await all;
  const drained = performance.now();
  clearInterval(probe);
  const status = Deno.readTextFileSync("/proc/self/status");
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
  await client.close();
  const report: Report = {
    variant: "",
    rssBeforeMiB: rssBefore / 2 ** 20,
    peakGrowthMiB: (hwm - rssBefore) / 2 ** 20,
    ok,
    busy,
    timeouts,
    other,
    otherSample,
    issueMs: issued - start,
    burstMs: burstEnd - issued,
    maxLagMs: maxLag,
    maxBlockedMs: maxBlocked,
    drainMs: drained - start,
  };
  console.log(JSON.stringify(report));
}

/** A proxy to the node whose replies go through at `bytesPerSec`. */
function slowProxy(bytesPerSec: number): { address: string; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const writeAll = async (to: Deno.Conn, b: Uint8Array) => {
    for (let off = 0; off < b.length;) off += await to.write(b.subarray(off));
  };
  const pump = async (from: Deno.Conn, to: Deno.Conn, rate: number) => {
    const tickMs = 5;
    const perTick = rate === Infinity ? 64 * 1024 : Math.max(64, Math.round(rate * tickMs / 1000));
    const buf = new Uint8Array(perTick);
    let next = performance.now();
    try {
      for (;;) {
        const n = await from.read(buf);
        if (n === null) break;
        await writeAll(to, buf.subarray(0, n));
        if (rate === Infinity) continue;
        next += (tickMs * n) / perTick;
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        else if (wait < -100) next = performance.now();
      }
    } catch { /* closed */ }
    for (const c of [from, to]) {
      try {
        c.close();
      } catch { /* closed */ }
      conns.delete(c);
    }
  };
  (async () => {
    for await (const client of listener) {
      const server = await Deno.connect({ hostname: "127.0.0.1", port: 9042 });
      conns.add(client);
      conns.add(server);
      pump(client, server, Infinity);
      pump(server, client, bytesPerSec);
    }
  })().catch(() => {});
  return {
    address: `127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
    },
  };
}

async function parent(): Promise<void> {
  const requests = arg("requests", "200000");
  const rate = Number(arg("rate-kib", "2048")) * 1024;
  const base = arg("base", "");
  const rounds = Number(arg("rounds", "2"));
  const timeout = arg("timeout", "12000");
  const here = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const variants: { name: string; root: string; queue: string }[] = [];
  if (base) variants.push({ name: "base (HEAD, unbounded queue)", root: base, queue: "-" });
  for (const q of arg("queue", "8192").split(",")) {
    variants.push({ name: `new, maxQueuedRequestsPerHost ${q}`, root: here, queue: q });
  }
  const proxy = slowProxy(rate);
  console.log(
    `${requests} requests at once, replies throttled to ${
      rate / 1024
    } KiB/s, requestTimeout ${timeout} ms, Deno ${Deno.version.deno}, load ${Deno.loadavg()[0]}`,
  );
  const rows: Report[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const v of variants) {
      const out = await new Deno.Command(DENO, {
        args: [
          "run",
          "-A",
          "--v8-flags=--expose-gc",
          `${HERE}backpressure.ts`,
          "child",
          v.root,
          proxy.address,
          v.queue,
          requests,
          timeout,
        ],
        stdout: "piped",
        stderr: "inherit",
      }).output();
      const line = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
      if (!out.success || !line.startsWith("{")) {
        console.error(`${v.name}: child failed (${out.code}): ${line}`);
        continue;
      }
      const r = JSON.parse(line) as Report;
      r.variant = v.name;
      rows.push(r);
      console.error(`round ${round + 1}: ${v.name}: ${line}`);
    }
  }
  proxy.close();
  const f = (n: number) => n.toFixed(0);
  const head = [
    "variant",
    "RSS growth (MiB)",
    "ok",
    "busy",
    "timed out",
    "other",
    "issue loop (ms)",
    "burst after it (ms)",
    "max lag after (ms)",
    "of it on a core (ms)",
    "all settled (ms)",
  ];
  console.log(`\n| ${head.join(" | ")} |`);
  console.log(`|---|${head.slice(1).map(() => "---:").join("|")}|`);
  for (const r of rows) {
    const cells = [r.variant, f(r.peakGrowthMiB), r.ok, r.busy, r.timeouts, r.other];
    cells.push(f(r.issueMs), f(r.burstMs), f(r.maxLagMs), f(r.maxBlockedMs), f(r.drainMs));
    console.log(`| ${cells.join(" | ")} |`);
  }
  const others = rows.filter((r) => r.other > 0);
  for (const r of others) console.log(`${r.variant}: other errors, e.g. ${r.otherSample}`);
}
