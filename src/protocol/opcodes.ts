/**
 * Message opcodes of the CQL native protocol (spec section 2.4; v5 section 2.4.1.4).
 *
 * @module
 */

/** Opcode byte of each message. */
export const Opcode = {
  Error: 0x00,
  Startup: 0x01,
  Ready: 0x02,
  Authenticate: 0x03,
  Options: 0x05,
  Supported: 0x06,
  Query: 0x07,
  Result: 0x08,
  Prepare: 0x09,
  Execute: 0x0a,
  Register: 0x0b,
  Event: 0x0c,
  Batch: 0x0d,
  AuthChallenge: 0x0e,
  AuthResponse: 0x0f,
  AuthSuccess: 0x10,
} as const;

/** One of the {@link Opcode} values. */
export type OpcodeValue = (typeof Opcode)[keyof typeof Opcode];

const NAMES: Record<number, string> = {};
for (const [name, code] of Object.entries(Opcode)) NAMES[code] = name.toUpperCase();

/** The upper-case name of an opcode for messages, e.g. `"QUERY"`; unknown codes render as hex. */
export function opcodeName(op: number): string {
  return NAMES[op] ?? `0x${op.toString(16).padStart(2, "0")}`;
}
