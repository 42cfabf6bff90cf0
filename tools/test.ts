/**
 * `npm test`: starts the local Cassandra when no node answers, runs every suite (Deno, then the
 * other runtimes), stops what it started, and ends with one `N passed, N failed` line.
 *
 * Suites, in order (each prints its own results; their counts are summed):
 * - deno: `deno test -A tests/` (unit, integration, launcher, transport, workerd transport test,
 *   and the conformance suite on Deno);
 * - bun: the conformance suite (tests/conformance/run-bun.ts), then the transport suite;
 * - node: `npm run build`, then the conformance suite against dist/ with `node --test`, then the
 *   transport suite bundled for Node;
 * - consumers: `npm run build` (once per run), then tests/consumers/run.ts: the package as users
 *   receive it (JSR link for Deno; the packed tarball installed for Node ESM and CommonJS, Bun and
 *   a workerd Worker), imported by name from a temporary folder outside the repository;
 * - workerd: the conformance suite inside workerd (tests/conformance/run-workerd.ts).
 *
 * Flags: `--only deno|bun|node|consumers|workerd` runs one runtime's suites; anything after `--`
 * goes to `deno test` (e.g. `npm test -- --only deno -- tests/protocol`).
 *
 * @module
 */
import { readCluster, start, status, stop } from "./cassandra/launcher.ts";
import { answers } from "./cassandra/probe.ts";
import { CACHE_DIR, REPO_ROOT } from "./cassandra/paths.ts";
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
  /** What `--only` selects it by. */
  runtime: "deno" | "bun" | "node" | "consumers" | "workerd";
  /**
   * Commands that must succeed first (builds); a failing one fails the suite. One that already
   * succeeded earlier in this run (the build both Node suites and the consumers need) is skipped.
   */
  before?: string[][];
  cmd: string[];
  /** Reads passed/failed counts from the suite's full output. */
  counts(output: string): { passed: number; failed: number } | null;
}

// deno test ends with "ok | 12 passed (3 steps) | 0 failed" or "FAILED | 3 passed | 1 failed".
function denoCounts(out: string) {
  const m = [...out.matchAll(/\|\s*(\d+) passed[^|]*\|\s*(\d+) failed/g)].pop();
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
}

// The bun/workerd runners and tests/transport/run.ts end with "N passed, N failed".
function lineCounts(out: string) {
  const m = [...out.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
}

// node --test's TAP reporter ends with "# pass N", "# fail N", "# cancelled N" (a cancelled test,
// e.g. one cut short by a crashing file, is a failure too).
function nodeCounts(out: string) {
  const num = (k: string) => {
    const m = [...out.matchAll(new RegExp(`^# ${k} (\\d+)$`, "gm"))].pop();
    return m ? Number(m[1]) : null;
  };
  const [pass, fail, cancelled] = [num("pass"), num("fail"), num("cancelled")];
  return pass === null || fail === null ? null : { passed: pass, failed: fail + (cancelled ?? 0) };
}

// Colour codes in the suites' output would break the count patterns; ESC is meant literally here.
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** The `before` commands that succeeded in this run, joined with spaces. */
const done = new Set<string>();

async function runSuite(s: Suite, env: Record<string, string>): Promise<SuiteResult> {
  for (const cmd of s.before ?? []) {
    if (done.has(cmd.join(" "))) continue;
    console.log(`\n=== ${s.name}: ${cmd.join(" ")}`);
    const st = await new Deno.Command(cmd[0], { args: cmd.slice(1), env, cwd: REPO_ROOT }).spawn()
      .status;
    if (!st.success) {
      console.log(`${s.name}: \`${cmd.join(" ")}\` failed; counted as failed`);
      return { name: s.name, passed: 0, failed: 1, ok: false };
    }
    done.add(cmd.join(" "));
  }
  console.log(`\n=== ${s.name}: ${s.cmd.join(" ")}`);
  const child = new Deno.Command(s.cmd[0], {
    args: s.cmd.slice(1),
    env,
    cwd: REPO_ROOT,
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

/** The Node conformance files (tests/conformance/node/*.node.mjs), repo-relative. */
async function nodeTestFiles(): Promise<string[]> {
  const files: string[] = [];
  for await (const e of Deno.readDir(join(REPO_ROOT, "tests", "conformance", "node"))) {
    if (e.isFile && e.name.endsWith(".node.mjs")) files.push(`tests/conformance/node/${e.name}`);
  }
  return files.sort();
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
  const bin = (name: string) => join(REPO_ROOT, "node_modules", ".bin", name);
  // Node 20 cannot run the TypeScript transport runner: Bun's bundler makes it one .js file.
  const nodeRun = join(REPO_ROOT, ".cache", "node-transport");
  const suites: Suite[] = [
    { name: "deno", runtime: "deno", cmd: [deno, "test", "-A", ...denoArgs], counts: denoCounts },
    {
      name: "bun conformance",
      runtime: "bun",
      cmd: [bin("bun"), "tests/conformance/run-bun.ts"],
      counts: lineCounts,
    },
    {
      name: "bun transport",
      runtime: "bun",
      cmd: [bin("bun"), "tests/transport/run.ts", "--cassandra"],
      counts: lineCounts,
    },
    {
      name: "node conformance (dist/)",
      runtime: "node",
      before: [[deno, "run", "-A", "tools/build.ts"]],
      // Named *.node.mjs, not *.test.mjs, so `deno test tests/` does not run them too; listed
      // here because Node 20's --test does not expand globs.
      cmd: ["node", "--test", "--test-reporter=tap", ...await nodeTestFiles()],
      counts: nodeCounts,
    },
    {
      name: "node transport",
      runtime: "node",
      before: [[
        bin("bun"),
        "build",
        "tests/transport/run.ts",
        "--target=node",
        `--outdir=${nodeRun}`,
      ]],
      cmd: ["node", join(nodeRun, "run.js"), "--cassandra"],
      counts: lineCounts,
    },
    {
      name: "consumers",
      runtime: "consumers",
      before: [[deno, "run", "-A", "tools/build.ts"]],
      cmd: [deno, "run", "-A", "tests/consumers/run.ts"],
      counts: lineCounts,
    },
    {
      name: "workerd conformance",
      runtime: "workerd",
      cmd: [deno, "run", "-A", "tests/conformance/run-workerd.ts"],
      counts: lineCounts,
    },
  ];
  const results: SuiteResult[] = [];
  try {
    for (const s of suites) {
      if (only && s.runtime !== only) continue;
      results.push(await runSuite(s, env));
    }
  } finally {
    // Stop every cluster this run started (the main node, and TLS/auth/multi-node ones the tests
    // started), leaving alone what was running before.
    // The benchmark's clusters (bench/node.ts) are never the tests': one that started while
    // the suite ran belongs to a benchmark running beside it.
    for (const name of await runningClusters()) {
      if (!before.has(name) && !name.startsWith("bench")) await stop(name, (l) => console.log(l));
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
