/**
 * The pure protocol core: frames, messages, v5 segments, checksums and the compression seam.
 * Nothing here performs I/O or touches runtime globals.
 *
 * @module
 */
export * from "./bytes.ts";
export * from "./errors.ts";
export * from "./opcodes.ts";
export * from "./consistency.ts";
export * from "./frame.ts";
export * from "./frame-decoder.ts";
export * from "./requests.ts";
export * from "./responses.ts";
export * from "./metadata.ts";
export * from "./server-errors.ts";
export * from "./crc.ts";
export * from "./segment.ts";
export * from "./compression.ts";
// Types from the value-codec side that the message types above refer to.
export type * from "./types/datatype.ts";
export type { Unset } from "./types/unset.ts";
