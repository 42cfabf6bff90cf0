/**
 * cql: an Apache Cassandra and ScyllaDB driver for Deno, Bun, Node and edge runtimes.
 *
 * @example
 * ```ts
 * import { ProtocolError } from "@cql/driver";
 * console.log(new ProtocolError("bad frame").name); // "ProtocolError"
 * ```
 *
 * @module
 */
export { ProtocolError } from "./src/protocol/errors.ts";
export type {
  ConnectOptions,
  Socket,
  SocketHandlers,
  TlsOptions,
  Transport,
} from "./src/transport/types.ts";
