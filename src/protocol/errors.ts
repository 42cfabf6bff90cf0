/**
 * Raised when bytes received from a server (or handed to a decoder) do not form a valid
 * CQL native protocol message: a bad length, a truncated body, a bad checksum, an unknown
 * opcode or type, a frame larger than the configured limit.
 *
 * @example
 * ```ts
 * import { ProtocolError } from "@cql/driver";
 * try {
 *   // ...
 * } catch (e) {
 *   if (e instanceof ProtocolError) console.error("server sent garbage:", e.message);
 * }
 * ```
 */
export class ProtocolError extends Error {
  /** Error class name, as shown in stack traces. */
  override name = "ProtocolError";
  /** Creates a protocol error with a message that says what was wrong with the bytes. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
