import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import { ByteWriter, concatBytes } from "../../src/protocol/bytes.ts";
import { ProtocolError } from "../../src/protocol/errors.ts";
import type { Frame } from "../../src/protocol/frame.ts";
import { Opcode } from "../../src/protocol/opcodes.ts";
import {
  encodeSegments,
  MAX_SEGMENT_PAYLOAD,
  SegmentDecoder,
  type SegmentEncodeOptions,
} from "../../src/protocol/segment.ts";
import { loadLz4 } from "../../src/compression/lz4.ts";
import { crc24, type Crc32, jsCrc32, payloadCrc32 } from "../../src/protocol/crc.ts";
import { responseFrame } from "./helpers.ts";

/** A response frame with a pseudo-random (or repetitive, hence compressible) body of n bytes. */
function bigFrame(stream: number, n: number, compressible = false): Uint8Array {
  return responseFrame(5, stream, Opcode.AuthSuccess, (w) => {
    const body = new Uint8Array(n - 4);
    let x = stream * 7919 + 1;
    for (let i = 0; i < body.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      body[i] = compressible ? (i % 61) : x >>> 24;
    }
    w.bytes(body);
  });
}

function encode(frames: Uint8Array[], opts?: SegmentEncodeOptions): Uint8Array {
  const w = new ByteWriter();
  encodeSegments(frames, w, opts);
  return w.toBytes();
}

function decodeAll(wire: Uint8Array, step: number, d = new SegmentDecoder()): Frame[] {
  const out: Frame[] = [];
  for (let i = 0; i < wire.length; i += step) {
    d.push(wire.subarray(i, i + step));
    out.push(...d.drain());
  }
  return out;
}

const rebuild = (f: Frame) => {
  const w = new ByteWriter();
  w.raw(
    new Uint8Array([
      0x85,
      f.header.flags,
      (f.header.stream >> 8) & 255,
      f.header.stream & 255,
      f.header.opcode,
    ]),
  );
  w.int(f.body.length);
  w.raw(f.body);
  return w.toBytes();
};

Deno.test("segment layout: header, CRC24, payload, CRC32, all little-endian", () => {
  const f = responseFrame(5, 1, Opcode.Ready, () => {});
  const wire = encode([f]);
  assertEquals(wire.length, 6 + 9 + 4);
  assertEquals([...wire.subarray(0, 3)], [9, 0, 2]); // length 9, self-contained bit 17
  const crc = crc24(wire, 0, 3);
  assertEquals([...wire.subarray(3, 6)], [crc & 255, (crc >> 8) & 255, crc >> 16]);
  assertEquals(wire.subarray(6, 15), f);
  const c32 = payloadCrc32(f);
  assertEquals(new DataView(wire.buffer).getUint32(15, true), c32);
});

Deno.test("several small frames pack into one self-contained segment", () => {
  const frames = [1, 2, 3, 4].map((s) => bigFrame(s, 100));
  const wire = encode(frames);
  assertEquals(wire.length, 6 + 4 * 109 + 4);
  const d = new SegmentDecoder();
  d.push(wire);
  const got = d.drain();
  assertEquals(got.map((f) => f.header.stream), [1, 2, 3, 4]);
  assert(got[0].body.buffer === wire.buffer, "uncompressed envelopes are views into the chunk");
});

Deno.test("a 300 KiB frame splits into non-self-contained segments and reassembles", () => {
  const big = bigFrame(9, 300 * 1024);
  const small = bigFrame(10, 50);
  const wire = encode([small, big, small]);
  // 1 segment for the first small frame, 3 for the big one, 1 for the last.
  let segments = 0;
  for (let o = 0; o < wire.length; segments++) {
    const len = wire[o] | (wire[o + 1] << 8) | ((wire[o + 2] & 1) << 16);
    const selfContained = (wire[o + 2] & 2) !== 0;
    assert(len <= MAX_SEGMENT_PAYLOAD);
    assertEquals(selfContained, segments === 0 || segments === 4, `segment ${segments}`);
    o += 6 + len + 4;
  }
  assertEquals(segments, 5);
  for (const step of [wire.length, 65536, 1000, 7]) {
    const got = decodeAll(wire, step);
    assertEquals(got.map((f) => f.header.stream), [10, 9, 10], `step ${step}`);
    assertEquals(rebuild(got[1]), big);
  }
});

Deno.test("byte-by-byte feeding", () => {
  const frames = [bigFrame(1, 20), bigFrame(2, 300), bigFrame(3, 20)];
  const wire = encode(frames, { maxPayload: 128 });
  const got = decodeAll(wire, 1);
  assertEquals(got.map(rebuild), frames);
});

Deno.test("compressed segments round trip (compressible, incompressible, large)", async () => {
  const lz4 = await loadLz4();
  const frames = [
    bigFrame(1, 2000, true),
    bigFrame(2, 2000),
    bigFrame(3, 200 * 1024, true),
    bigFrame(4, 140 * 1024),
  ];
  const wire = encode(frames, { compressor: lz4 });
  const plain = encode(frames);
  assert(wire.length < plain.length, "compression helped");
  for (const step of [wire.length, 4096, 333]) {
    const got = decodeAll(wire, step, new SegmentDecoder({ compressor: lz4 }));
    assertEquals(got.map(rebuild), frames, `step ${step}`);
  }
  // An incompressible payload travels as-is, flagged by an uncompressed length of 0.
  const random = encode([bigFrame(2, 2000)], { compressor: lz4 });
  const lo = new DataView(random.buffer).getUint32(0, true);
  assertEquals([lo & 0x1ffff, lo >>> 17, random[4] & 4], [2009, 0, 4]);
  const d = new SegmentDecoder({ compressor: lz4 });
  d.push(random);
  assertEquals(d.drain().map(rebuild), [bigFrame(2, 2000)]);
});

Deno.test("bad header CRC, bad payload CRC and truncated self-contained payloads fail", () => {
  const wire = encode([bigFrame(1, 50)]);
  for (
    const [index, what] of [[1, "CRC24"], [4, "CRC24"], [20, "CRC32"], [
      wire.length - 1,
      "CRC32",
    ]] as const
  ) {
    const bad = wire.slice();
    bad[index] ^= 0x10;
    const d = new SegmentDecoder();
    d.push(bad);
    assertThrows(() => d.next(), ProtocolError, what);
    assertThrows(() => d.next(), ProtocolError);
  }
  // A self-contained segment holding half an envelope.
  const f = bigFrame(1, 50);
  const half = encode([f.subarray(0, 30)]);
  const d = new SegmentDecoder();
  d.push(half);
  assertThrows(() => d.drain(), ProtocolError, "self-contained");
});

Deno.test("a self-contained segment in the middle of a large envelope fails", () => {
  const big = bigFrame(1, 1000);
  const w = new ByteWriter();
  encodeSegments([big], w, { maxPayload: 400 });
  const firstOnly = w.toBytes().subarray(0, 6 + 400 + 4);
  const wire = concatBytes([firstOnly, encode([bigFrame(2, 20)])]);
  const d = new SegmentDecoder();
  d.push(wire);
  assertThrows(() => d.drain(), ProtocolError, "incomplete");
});

Deno.test("a large envelope claiming more than the limit fails on its first segment", () => {
  const big = bigFrame(1, 1000);
  const w = new ByteWriter();
  encodeSegments([big], w, { maxPayload: 400 });
  const d = new SegmentDecoder({ maxFrameLength: 500 });
  d.push(w.toBytes());
  assertThrows(() => d.next(), ProtocolError, "limit");
});

Deno.test("segments use the CRC-32 they are given, on both sides", () => {
  const frames = [bigFrame(1, 200_000), bigFrame(2, 50)];
  let calls = 0;
  const counting: Crc32 = (data, value) => {
    calls++;
    return jsCrc32(data, value);
  };
  const out = new ByteWriter();
  encodeSegments(frames, out, { crc32: counting });
  assert(calls >= 3, `encoder used the given CRC (${calls} calls)`);
  const sent = calls;
  const got = decodeAll(out.toBytes(), out.length, new SegmentDecoder({ crc32: counting }));
  assertEquals(got.map((f) => f.header.stream), [1, 2]);
  assert(calls > sent, "decoder used the given CRC");
  // A CRC that disagrees with the encoder's is a mismatch.
  const wrong = new SegmentDecoder({ crc32: (d, v) => jsCrc32(d, v) ^ 1 });
  assertThrows(() => decodeAll(out.toBytes(), out.length, wrong), ProtocolError, "CRC32 mismatch");
});
