import { assert } from "../support/assert.ts";
import { loadLz4 } from "../../src/compression/lz4.ts";
import { fuzzers } from "./fuzzers.ts";

// Short CI pass; bench/fuzz-long.ts runs the same fuzzers for as long as you like.
const lz4 = await loadLz4();

for (const f of fuzzers(lz4)) {
  Deno.test(`fuzz: ${f.name}`, () => {
    const r = f.run({ numRuns: 1000 });
    assert(r.failure === undefined, `${r.failure} (seed ${r.seed})`);
    assert(r.inputs > 0);
  });
}
