/**
 * Jazzer.js target: protocol v4 framing. The input is a byte stream as a v4 (or pre-segment v5)
 * connection receives it: one or more frames, possibly cut short or garbled. It goes through
 * {@link FrameDecoder} twice, once as one chunk and once cut into small chunks of varying
 * sizes, and every frame is decoded with decodeResponse (rows included).
 *
 * Besides the acceptance rule of harness.ts, the two feeds must agree: the same frames, the
 * same bytes, and failure at the same frame. Chunk boundaries are the transport's business and
 * must never change what is decoded.
 *
 * Seeds: the golden frames of tests/fixtures/frames, alone and concatenated (tests/fuzz/seeds.ts).
 *
 * @module
 */
import { type Frame, FrameDecoder, HEADER_LENGTH, ProtocolError, type Response } from "./driver.ts";
import { accept, check, consume, drain, LIMIT, sameBytes } from "./harness.ts";

export { ready } from "./harness.ts";

/** The largest allocation allowed: one frame of the limit, header included. */
const ALLOWANCE = LIMIT + HEADER_LENGTH;

/** Chunk sizes for the cut feed: single bytes, header-splitting sizes, and larger runs. */
const CUTS = [1, 7, 2, 64, 3, 13, 9, 128, 5, 1024];

/** The frames a decoder yields from `chunks`, and the error it stopped on, if any. */
function pull(chunks: Uint8Array[]): { frames: Frame[]; error: unknown; buffered: number } {
  const d = new FrameDecoder({ maxFrameLength: LIMIT });
  const { frames, error } = drain(d, chunks);
  return { frames, error, buffered: error === null ? d.buffered : -1 };
}

/** `data` cut into chunks, the sizes cycling through {@link CUTS} from a data-dependent start. */
function cut(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let k = data.length % CUTS.length;
  for (let o = 0; o < data.length; k = (k + 1) % CUTS.length) {
    const n = Math.min(CUTS[k], data.length - o);
    out.push(data.subarray(o, o + n));
    o += n;
  }
  return out;
}

/**
 * Builds the target's `fuzz`; `inspect` sees every response that decoded (the planted-fault
 * variant uses it to plant its fault).
 */
export function frameTarget(inspect?: (r: Response) => void): (data: Uint8Array) => void {
  return (data) =>
    accept(ALLOWANCE, () => {
      const whole = pull([data]);
      const parts = pull(cut(data));
      check(
        whole.frames.length === parts.frames.length,
        `${whole.frames.length} frames in one chunk, ${parts.frames.length} when cut`,
      );
      let consumed = 0;
      for (let i = 0; i < whole.frames.length; i++) {
        const a = whole.frames[i];
        const b = parts.frames[i];
        check(
          JSON.stringify(a.header) === JSON.stringify(b.header) && sameBytes(a.body, b.body),
          `frame ${i} differs between one chunk and cut chunks`,
        );
        consumed += HEADER_LENGTH + a.body.length;
      }
      check(
        (whole.error === null) === (parts.error === null),
        `one chunk ${whole.error === null ? "decodes" : "fails"}, cut chunks do not`,
      );
      if (whole.error !== null) {
        // Only a ProtocolError is an acceptable way for the splitter to stop.
        if (!(whole.error instanceof ProtocolError)) throw whole.error;
        if (!(parts.error instanceof ProtocolError)) throw parts.error;
      } else {
        check(
          whole.buffered === data.length - consumed && parts.buffered === whole.buffered,
          `buffered ${whole.buffered} / ${parts.buffered} of ${data.length - consumed} left`,
        );
      }
      for (const f of whole.frames) {
        // Each frame on its own: one malformed body must not hide the checks of the next.
        try {
          const r = consume(f, ALLOWANCE, data);
          inspect?.(r);
        } catch (e) {
          if (!(e instanceof ProtocolError)) throw e;
        }
      }
    });
}

/** Jazzer's entry point. */
export const fuzz: (data: Uint8Array) => void = frameTarget();
