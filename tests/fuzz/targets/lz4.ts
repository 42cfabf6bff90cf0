/**
 * Jazzer.js target: the driver's LZ4 (src/compression/lz4.ts over lz4-wasm) behind
 * decompressChecked, the one door every compressed byte from a server goes through.
 *
 * The input is read as a v4 compressed body: a 4-byte big-endian uncompressed length, then an
 * LZ4 block. It must decompress to exactly that length within the frame limit, or fail with a
 * ProtocolError. Then, whatever happened, the input itself must survive a round trip through
 * compress and decompressChecked unchanged: that checks the codec, and that a failed
 * decompression (a Rust panic trapping inside the wasm instance, which the glue answers by
 * replacing the instance) left the compressor working.
 *
 * Seeds: the LZ4 bodies of the golden v4-lz4 frames and the driver's own compression of every
 * golden frame body (tests/fuzz/seeds.ts).
 *
 * @module
 */
import { decompressChecked } from "./driver.ts";
import { accept, check, LIMIT, lz4, sameBytes } from "./harness.ts";

export { ready } from "./harness.ts";

/** The output buffer may be as large as the limit; the copy out of wasm memory as well. */
const ALLOWANCE = LIMIT;

/** Jazzer's entry point. */
export function fuzz(data: Uint8Array): void {
  accept(ALLOWANCE, () => {
    if (data.length < 4) return;
    const n = ((data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3]) >>> 0;
    const out = decompressChecked(lz4, data.subarray(4), n, LIMIT);
    check(out.length === n && n <= LIMIT, `decompressed ${out.length} bytes, claimed ${n}`);
  });
  // Not under accept(): nothing in a round trip of valid data may fail, not even with a
  // ProtocolError. Inputs are at most a few kilobytes (libFuzzer's -max_len), within the limit.
  const block = lz4.compress(data);
  const back = decompressChecked(lz4, block, data.length, Math.max(LIMIT, data.length));
  check(sameBytes(back, data), `round trip of ${data.length} bytes changed them`);
}
