/**
 * Long coverage-guided fuzzing run of the protocol decoders with Jazzer.js: each target of
 * tests/fuzz/targets/ in turn (one core at a time), through tools/fuzz/jazzer.ts.
 *
 *   deno run -A bench/fuzz-jazzer.ts [--runs N=10000000] [--time S=3600] [--targets a,b]
 *     [--fresh] [--no-detectors]
 *
 * `--no-detectors` turns Jazzer's bug detectors off (about five times the executions a second;
 * the targets' own checks stay). Two invocations with different `--targets` use both cores.
 *
 * Each target stops after N executions or S seconds, whichever comes first. The corpus grows
 * across runs in `.cache/fuzz/corpus/<target>/` (`--fresh` starts from the seeds alone); crash
 * files land in `.cache/fuzz/artifacts/<target>/`. Prints a table: target, executions,
 * exec/s, coverage edges (after the seeds → at the end), features, corpus size, peak RSS,
 * findings. Exit code 1 when any target had a finding or did not run.
 *
 * @module
 */
import {
  buildTargets,
  runJazzer,
  type RunResult,
  type Target,
  TARGETS,
} from "../tools/fuzz/jazzer.ts";

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const runs = Number(arg("--runs") ?? 10_000_000);
const time = Number(arg("--time") ?? 3600);
const targets = (arg("--targets")?.split(",") ?? [...TARGETS]) as Target[];
if (!Number.isInteger(runs) || runs <= 0 || !Number.isInteger(time) || time <= 0) {
  console.error("usage: deno run -A bench/fuzz-jazzer.ts [--runs N] [--time S] [--targets a,b]");
  Deno.exit(2);
}

await buildTargets();
const results: RunResult[] = [];
for (const target of targets) {
  const t0 = new Date().toISOString();
  console.error(`${t0} ${target}: up to ${runs} runs or ${time} s`);
  const r = await runJazzer({
    target,
    runs,
    maxTotalTime: time,
    fresh: Deno.args.includes("--fresh"),
    detectors: !Deno.args.includes("--no-detectors"),
    // libFuzzer's periodic status lines, so a long run shows it is alive.
    echo: (s) => {
      for (const line of s.split("\n")) {
        if (/pulse|NEW|REDUCE|ERROR|Exception/.test(line)) console.error(line);
      }
    },
  });
  results.push(r);
  if (r.code !== 0) {
    console.error(`${target}: exit ${r.code}; the last of its output:\n${r.output.slice(-3000)}`);
  }
}

const fmt = (n: number | null) => (n === null ? "?" : n.toLocaleString("en-US"));
const rows = results.map((r) => [
  r.target,
  fmt(r.runs),
  fmt(r.execPerSec ?? (r.runs !== null && r.seconds ? Math.round(r.runs / r.seconds) : null)),
  `${fmt(r.covInit)} → ${fmt(r.cov)}`,
  fmt(r.ft),
  fmt(r.corp),
  fmt(r.peakRssMb),
  `${Math.round(r.wallSeconds)} s`,
  r.code === 0
    ? "none"
    : `exit ${r.code}: ${r.artifacts.map((a) => a.split("/").pop()).join(", ") || "no artifact"}`,
]);
const head = [
  "target",
  "executions",
  "exec/s",
  "cov (edges)",
  "ft",
  "corpus",
  "peak RSS MB",
  "wall",
  "findings",
];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log(line(head));
console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
for (const r of rows) console.log(line(r));
if (results[0]) console.log(`\nruntime: ${results[0].runtime}`);
for (const r of results) console.log(`${r.target}: ${r.command.join(" ")}`);
Deno.exit(results.every((r) => r.code === 0) ? 0 : 1);
