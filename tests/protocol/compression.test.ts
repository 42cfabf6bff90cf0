import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import { ByteWriter } from "../../src/protocol/bytes.ts";
import {
  compressFrameV4,
  decompressChecked,
  decompressFrameV4,
} from "../../src/protocol/compression.ts";
import { ProtocolError } from "../../src/protocol/errors.ts";
import { parseFrame } from "../../src/protocol/frame.ts";
import { encodeQuery } from "../../src/protocol/requests.ts";
import { decodeResponseBytes } from "../../src/protocol/responses.ts";
import { loadLz4 } from "../../src/compression/lz4.ts";
import { responseFrame } from "./helpers.ts";

/** A minimal reference LZ4 block decoder, to check the wasm output is a bare LZ4 block. */
function referenceDecode(src: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let i = 0;
  let o = 0;
  for (;;) {
    const token = src[i++];
    let lit = token >> 4;
    if (lit === 15) { for (let b = 255; b === 255; lit += b) b = src[i++]; }
    out.set(src.subarray(i, i + lit), o);
    i += lit;
    o += lit;
    if (i >= src.length) break;
    const off = src[i] | (src[i + 1] << 8);
    i += 2;
    let ml = (token & 15) + 4;
    if ((token & 15) === 15) { for (let b = 255; b === 255; ml += b) b = src[i++]; }
    for (let k = 0; k < ml; k++, o++) out[o] = out[o - off];
  }
  assertEquals(o, n);
  return out;
}

const text = new TextEncoder().encode("SELECT * FROM ks.table WHERE id = ?; ".repeat(40));

Deno.test("lz4-wasm: compress gives a bare LZ4 block (size prefix stripped)", async () => {
  const lz4 = await loadLz4();
  assertEquals(lz4.name, "lz4");
  const block = lz4.compress(text);
  assert(block.length < text.length / 5, `compressed to ${block.length}`);
  assertEquals(referenceDecode(block, text.length), text);
  assertEquals(lz4.decompress(block, text.length), text);
  assertEquals(lz4.decompress(lz4.compress(new Uint8Array(0)), 0).length, 0);
  assert((await loadLz4()) === lz4, "the default loader is cached");
});

Deno.test("lz4-wasm: loads from bytes and from a compiled module", async () => {
  const url = new URL(import.meta.resolve("lz4-wasm/lz4_wasm_bg.wasm"));
  const bytes = await Deno.readFile(url);
  const a = await loadLz4(bytes);
  const b = await loadLz4(await WebAssembly.compile(bytes));
  assertEquals(b.decompress(a.compress(text), text.length), text);
});

Deno.test("lz4-wasm: corrupt blocks and wrong sizes become ProtocolErrors", async () => {
  const lz4 = await loadLz4();
  const block = lz4.compress(text);
  assertThrows(() => decompressChecked(lz4, block, text.length + 1), ProtocolError);
  assertThrows(() => decompressChecked(lz4, block.subarray(0, 10), text.length), ProtocolError);
  assertThrows(() => decompressChecked(lz4, new Uint8Array([0xf0, 1]), 100), ProtocolError);
  assertThrows(() => decompressChecked(lz4, block, 2 ** 31), ProtocolError, "bad uncompressed");
  assertThrows(() => decompressChecked(lz4, new Uint8Array(4), 1 << 20), ProtocolError, "expand");
  // The compressor is still usable after failures.
  assertEquals(decompressChecked(lz4, block, text.length), text);
});

Deno.test("v4 body compression: 4-byte big-endian length then the block", async () => {
  const lz4 = await loadLz4();
  const w = new ByteWriter();
  const query = new TextDecoder().decode(text);
  const start = encodeQuery(w, { version: 4, stream: 3 }, query, { consistency: "ONE" });
  const original = w.toBytes();
  compressFrameV4(w, start, lz4);
  const compressed = w.toBytes();
  assertEquals(compressed[1], 0x01);
  assert(compressed.length < original.length);
  const bodyLength = original.length - 9;
  assertEquals(new DataView(compressed.buffer).getUint32(9), bodyLength);
  const back = decompressFrameV4(parseFrame(compressed, { response: false }), lz4);
  assertEquals(back.body, original.subarray(9));
  assertEquals(back.header.flags, 0);
});

Deno.test("decodeResponse decompresses v4 frames when given the compressor", async () => {
  const lz4 = await loadLz4();
  const raw = responseFrame(4, 1, 0x03, (w) => w.string("org.apache.Auth".repeat(20)));
  const w = new ByteWriter();
  w.raw(raw);
  compressFrameV4(w, 0, lz4);
  const r = decodeResponseBytes(w.toBytes(), { compressor: lz4 });
  assertEquals(r.message, { kind: "authenticate", authenticator: "org.apache.Auth".repeat(20) });
});
