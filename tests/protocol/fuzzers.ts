/**
 * Fuzz properties for the protocol decoders, shared by the short CI test (`fuzz.test.ts`) and
 * the long runner (`bench/fuzz-long.ts`). Each property feeds generated or mutated bytes to a
 * decoder and accepts exactly two outcomes: decoded messages, or a ProtocolError. Any other
 * exception fails the property.
 *
 * @module
 */
import fc from "fast-check";
import { ByteWriter } from "../../src/protocol/bytes.ts";
import type { Compressor } from "../../src/protocol/compression.ts";
import { crc24, payloadCrc32 } from "../../src/protocol/crc.ts";
import { ProtocolError } from "../../src/protocol/errors.ts";
import type { Frame } from "../../src/protocol/frame.ts";
import { FrameDecoder } from "../../src/protocol/frame-decoder.ts";
import { Opcode } from "../../src/protocol/opcodes.ts";
import { decodeResponse } from "../../src/protocol/responses.ts";
import { encodeSegments, SegmentDecoder } from "../../src/protocol/segment.ts";
import { responseFrame } from "./helpers.ts";
import { rewriteSegmentCrcs } from "./segment-crcs.ts";

/** What one property run observed. */
export interface FuzzOutcome {
  /** Messages decoded successfully. */
  decoded: number;
  /** Inputs rejected with a ProtocolError. */
  rejected: number;
}

/** Counts across all runs of a property. */
export interface FuzzStats {
  name: string;
  inputs: number;
  decoded: number;
  rejected: number;
}

/** Runs `f`; a ProtocolError counts as a rejection, any other exception propagates. */
function guarded(out: FuzzOutcome, f: () => void): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    out.rejected++;
  }
}

function decodeFrames(frames: Frame[], out: FuzzOutcome, lz4: Compressor): void {
  for (const f of frames) {
    guarded(out, () => {
      decodeResponse(f, { compressor: lz4, maxFrameLength: 1 << 22 });
      out.decoded++;
    });
  }
}

/** Feeds `bytes` split at `cuts` to a pull decoder, decoding every frame it yields. */
function feed(
  d: { push(c: Uint8Array): void; next(): Frame | null },
  bytes: Uint8Array,
  cuts: number[],
  out: FuzzOutcome,
  lz4: Compressor,
): void {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let prev = 0;
  guarded(out, () => {
    for (const p of [...points, bytes.length]) {
      d.push(bytes.subarray(prev, p));
      prev = p;
      const frames: Frame[] = [];
      for (let f = d.next(); f !== null; f = d.next()) frames.push(f);
      decodeFrames(frames, out, lz4);
    }
  });
}

const str = fc.string({ maxLength: 12 });

/** Valid response frames of every kind, with random contents. */
function validFrame(version: 4 | 5): fc.Arbitrary<Uint8Array> {
  const v = version;
  const frames: fc.Arbitrary<Uint8Array>[] = [
    fc.constant(responseFrame(v, 0, Opcode.Ready, () => {})),
    str.map((s) => responseFrame(v, 1, Opcode.Authenticate, (w) => w.string(s))),
    fc.array(str, { maxLength: 4 }).map((l) =>
      responseFrame(v, 2, Opcode.Supported, (w) => {
        w.short(1);
        w.string("K");
        w.stringList(l);
      })
    ),
    fc.tuple(
      fc.constantFrom(
        0,
        0x0a,
        0x100,
        0x1000,
        0x1100,
        0x1200,
        0x1300,
        0x1400,
        0x1500,
        0x1700,
        0x2400,
        0x2500,
      ),
      str,
      fc.uint8Array({ maxLength: 40 }),
    ).map(([code, msg, extra]) =>
      responseFrame(v, 3, Opcode.Error, (w) => {
        w.int(code);
        w.string(msg);
        w.raw(extra);
      })
    ),
    fc.tuple(
      fc.integer({ min: 0, max: 15 }),
      fc.integer({ min: 0, max: 4 }),
      fc.uint8Array({ maxLength: 80 }),
    )
      .map(([flags, cols, rest]) =>
        responseFrame(v, 4, Opcode.Result, (w) => {
          w.int(2);
          w.int(flags);
          w.int(cols);
          if (flags & 2) w.bytes(new Uint8Array([1, 2]));
          if (flags & 8) w.shortBytes(new Uint8Array([3]));
          if ((flags & 4) === 0) {
            for (let i = 0; i < cols; i++) {
              if ((flags & 1) === 0 || i === 0) {
                w.string("ks");
                w.string("t");
              }
              w.string(`c${i}`);
              w.short(0x09);
            }
          }
          w.int(1);
          w.raw(rest);
        })
      ),
    fc.tuple(str, fc.uint8Array({ maxLength: 60 })).map(([s, rest]) =>
      responseFrame(v, 5, Opcode.Result, (w) => {
        w.int(4);
        w.shortBytes(new Uint8Array([1, 2]));
        if (v === 5) w.shortBytes(new Uint8Array([3]));
        w.int(0);
        w.int(1);
        w.int(1);
        w.short(0);
        w.string("ks");
        w.string(s);
        w.string("k");
        w.short(0x0d);
        w.raw(rest);
      })
    ),
    fc.tuple(fc.constantFrom("KEYSPACE", "TABLE", "TYPE", "FUNCTION", "AGGREGATE", "X"), str)
      .map(([target, s]) =>
        responseFrame(v, -1, Opcode.Event, (w) => {
          w.string("SCHEMA_CHANGE");
          w.string("CREATED");
          w.string(target);
          w.string("ks");
          w.string(s);
          w.stringList([s]);
        })
      ),
    fc.uint8Array({ minLength: 4, maxLength: 17 }).map((addr) =>
      responseFrame(v, -1, Opcode.Event, (w) => {
        w.string("STATUS_CHANGE");
        w.string("UP");
        w.byte(addr.length - 4);
        w.raw(addr.subarray(4));
        w.int(9042);
      })
    ),
  ];
  return fc.oneof(...frames);
}

/** A mutation applied to valid bytes. */
type Mutation =
  | { kind: "flip"; at: number; xor: number }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "int"; at: number; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("flip" as const),
    at: fc.nat(),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant("int" as const),
    at: fc.nat(),
    // Lengths that lie: gigabytes, negative, off by one, 17-bit limits.
    value: fc.constantFrom(0x7fffffff, 0x40000000, -1, -2, 0x10000001, 1, 0x1ffff, 0xffff),
  }),
);

function mutate(input: Uint8Array, muts: Mutation[]): Uint8Array {
  let b = input.slice();
  for (const m of muts) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    if (m.kind === "flip") b[at] ^= m.xor;
    else if (m.kind === "truncate") b = b.slice(0, at);
    else if (m.kind === "insert") {
      const n = new Uint8Array(b.length + m.bytes.length);
      n.set(b.subarray(0, at));
      n.set(m.bytes, at);
      n.set(b.subarray(at), at + m.bytes.length);
      b = n;
    } else if (at + 4 <= b.length) new DataView(b.buffer).setInt32(at, m.value);
  }
  return b;
}

/** Rewrites every segment CRC so mutations reach past the checksums into the payloads. */
function fixCrcs(wire: Uint8Array, compressed: boolean): Uint8Array {
  const b = wire.slice();
  rewriteSegmentCrcs(b, compressed, crc24, payloadCrc32);
  return b;
}

const cuts = fc.array(fc.nat(), { maxLength: 6 });

/** Result of running one fuzzer. */
export interface FuzzResult extends FuzzStats {
  /** fast-check's report of the first counterexample, when the property failed. */
  failure?: string;
  /** Seed of the run, to reproduce it. */
  seed: number;
}

/** One named fuzzer. */
export interface Fuzzer {
  readonly name: string;
  /** Runs `numRuns` generated inputs (optionally from a given seed). */
  run(options: { numRuns: number; seed?: number }): FuzzResult;
}

function fuzzer<Ts>(name: string, make: (stats: FuzzStats) => fc.IProperty<Ts>): Fuzzer {
  return {
    name,
    run({ numRuns, seed }) {
      const stats: FuzzStats = { name, inputs: 0, decoded: 0, rejected: 0 };
      const details = fc.check(make(stats), { numRuns, seed });
      const result: FuzzResult = { ...stats, seed: details.seed };
      if (details.failed) result.failure = fc.defaultReportMessage(details) ?? "failed";
      return result;
    },
  };
}

/** The fuzzers, given a working LZ4 compressor. */
export function fuzzers(lz4: Compressor): Fuzzer[] {
  const tally = (stats: FuzzStats, out: FuzzOutcome) => {
    stats.inputs++;
    stats.decoded += out.decoded;
    stats.rejected += out.rejected;
  };
  return [
    fuzzer(
      "FrameDecoder + decodeResponse: random bytes",
      (stats) =>
        fc.property(fc.uint8Array({ maxLength: 300 }), cuts, (bytes, cs) => {
          // Make about half the inputs start with a plausible header so they get past it.
          if (bytes.length > 0 && bytes[0] & 1) bytes[0] = bytes[0] & 2 ? 0x84 : 0x85;
          // ... and some of those a length that fits, so whole bodies reach decodeResponse.
          if (bytes.length >= 9 && bytes[0] & 1 && bytes[5] & 1) {
            new DataView(bytes.buffer).setInt32(5, bytes.length - 9 - (bytes[6] & 3));
          }
          const out = { decoded: 0, rejected: 0 };
          feed(new FrameDecoder({ maxFrameLength: 1 << 20 }), bytes, cs, out, lz4);
          tally(stats, out);
        }),
    ),
    fuzzer("FrameDecoder + decodeResponse: mutated valid frames", (stats) =>
      fc.property(
        fc.array(fc.oneof(validFrame(4), validFrame(5)), { minLength: 1, maxLength: 4 }),
        fc.array(mutation, { maxLength: 3 }),
        cuts,
        (frames, muts, cs) => {
          const all = new ByteWriter();
          for (const f of frames) all.raw(f);
          const out = { decoded: 0, rejected: 0 };
          feed(new FrameDecoder(), mutate(all.toBytes(), muts), cs, out, lz4);
          tally(stats, out);
        },
      )),
    fuzzer(
      "SegmentDecoder: mutated segments (CRCs fixed or not, plain or LZ4)",
      (stats) =>
        fc.property(
          fc.array(validFrame(5), { minLength: 1, maxLength: 4 }),
          fc.array(mutation, { maxLength: 3 }),
          fc.boolean(),
          fc.boolean(),
          fc.integer({ min: 16, max: 200 }),
          cuts,
          (frames, muts, compressed, fix, maxPayload, cs) => {
            const w = new ByteWriter();
            encodeSegments(frames, w, { compressor: compressed ? lz4 : undefined, maxPayload });
            let wire = mutate(w.toBytes(), muts);
            if (fix) wire = fixCrcs(wire, compressed);
            const out = { decoded: 0, rejected: 0 };
            const d = new SegmentDecoder({ compressor: compressed ? lz4 : undefined });
            feed(d, wire, cs, out, lz4);
            tally(stats, out);
          },
        ),
    ),
    fuzzer(
      "SegmentDecoder: compressed segments with garbage LZ4 blocks and valid CRCs",
      (stats) =>
        fc.property(
          fc.uint8Array({ minLength: 1, maxLength: 200 }),
          fc.integer({ min: 0, max: 0x1ffff }),
          fc.boolean(),
          (payload, uncompressed, selfContained) => {
            const b = new Uint8Array(8 + payload.length + 4);
            const dv = new DataView(b.buffer);
            dv.setUint32(0, payload.length | (uncompressed << 17), true);
            b[4] = (uncompressed >>> 15) | (selfContained ? 4 : 0);
            const crc = crc24(b, 0, 5);
            b[5] = crc & 255;
            b[6] = (crc >> 8) & 255;
            b[7] = crc >> 16;
            b.set(payload, 8);
            dv.setUint32(8 + payload.length, payloadCrc32(payload), true);
            const out = { decoded: 0, rejected: 0 };
            feed(new SegmentDecoder({ compressor: lz4 }), b, [], out, lz4);
            tally(stats, out);
          },
        ),
    ),
    fuzzer("decodeResponse: random header fields and bodies", (stats) =>
      fc.property(
        fc.constantFrom(3, 4, 5),
        fc.integer({ min: 0, max: 31 }),
        fc.integer({ min: 0, max: 0x11 }),
        fc.uint8Array({ maxLength: 200 }),
        (version, flags, opcode, body) => {
          const out = { decoded: 0, rejected: 0 };
          const header = { version, response: true, flags, stream: 0, opcode, length: body.length };
          decodeFrames([{ header, body }], out, lz4);
          tally(stats, out);
        },
      )),
  ];
}
