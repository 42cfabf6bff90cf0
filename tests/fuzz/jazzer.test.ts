/**
 * The short coverage-guided fuzzing run of `npm test`: each Jazzer.js target of
 * tests/fuzz/targets/ for a bounded number of executions from the golden seeds (fresh corpus,
 * fixed libFuzzer seed, so runs are alike), and the planted-fault variant, which must be caught.
 * bench/fuzz-jazzer.ts is the long run.
 *
 * Nothing here skips: when Jazzer's runtime cannot be prepared (the Debian download on an old
 * glibc) or Jazzer does not start, the tests fail with the reason and Jazzer's output.
 *
 * @module
 */
import { assert } from "../support/assert.ts";
import {
  buildTargets,
  GUARD_CHECK_BUNDLE,
  REPO_ROOT,
  runJazzer,
  type RunResult,
  type Target,
} from "../../tools/fuzz/jazzer.ts";

/**
 * Executions per target: about 20 s of CPU for all four and the planted run, 45-60 s of wall time
 * on two cores shared with other work (the rows target is the slowest per input).
 */
const RUNS: Record<Exclude<Target, "planted">, number> = {
  frame: 4_000,
  segment: 4_000,
  lz4: 10_000,
  rows: 2_000,
};

await buildTargets();

function tail(r: RunResult): string {
  return `\ncommand: ${r.command.join(" ")}\nruntime: ${r.runtime}\n--- output (tail) ---\n${
    r.output.slice(-4000)
  }`;
}

for (const [target, runs] of Object.entries(RUNS) as [Exclude<Target, "planted">, number][]) {
  Deno.test(`jazzer: ${target} target, ${runs} runs, every input decodes or is a ProtocolError`, async () => {
    const r = await runJazzer({ target, runs, seed: 1, fresh: true });
    assert(
      r.code === 0,
      `jazzer exited ${r.code} (artifacts: ${r.artifacts.join(", ")})${tail(r)}`,
    );
    assert(r.artifacts.length === 0, `artifacts written: ${r.artifacts.join(", ")}${tail(r)}`);
    assert(r.runs !== null && r.runs >= runs, `${r.runs} runs of ${runs}${tail(r)}`);
    // The instrumentation works: the driver's edges are counted, and the fuzzer finds more.
    assert(r.covInit !== null && r.covInit > 0, `no coverage after the seeds${tail(r)}`);
    assert(
      r.cov !== null && r.cov > r.covInit,
      `coverage did not grow (${r.covInit} -> ${r.cov})${tail(r)}`,
    );
  });
}

Deno.test("jazzer: a planted fault (a TypeError) is found and written as a crash file", async () => {
  const r = await runJazzer({ target: "planted", runs: 200_000, seed: 1, fresh: true });
  try {
    assert(r.code !== 0, `jazzer exited 0: the planted fault was not found${tail(r)}`);
    assert(r.output.includes("planted fault"), `the finding is not the planted one${tail(r)}`);
    assert(
      r.artifacts.some((a) => a.split("/").pop()!.startsWith("crash-")),
      `no crash file (artifacts: ${r.artifacts.join(", ")})${tail(r)}`,
    );
  } finally {
    for (const a of r.artifacts) await Deno.remove(a).catch(() => {});
  }
});

Deno.test("jazzer harness: over-limit allocations and values are findings, ProtocolErrors are not", async () => {
  // Plain Node, no Jazzer: the guard is JavaScript, and this shows it can fail.
  const r = await new Deno.Command("node", {
    args: [GUARD_CHECK_BUNDLE],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(r.stdout);
  assert(r.success, `node ${GUARD_CHECK_BUNDLE} failed: ${new TextDecoder().decode(r.stderr)}`);
  const got = JSON.parse(out);
  const want = {
    oneLargeAllocation: "FuzzFinding",
    largeAllocationThenProtocolError: "FuzzFinding",
    manySmallAllocations: "FuzzFinding",
    smallAllocationThenProtocolError: "accepted",
    typeError: "TypeError",
    longString: "FuzzFinding",
    viewOfLargeBuffer: "FuzzFinding",
  };
  assert(JSON.stringify(got) === JSON.stringify(want), `got ${out}`);
});
