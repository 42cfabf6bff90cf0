/**
 * Jazzer.js target: protocol v5 segments, plain and LZ4-compressed, as Cassandra frames them
 * after the handshake. The first input byte is a mode, the rest the bytes of the connection:
 *
 * - bit 0: compressed segments (8-byte headers, LZ4 payloads) or plain ones (6-byte headers);
 * - bit 1: rewrite every header CRC-24 and payload CRC-32 before decoding, so that mutations
 *   reach the lengths, flags and payloads behind the checksums instead of dying at them;
 * - bits 2-4: where the cycle of chunk sizes starts for the cut feed.
 *
 * The stream goes through {@link SegmentDecoder} as one chunk and cut into small chunks; both
 * must yield the same envelopes and fail at the same point. Every envelope is decoded with
 * decodeResponse (rows included).
 *
 * Seeds: the golden v5 frames packed with encodeSegments, plain and with the driver's LZ4, in
 * one segment and spread over many small ones (tests/fuzz/seeds.ts).
 *
 * @module
 */
import {
  crc24,
  type Frame,
  HEADER_LENGTH,
  MAX_SEGMENT_PAYLOAD,
  payloadCrc32,
  ProtocolError,
  SegmentDecoder,
} from "./driver.ts";
import { accept, check, consume, drain, LIMIT, lz4, sameBytes } from "./harness.ts";
import { rewriteSegmentCrcs } from "../../protocol/segment-crcs.ts";

export { ready } from "./harness.ts";

/**
 * The largest allocation allowed: a whole segment (payload, 8-byte header, 4-byte trailer),
 * which the protocol lets be up to 128 KiB whatever the frame limit; an envelope assembled from
 * several segments is held to the frame limit itself.
 */
const ALLOWANCE = Math.max(LIMIT + HEADER_LENGTH, MAX_SEGMENT_PAYLOAD + 12);

const CUTS = [1, 5, 2, 64, 3, 8, 6, 300, 13, 4096];

function pull(chunks: Uint8Array[], compressed: boolean): { frames: Frame[]; error: unknown } {
  const d = new SegmentDecoder({
    compressor: compressed ? lz4 : undefined,
    maxFrameLength: LIMIT,
  });
  return drain(d, chunks);
}

function cut(data: Uint8Array, start: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0, k = start % CUTS.length; o < data.length; k = (k + 1) % CUTS.length) {
    const n = Math.min(CUTS[k], data.length - o);
    out.push(data.subarray(o, o + n));
    o += n;
  }
  return out;
}

/** Jazzer's entry point. */
export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  const mode = data[0];
  const compressed = (mode & 1) !== 0;
  let wire = data.subarray(1);
  if (mode & 2) {
    wire = wire.slice();
    rewriteSegmentCrcs(wire, compressed, crc24, payloadCrc32);
  }
  accept(ALLOWANCE, () => {
    const whole = pull([wire], compressed);
    const parts = pull(cut(wire, mode >> 2), compressed);
    check(
      whole.frames.length === parts.frames.length,
      `${whole.frames.length} envelopes in one chunk, ${parts.frames.length} when cut`,
    );
    for (let i = 0; i < whole.frames.length; i++) {
      const a = whole.frames[i];
      const b = parts.frames[i];
      check(
        JSON.stringify(a.header) === JSON.stringify(b.header) && sameBytes(a.body, b.body),
        `envelope ${i} differs between one chunk and cut chunks`,
      );
    }
    check(
      (whole.error === null) === (parts.error === null),
      `one chunk ${whole.error === null ? "decodes" : "fails"}, cut chunks do not`,
    );
    if (whole.error !== null && !(whole.error instanceof ProtocolError)) throw whole.error;
    if (parts.error !== null && !(parts.error instanceof ProtocolError)) throw parts.error;
    for (const f of whole.frames) {
      try {
        consume(f, ALLOWANCE, wire);
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
      }
    }
  });
}
