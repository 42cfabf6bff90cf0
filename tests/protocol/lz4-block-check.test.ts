/**
 * Regression test for a finding of the Jazzer.js fuzzing (tests/fuzz/targets/segment.ts: the
 * same compressed segment decoded to different envelopes when fed whole and in chunks). An LZ4
 * match with offset 0 is invalid, but lz4-wasm's decoder accepts it and copies bytes the output
 * buffer had not been given yet: whatever an earlier call left in the WebAssembly heap, such as
 * another response's rows. decompressChecked now walks the block first and refuses any match that
 * does not copy from bytes already produced, and any block that does not produce exactly the
 * announced length.
 *
 * @module
 */
import { assertEquals, assertThrows } from "../support/assert.ts";
import { loadLz4 } from "../../src/compression/lz4.ts";
import { decompressChecked } from "../../src/protocol/compression.ts";
import { ProtocolError } from "../../src/protocol/errors.ts";

const lz4 = await loadLz4();

/** Leaves 4 KiB of 'Z' in the decoder's heap, as a previous response would leave its bytes. */
function dirtyHeap(): void {
  decompressChecked(lz4, lz4.compress(new Uint8Array(4096).fill(0x5a)), 4096);
}

Deno.test("LZ4: a match with offset 0 is a ProtocolError, not a copy of stale heap bytes", () => {
  // One literal 'A', a 4-byte match at offset 0, five final literals: 10 bytes announced.
  const block = new Uint8Array([0x10, 0x41, 0, 0, 0x50, 1, 2, 3, 4, 5]);
  dirtyHeap();
  assertThrows(() => decompressChecked(lz4, block, 10), ProtocolError, "offset 0");
});

Deno.test("LZ4: blocks must produce exactly the announced length from bytes already produced", () => {
  const cases: [string, number[], number][] = [
    ["offset past the output", [0x10, 0x41, 2, 0, 0x50, 1, 2, 3, 4, 5], 10],
    ["ends on a match", [0x10, 0x41, 1, 0], 5],
    ["truncated offset", [0x10, 0x41, 1], 5],
    ["literals past the end", [0x50, 1, 2], 5],
    ["fewer bytes than announced", [0x50, 1, 2, 3, 4, 5], 6],
    ["more bytes than announced", [0x10, 0x41, 1, 0, 0x50, 1, 2, 3, 4, 5], 9],
  ];
  for (const [why, bytes, n] of cases) {
    try {
      decompressChecked(lz4, new Uint8Array(bytes), n);
    } catch (e) {
      if (e instanceof ProtocolError) continue;
      throw new Error(`${why}: ${e}`);
    }
    throw new Error(`${why}: accepted`);
  }
});

Deno.test("LZ4: valid blocks still decompress (the driver's own, overlapping matches, long runs)", () => {
  const inputs = [
    new Uint8Array(1).fill(7),
    new Uint8Array(300).fill(1),
    Uint8Array.from({ length: 5000 }, (_, i) => (i * 31) % 251),
    Uint8Array.from({ length: 70_000 }, (_, i) => (i % 1000 < 500 ? 0 : i & 255)),
  ];
  for (const raw of inputs) {
    dirtyHeap();
    assertEquals(decompressChecked(lz4, lz4.compress(raw), raw.length, 1 << 20), raw);
  }
  // By hand: 'A', then a 9-byte match at offset 1 (overlapping: repeats 'A'), then 5 literals.
  const out = decompressChecked(lz4, new Uint8Array([0x15, 0x41, 1, 0, 0x50, 1, 2, 3, 4, 5]), 15);
  assertEquals([...out], [...new Array(10).fill(0x41), 1, 2, 3, 4, 5]);
});
