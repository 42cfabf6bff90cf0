/**
 * The one error type every transport adapter rejects or closes with, so the connection layer can
 * tell a refused port from a timeout or a certificate problem without knowing which runtime
 * produced it.
 *
 * @module
 */

/**
 * Why a transport operation failed.
 *
 * - `refused`: nothing listens on the port.
 * - `timeout`: the connect timeout elapsed before the connection (and TLS handshake) completed.
 * - `aborted`: the caller's AbortSignal fired during the attempt.
 * - `dns`: the host name could not be resolved.
 * - `unreachable`: no route to the host or network.
 * - `tls`: the TLS handshake failed (unknown CA, name mismatch, rejected client certificate...).
 * - `closed`: the server closed an open connection.
 * - `unsupported`: the runtime cannot do what the options ask (e.g. a custom CA on Workers).
 * - `io`: any other socket failure.
 */
export type TransportErrorKind =
  | "refused"
  | "timeout"
  | "aborted"
  | "dns"
  | "unreachable"
  | "tls"
  | "closed"
  | "unsupported"
  | "io";

/**
 * A socket could not be opened, or an open one failed. `kind` says why in a runtime-neutral way;
 * `cause` keeps the runtime's own error.
 *
 * @example
 * ```ts
 * import { TransportError } from "@cql/driver";
 * try {
 *   // await transport.connect(...)
 * } catch (e) {
 *   if (e instanceof TransportError && e.kind === "timeout") console.error("slow network");
 * }
 * ```
 */
export class TransportError extends Error {
  /** Always "TransportError". */
  override name = "TransportError";
  /** Why it failed, independent of the runtime. */
  readonly kind: TransportErrorKind;
  /** The `host:port` the socket was (or was being) connected to. */
  readonly address: string;

  /** Creates an error; `message` should already name the address. */
  constructor(
    message: string,
    kind: TransportErrorKind,
    address: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.kind = kind;
    this.address = address;
  }
}

/**
 * Formats `host:port` for messages, bracketing IPv6 literals so the port stays readable.
 *
 * @example
 * ```ts
 * import { formatAddress } from "./errors.ts";
 * formatAddress("::1", 9042); // "[::1]:9042"
 * ```
 */
export function formatAddress(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

// Node, Bun and (through node compat) Deno report OpenSSL verification failures by these codes.
const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REVOKED",
  "HOSTNAME_MISMATCH",
]);

const KIND_WORDS: Record<TransportErrorKind, string> = {
  refused: "connection refused",
  timeout: "timed out",
  aborted: "aborted",
  dns: "host name not resolved",
  unreachable: "host unreachable",
  tls: "TLS handshake failed",
  closed: "closed by the server",
  unsupported: "not supported by this runtime",
  io: "socket error",
};

function field(err: unknown, key: "code" | "name" | "message"): string {
  if (typeof err !== "object" || err === null) return key === "message" ? String(err) : "";
  const value = (err as Record<string, unknown>)[key];
  return typeof value === "string" ? value : "";
}

/** Maps a runtime's error (Node/Bun `code`, Deno error class name, workerd message) to a kind. */
export function classifyError(err: unknown): TransportErrorKind {
  const code = field(err, "code");
  const name = field(err, "name");
  const message = field(err, "message").toLowerCase();
  if (code === "ECONNREFUSED" || name === "ConnectionRefused" || message.includes("refused")) {
    return "refused";
  }
  if (code === "ETIMEDOUT" || name === "TimedOut") return "timeout";
  if (
    code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL") || TLS_CODES.has(code) ||
    message.includes("certificate") || message.includes("tls") || message.includes("alert")
  ) return "tls";
  if (
    code === "ENOTFOUND" || code === "EAI_AGAIN" || message.includes("failed to lookup") ||
    message.includes("getaddrinfo") || message.includes("name or service not known")
  ) return "dns";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH" || message.includes("unreachable")) {
    return "unreachable";
  }
  return "io";
}

function detail(err: unknown): string {
  const code = field(err, "code");
  const message = field(err, "message") || field(err, "name") || "unknown error";
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/** Wraps a failure to open a socket: "could not connect to host:port: <why> (<runtime detail>)". */
export function connectError(err: unknown, address: string): TransportError {
  if (err instanceof TransportError) return err;
  const kind = classifyError(err);
  return new TransportError(
    `Could not connect to ${address}: ${KIND_WORDS[kind]} (${detail(err)})`,
    kind,
    address,
    { cause: err },
  );
}

/** Wraps a failure of an open socket: "connection to host:port failed: <why> (<detail>)". */
export function socketError(err: unknown, address: string): TransportError {
  if (err instanceof TransportError) return err;
  const kind = classifyError(err);
  return new TransportError(
    `Connection to ${address} failed: ${KIND_WORDS[kind]} (${detail(err)})`,
    kind,
    address,
    { cause: err },
  );
}

/**
 * The error a socket closes with when its `onData` handler threw: the adapter closes the socket
 * rather than let the exception escape into the runtime's event loop.
 */
export function handlerError(err: unknown, address: string): TransportError {
  return new TransportError(
    `Connection to ${address} closed: the onData handler threw (${detail(err)})`,
    "io",
    address,
    { cause: err },
  );
}

/** The error an open socket closes with when the server ended the connection. */
export function peerClosedError(address: string): TransportError {
  return new TransportError(`Connection to ${address} was closed by the server`, "closed", address);
}

/** The error a connect attempt rejects with when its timeout elapses. */
export function timeoutError(address: string, ms: number): TransportError {
  return new TransportError(
    `Could not connect to ${address}: timed out after ${ms} ms`,
    "timeout",
    address,
  );
}

/** The error a connect attempt rejects with when the caller's signal aborts it. */
export function abortedError(address: string, reason: unknown): TransportError {
  return new TransportError(`Could not connect to ${address}: aborted`, "aborted", address, {
    cause: reason,
  });
}

/** The error for options the runtime cannot honour; `what` explains what and why. */
export function unsupportedError(address: string, what: string): TransportError {
  return new TransportError(
    `Could not connect to ${address}: ${what}`,
    "unsupported",
    address,
  );
}
