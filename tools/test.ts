/**
 * `npm test`: starts the local Cassandra when no node answers, runs every suite (Deno, then the
 * other runtimes), stops what it started, and ends with one `N passed, N failed` line.
 *
 * Flags: `--only deno|bun|node|workerd` runs one suite; anything after `--` goes to `deno test`
 * (e.g. `npm test -- --only deno -- tests/protocol`).
 *
 * @module
 */
import { readCluster, start, status, stop } from "./cassandra/launcher.ts";
import { answers } from "./cassandra/probe.ts";
import { CACHE_DIR } from "./cassandra/paths.ts";
import { join } from "./cassandra/path.ts";

interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
  ok: boolean;
}

/** A suite is a command whose output we stream and whose counts we parse. */
interface Suite {
  name: string;
  cmd: string[];
  /** Reads passed/failed counts from the suite's full output. */
  counts(output: string): { passed: number; failed: number } | null;
}

// deno test ends with "ok | 12 passed (3 steps) | 0 failed" or "FAILED | 3 passed | 1 failed".
function denoCounts(out: string) {
  const m = [...out.matchAll(/\|\s*(\d+) passed[^|]*\|\s*(\d+) failed/g)].pop();
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
}

const ANSI = /\x1b\[[0-9;]*m/g;

async function runSuite(s: Suite, env: Record<string, string>): Promise<SuiteResult> {
  console.log(`\n=== ${s.name}: ${s.cmd.join(" ")}`);
  const child = new Deno.Command(s.cmd[0], {
    args: s.cmd.slice(1),
    env,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let out = "";
  const dec = new TextDecoder();
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    out += dec.decode(chunk, { stream: true });
  }
  const st = await child.status;
  const counts = s.counts(out.replace(ANSI, ""));
  if (!counts) {
    console.log(`${s.name}: could not read the test counts; counted as failed`);
    return { name: s.name, passed: 0, failed: 1, ok: false };
  }
  return { name: s.name, ...counts, ok: st.success && counts.failed === 0 };
}

async function clusterNames(): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(join(CACHE_DIR, "clusters"))) {
      if (e.isDirectory) names.push(e.name);
    }
  } catch { /* no cluster yet */ }
  return names;
}

async function runningClusters(): Promise<Set<string>> {
  const running = new Set<string>();
  for (const name of await clusterNames()) {
    if ((await status(name)).some((s) => s.running)) running.add(name);
  }
  return running;
}

async function main(args: string[]): Promise<number> {
  const sep = args.indexOf("--");
  const own = sep >= 0 ? args.slice(0, sep) : args;
  const denoArgs = sep >= 0 ? args.slice(sep + 1) : ["tests/"];
  const onlyIdx = own.indexOf("--only");
  const only = onlyIdx >= 0 ? own[onlyIdx + 1] : undefined;

  const t0 = performance.now();
  const before = await runningClusters();
  const env: Record<string, string> = {};
  const external = Deno.env.get("CQL_TEST_HOST");
  if (external) {
    if (
      !await answers({ host: external.split(":")[0], port: Number(external.split(":")[1] ?? 9042) })
    ) {
      console.error(`CQL_TEST_HOST=${external} does not answer; failing`);
      return 1;
    }
  } else if (!await answers({ host: "127.0.0.1", port: 9042 }, 1500)) {
    console.log("no Cassandra answers on 127.0.0.1:9042: starting one");
    try {
      await start({ name: "main" });
    } catch (e) {
      console.error(`Cassandra could not start, so the suite cannot run:\n${(e as Error).message}`);
      console.log("0 passed, 1 failed");
      return 1;
    }
  } else if (!(await readCluster("main"))) {
    console.log("using the Cassandra that already answers on 127.0.0.1:9042");
  }
  const deno = Deno.execPath();
  const suites: Suite[] = [
    {
      name: "deno",
      cmd: [deno, "test", "-A", ...denoArgs],
      counts: denoCounts,
    },
  ];
  const results: SuiteResult[] = [];
  try {
    for (const s of suites) {
      if (only && s.name !== only) continue;
      results.push(await runSuite(s, env));
    }
  } finally {
    // Stop every cluster this run started (the main node, and TLS/auth/multi-node ones the tests
    // started), leaving alone what was running before.
    for (const name of await runningClusters()) {
      if (!before.has(name)) await stop(name, (l) => console.log(l));
    }
  }
  const passed = results.reduce((a, r) => a + r.passed, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  console.log("");
  for (const r of results) console.log(`${r.name}: ${r.passed} passed, ${r.failed} failed`);
  console.log(`total time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return results.length > 0 && results.every((r) => r.ok) ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
