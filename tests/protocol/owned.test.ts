import { assert, assertEquals } from "../support/assert.ts";
import { ByteWriter } from "../../src/protocol/bytes.ts";
import { decompressChecked } from "../../src/protocol/compression.ts";
import { FrameDecoder } from "../../src/protocol/frame-decoder.ts";
import { Opcode } from "../../src/protocol/opcodes.ts";
import { isOwned, markOwned, viewOrCopy } from "../../src/protocol/owned.ts";
import { encodeSegments, SegmentDecoder } from "../../src/protocol/segment.ts";
import { decoderFor } from "../../src/protocol/types/codec.ts";
import { primitive } from "../../src/protocol/types/datatype.ts";
import { loadLz4 } from "../../src/compression/lz4.ts";
import { responseFrame } from "./helpers.ts";

const decodeBlob = decoderFor(primitive("blob"));

function blobAt(buf: Uint8Array, off: number, len: number): Uint8Array {
  return decodeBlob(
    buf,
    new DataView(buf.buffer, buf.byteOffset, buf.byteLength),
    off,
    len,
  ) as Uint8Array;
}

/** A response frame whose body is one [bytes] value of n pseudo-random bytes. */
function valueFrame(version: 4 | 5, n: number): { frame: Uint8Array; value: Uint8Array } {
  const value = new Uint8Array(n).map((_, i) => (i * 131 + 17) & 0xff);
  const frame = responseFrame(version, 1, Opcode.Result, (w) => w.bytes(value));
  return { frame, value };
}

Deno.test("viewOrCopy: views only into owned memory, and only when the value pins little", () => {
  const foreign = new Uint8Array(1000).fill(7);
  const copy = viewOrCopy(foreign, 0, 900);
  assert(copy.buffer !== foreign.buffer, "memory the caller may reuse is copied");
  assertEquals(copy.length, 900);

  const own = markOwned(new Uint8Array(1000).fill(9));
  assert(isOwned(own) && isOwned(own.subarray(10, 20)), "ownership belongs to the memory");
  const view = viewOrCopy(own, 100, 300);
  assert(view.buffer === own.buffer, "a fifth of owned memory is handed out as a view");
  assertEquals([view.byteOffset, view.length], [100, 200]);
  const small = viewOrCopy(own, 0, 124);
  assert(small.buffer !== own.buffer, "under an eighth of the memory it would pin: a copy");
  assertEquals(viewOrCopy(own, 5, 5).length, 0);
});

Deno.test("viewOrCopy: small copies share a slab and are never overwritten", () => {
  const chunk = new Uint8Array(2000).map((_, i) => (i * 7) & 0xff);
  const copies: Uint8Array[] = [];
  const expected: number[][] = [];
  // Sizes across the loop/set boundary (32), up to the slab limit (256) and past it, and
  // enough of them to fill several slabs.
  for (let k = 0; k < 300; k++) {
    const n = [0, 1, 7, 16, 32, 33, 100, 256, 257][k % 9];
    const start = (k * 13) % 1000;
    copies.push(viewOrCopy(chunk, start, start + n));
    expected.push([...chunk.subarray(start, start + n)]);
  }
  chunk.fill(0xee); // the transport reuses its chunk
  const slabs = new Set<ArrayBufferLike>();
  copies.forEach((c, k) => {
    assertEquals([...c], expected[k], `copy ${k}`);
    if (c.length === 257) {
      assertEquals(c.buffer.byteLength, 257, "past 256 bytes: a copy of its own");
    } else if (c.length > 0) {
      slabs.add(c.buffer);
      assertEquals(c.byteOffset % 8, 0, "8-byte aligned in its slab");
      assert(c.buffer.byteLength <= 4096, "a small value pins at most 4 KiB");
    }
  });
  assert(slabs.size > 3 && slabs.size < 30, `${slabs.size} slabs for 300 small values`);
});

Deno.test("blob cells: a view of an assembled segment, a copy of a transport chunk", () => {
  const { frame, value } = valueFrame(5, 64 * 1024);
  const w = new ByteWriter();
  encodeSegments([frame], w);
  const wire = w.toBytes();

  // Split in two chunks, as a socket delivers it: the decoder assembles the segment itself.
  const split = new SegmentDecoder();
  const chunk1 = wire.slice(0, 30_000);
  const chunk2 = wire.slice(30_000);
  split.push(chunk1);
  split.push(chunk2);
  const [f1] = split.drain();
  assert(isOwned(f1.body), "an assembled segment is the decoder's own memory");
  const v1 = blobAt(f1.body, 4, value.length);
  assert(v1.buffer === f1.body.buffer, "the large value is a view, not a copy");
  chunk1.fill(0);
  chunk2.fill(0);
  assertEquals(v1, value, "reuse of the transport's chunks does not reach the value");

  // One chunk holding the whole segment: the body is a view of the transport's memory.
  const whole = new SegmentDecoder();
  const chunk = wire.slice();
  whole.push(chunk);
  const [f2] = whole.drain();
  assert(!isOwned(f2.body), "a chunk the transport may reuse is not owned");
  const v2 = blobAt(f2.body, 4, value.length);
  chunk.fill(0);
  assertEquals(v2, value, "a value read from a transport chunk is a copy");
});

Deno.test("v4 frames assembled from chunks are owned; frames inside one chunk are not", () => {
  const { frame, value } = valueFrame(4, 10_000);
  const d = new FrameDecoder();
  d.push(frame.slice(0, 5000));
  d.push(frame.slice(5000));
  const [assembled] = d.drain();
  assert(isOwned(assembled.body));
  assert(blobAt(assembled.body, 4, value.length).buffer === assembled.body.buffer);

  d.push(frame.slice());
  const [inChunk] = d.drain();
  assert(!isOwned(inChunk.body));
  assertEquals(blobAt(inChunk.body, 4, value.length), value);
});

Deno.test("decompressed payloads are owned", async () => {
  const lz4 = await loadLz4();
  const raw = new Uint8Array(4096).map((_, i) => i % 13);
  const out = decompressChecked(lz4, lz4.compress(raw), raw.length);
  assertEquals(out, raw);
  assert(isOwned(out));
});
