/**
 * The one seam between the driver and a runtime's sockets. The connection layer above it is
 * runtime-agnostic; each adapter (Deno, Bun, Node, Cloudflare Workers) implements this and nothing
 * more.
 *
 * @module
 */

/** TLS settings for a connection. PEM strings throughout. */
export interface TlsOptions {
  /** Trusted CA certificate(s), PEM. When absent the runtime's system roots are used. */
  ca?: string | string[];
  /** Client certificate chain for mutual TLS, PEM. */
  cert?: string;
  /** Client private key for mutual TLS, PEM. */
  key?: string;
  /** Name sent in SNI and checked against the certificate; defaults to the host. */
  serverName?: string;
  /**
   * Verify that the server certificate matches the host name (default true). Turning it off
   * still verifies the chain against the CA; use only for test clusters with IP-only certificates.
   */
  checkServerIdentity?: boolean;
}

/** What a transport needs to open one connection. */
export interface ConnectOptions {
  host: string;
  port: number;
  /** TLS settings; absent means plain TCP. */
  tls?: TlsOptions;
  /** Abort the connection attempt (and, once open, nothing: use `close()`). */
  signal?: AbortSignal;
  /** Milliseconds before the attempt fails with a timeout error. */
  connectTimeout?: number;
}

/** Callbacks a socket delivers to its single owner, the connection. */
export interface SocketHandlers {
  /**
   * Bytes arrived. The chunk is owned by the callee only until it returns unless the adapter
   * documents otherwise: copy what must outlive the call.
   */
  onData(chunk: Uint8Array): void;
  /** The socket closed. `error` is set when it closed because of a failure. */
  onClose(error?: Error): void;
}

/** An open byte stream to one server. */
export interface Socket {
  /**
   * Queues bytes for sending. Returns false when the runtime's send buffer is full: the caller
   * should wait for {@link drained} before writing much more.
   */
  write(data: Uint8Array): boolean;
  /** Resolves when the send buffer has room again (immediately when it already has). */
  drained(): Promise<void>;
  /** Closes the socket; pending writes are flushed where the runtime allows. Idempotent. */
  close(): void;
  /** Remote address as seen by the socket, for error messages. */
  readonly remote: string;
}

/**
 * Opens sockets. The driver picks the adapter for the current runtime; a user can pass their own.
 *
 * @example
 * ```ts
 * import type { Transport } from "@cql/driver";
 * const transport: Transport = {
 *   name: "mine",
 *   connect(options, handlers) {
 *     throw new Error("not implemented");
 *   },
 * };
 * ```
 */
export interface Transport {
  /** A short name for logs and errors, e.g. "deno", "node". */
  readonly name: string;
  /** Opens a connection; rejects with an Error saying why it could not connect. */
  connect(options: ConnectOptions, handlers: SocketHandlers): Promise<Socket>;
}
