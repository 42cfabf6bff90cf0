/**
 * Jazzer.js target with a planted fault, to show that the harness can fail: the frame target,
 * plus a TypeError (not a ProtocolError, so a finding) for a READY frame that decodes on a
 * negative stream id (the ids servers use for events, never for READY). From the golden READY
 * frames the fuzzer reaches it by setting the top bit of one header byte: one random byte
 * mutation in two hundred or so, a few thousand runs at most.
 *
 * tests/fuzz/jazzer.test.ts runs it and expects Jazzer to exit non-zero with a crash file.
 *
 * @module
 */
import { frameTarget } from "./frame.ts";

export { ready } from "./harness.ts";

/** Jazzer's entry point. */
export const fuzz: (data: Uint8Array) => void = frameTarget((r) => {
  if (r.message.kind === "ready" && r.header.stream < 0) {
    throw new TypeError(`planted fault: READY on stream ${r.header.stream}`);
  }
});
