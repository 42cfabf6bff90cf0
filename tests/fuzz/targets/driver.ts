/**
 * The driver code under test, as one module: the Jazzer.js launcher (tools/fuzz/jazzer.ts)
 * bundles this file alone into `driver.cjs`, the only file Jazzer instruments, and the targets
 * into bundles of their own that load it. Coverage then counts the driver's branches only, and
 * the targets' checks (walks over decoded values, byte comparisons) run at full speed instead
 * of feeding comparison hooks that would only teach the fuzzer about the harness.
 *
 * @module
 */
export { loadLz4 } from "../../../src/compression/lz4.ts";
export { type Compressor, decompressChecked } from "../../../src/protocol/compression.ts";
export { crc24, payloadCrc32 } from "../../../src/protocol/crc.ts";
export { ProtocolError } from "../../../src/protocol/errors.ts";
export { type Frame, HEADER_LENGTH } from "../../../src/protocol/frame.ts";
export { FrameDecoder } from "../../../src/protocol/frame-decoder.ts";
export { Opcode } from "../../../src/protocol/opcodes.ts";
export { decodeResponse, type Response } from "../../../src/protocol/responses.ts";
export { MAX_SEGMENT_PAYLOAD, SegmentDecoder } from "../../../src/protocol/segment.ts";
export { createRowDecoder, type Row } from "../../../src/protocol/types/row-decoder.ts";
