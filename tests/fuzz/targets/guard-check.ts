/**
 * A self-check of harness.ts, run on Node by tests/fuzz/jazzer.test.ts (bundled like a target,
 * without Jazzer): the allocation guard and the size walk must turn each planted violation into
 * a FuzzFinding, even one hidden behind a ProtocolError, and must let a small allocation
 * followed by a ProtocolError through. Prints one JSON line: outcome by case.
 *
 * @module
 */
import { ProtocolError } from "./driver.ts";
import { accept, checkSizes } from "./harness.ts";

function outcome(f: () => void): string {
  try {
    f();
    return "accepted";
  } catch (e) {
    return (e as Error).name;
  }
}

console.log(JSON.stringify({
  oneLargeAllocation: outcome(() => accept(100, () => void new Uint8Array(1000))),
  largeAllocationThenProtocolError: outcome(() =>
    accept(100, () => {
      try {
        new Float64Array(50);
      } catch { /* a decoder swallowing it must not hide it */ }
      throw new ProtocolError("malformed");
    })
  ),
  manySmallAllocations: outcome(() =>
    accept(100, () => {
      for (let i = 0; i < 20; i++) new Uint8Array(90);
    })
  ),
  smallAllocationThenProtocolError: outcome(() =>
    accept(100, () => {
      new Uint8Array(10);
      throw new ProtocolError("malformed");
    })
  ),
  typeError: outcome(() =>
    accept(100, () => {
      throw new TypeError("bug");
    })
  ),
  longString: outcome(() => checkSizes({ a: ["x".repeat(200)] }, 100, new Uint8Array(1))),
  viewOfLargeBuffer: outcome(() =>
    checkSizes(new Uint8Array(1000).subarray(0, 10), 100, new Uint8Array(1))
  ),
}));
