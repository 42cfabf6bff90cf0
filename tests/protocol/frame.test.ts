import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import { ProtocolError } from "../../src/protocol/errors.ts";
import { parseFrame, readHeader } from "../../src/protocol/frame.ts";
import { FrameDecoder } from "../../src/protocol/frame-decoder.ts";
import { Opcode } from "../../src/protocol/opcodes.ts";
import { concatBytes } from "../../src/protocol/bytes.ts";
import { hex, responseFrame } from "./helpers.ts";

const supported = (stream: number, n: number) =>
  responseFrame(4, stream, Opcode.Supported, (w) => {
    w.short(1);
    w.string("K");
    w.stringList(Array.from({ length: n }, (_, i) => `v${i}`));
  });

Deno.test("header: fields, signed stream, direction and version checks", () => {
  const h = readHeader(hex("85 0a ffff 0c 00000000"), 0);
  assertEquals(h, { version: 5, response: true, flags: 0x0a, stream: -1, opcode: 0x0c, length: 0 });
  assertThrows(() => readHeader(hex("05 00 0000 02 00000000"), 0), ProtocolError, "expected");
  assertThrows(() => readHeader(hex("87 00 0000 02 00000000"), 0), ProtocolError, "version");
  assertThrows(() => readHeader(hex("84 00 0000 02 80000000"), 0), ProtocolError, "negative");
  assertThrows(() => readHeader(hex("84 00 0000 02 10000001"), 0), ProtocolError, "limit");
  assertThrows(
    () => readHeader(hex("84 00 0000 02 00000100"), 0, { maxFrameLength: 255 }),
    ProtocolError,
  );
  assertEquals(readHeader(hex("04 00 0001 05 00000000"), 0, { response: false }).opcode, 5);
});

Deno.test("FrameDecoder: many frames in one chunk are views, not copies", () => {
  const a = supported(1, 2);
  const b = supported(2, 3);
  const chunk = concatBytes([a, b]);
  const d = new FrameDecoder();
  d.push(chunk);
  const frames = d.drain();
  assertEquals(frames.map((f) => f.header.stream), [1, 2]);
  assert(frames[0].body.buffer === chunk.buffer, "body is a view into the chunk");
  assertEquals(frames[1].body, b.subarray(9));
  assertEquals(d.buffered, 0);
  assertEquals(d.next(), null);
});

Deno.test("FrameDecoder: byte-by-byte and every split point", () => {
  const all = concatBytes([
    supported(1, 50),
    responseFrame(4, 2, Opcode.Ready, () => {}),
    supported(3, 1),
  ]);
  for (const step of [1, 2, 5, 8, 9, 10, 13, 100]) {
    const d = new FrameDecoder();
    const got = [];
    for (let i = 0; i < all.length; i += step) {
      d.push(all.subarray(i, i + step));
      got.push(...d.drain());
    }
    assertEquals(got.map((f) => f.header.stream), [1, 2, 3], `step ${step}`);
    assertEquals(got[0].body, supported(1, 50).subarray(9));
    assertEquals(d.midFrame, false);
  }
});

Deno.test("FrameDecoder: pushing without draining still works", () => {
  const d = new FrameDecoder();
  const f = supported(7, 4);
  d.push(f.subarray(0, 3));
  d.push(f.subarray(3, 20));
  d.push(f.subarray(20));
  d.push(f);
  assertEquals(d.drain().length, 2);
});

Deno.test("FrameDecoder: oversized length rejected before allocating, decoder stays failed", () => {
  const d = new FrameDecoder({ maxFrameLength: 1000 });
  d.push(hex("84 00 0001 08 7fffffff"));
  assertThrows(() => d.next(), ProtocolError, "limit");
  assertThrows(() => d.next(), ProtocolError);
});

Deno.test("parseFrame rejects a length mismatch", () => {
  const f = supported(1, 1);
  assertThrows(() => parseFrame(f.subarray(0, f.length - 1)), ProtocolError);
  assertEquals(parseFrame(f).header.length, f.length - 9);
});

Deno.test("FrameDecoder.detach hands the bytes after READY to the next decoder", () => {
  const ready = responseFrame(5, 0, Opcode.Ready, () => {});
  const d = new FrameDecoder();
  d.push(concatBytes([ready, hex("0a0b0c")]));
  d.push(hex("0d"));
  assertEquals(d.next()?.header.opcode, Opcode.Ready);
  assertEquals(d.detach(), [hex("0a0b0c"), hex("0d")]);
  assertEquals(d.buffered, 0);
  d.push(ready.subarray(0, 4));
  d.next();
  assertThrows(() => d.detach(), ProtocolError);
});
