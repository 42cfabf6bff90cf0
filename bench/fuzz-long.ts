/**
 * Long fuzzing run of the protocol decoders: the same fuzzers as tests/protocol/fuzz.test.ts,
 * for N inputs each.
 *
 *   deno run -A bench/fuzz-long.ts [iterations=100000] [seed]
 *
 * Prints, per fuzzer, how many inputs ran, how many messages decoded, how many inputs were
 * rejected with a ProtocolError, and the first counterexample found (exit code 1 if any).
 *
 * @module
 */
import { loadLz4 } from "../src/compression/lz4.ts";
import { fuzzers } from "../tests/protocol/fuzzers.ts";

const iterations = Number(Deno.args[0] ?? 100_000);
const seed = Deno.args[1] === undefined ? undefined : Number(Deno.args[1]);
if (!Number.isInteger(iterations) || iterations <= 0) {
  console.error("usage: deno run -A bench/fuzz-long.ts [iterations] [seed]");
  Deno.exit(2);
}

const lz4 = await loadLz4();
let failures = 0;
for (const f of fuzzers(lz4)) {
  const t0 = performance.now();
  const r = f.run({ numRuns: iterations, seed });
  const ms = (performance.now() - t0).toFixed(0);
  console.log(
    `${r.failure ? "FAIL" : "ok  "} ${f.name}: ${r.inputs} inputs, ${r.decoded} decoded, ` +
      `${r.rejected} rejected, seed ${r.seed}, ${ms} ms`,
  );
  if (r.failure) {
    failures++;
    console.log(r.failure);
  }
}
console.log(failures === 0 ? "no failures found" : `${failures} fuzzer(s) found failures`);
Deno.exit(failures === 0 ? 0 : 1);
