/**
 * LZ4 (lz4-wasm, loaded the way the driver loads it) compress and decompress throughput, on
 * three kinds of payload, on whichever runtime runs it:
 *
 *   node_modules/.bin/deno run -A bench/lz4.ts
 *   node_modules/.bin/bun bench/lz4.ts
 *
 * @module
 */
import { loadLz4 } from "../src/compression/lz4.ts";

const lz4 = await loadLz4();
const size = 128 * 1024;
const text = new TextEncoder().encode(
  Array.from({ length: 4000 }, (_, i) => `row ${i}: name-${i % 97}, qty ${i % 13};`).join(" "),
).slice(0, size);
const patterned = new Uint8Array(size);
for (let i = 0; i < size; i++) patterned[i] = (Math.imul(i, 2654435761) >>> 13) & 0xff;
const zeros = new Uint8Array(size);
const runtime = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";
console.log(`lz4-wasm on ${runtime}, ${size / 1024} KiB payloads`);
console.log("payload   ratio   compress MB/s   decompress MB/s");
for (const [name, data] of [["text", text], ["patterned", patterned], ["zeros", zeros]] as const) {
  const block = lz4.compress(data);
  const rounds = 300;
  let t0 = performance.now();
  for (let i = 0; i < rounds; i++) lz4.compress(data);
  const c = (rounds * data.length) / 1e6 / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  for (let i = 0; i < rounds; i++) lz4.decompress(block, data.length);
  const d = (rounds * data.length) / 1e6 / ((performance.now() - t0) / 1000);
  console.log(
    `${name.padEnd(8)} ${(data.length / block.length).toFixed(2).padStart(6)}   ${
      c.toFixed(0).padStart(13)
    }   ${d.toFixed(0).padStart(15)}`,
  );
}
