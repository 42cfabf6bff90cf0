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
  /** Host name or IP literal to connect to. */
  host: string;
  /** TCP port. */
  port: number;
  /** TLS settings; absent means plain TCP. */
  tls?: TlsOptions;
  /**
   * Abort the connection attempt (and, once open, nothing: use `close()`). The attempt rejects
   * with a `TransportError` of kind `"aborted"` whose `cause` is the signal's reason.
   */
  signal?: AbortSignal;
  /**
   * Milliseconds before the attempt (TCP connect plus TLS handshake) fails with a
   * `TransportError` of kind `"timeout"`. Absent or 0 means no limit beyond the OS's.
   */
  connectTimeout?: number;
}

/** Callbacks a socket delivers to its single owner, the connection. */
export interface SocketHandlers {
  /**
   * Bytes arrived. The chunk is owned by the callee only until it returns unless the adapter
   * documents otherwise: copy what must outlive the call.
   */
  onData(chunk: Uint8Array): void;
  /**
   * The socket closed. Called exactly once per socket that `connect` resolved (never for a failed
   * attempt: that one rejects instead), and no `onData` follows it. `error` is absent exactly when
   * the close was asked for with {@link Socket.close}; when the server ended the connection it is
   * a `TransportError` of kind `"closed"`, and any other failure carries the runtime's cause.
   */
  onClose(error?: Error): void;
}

/** An open byte stream to one server. */
export interface Socket {
  /**
   * Queues bytes for sending. Returns false when the runtime's send buffer is full: the caller
   * should wait for {@link drained} before writing much more. The adapter may keep a reference to
   * `data` until it is sent (no defensive copy), so the caller must not reuse that buffer. Writes
   * after close are dropped.
   */
  write(data: Uint8Array): boolean;
  /**
   * Resolves when the send buffer has room again (immediately when it already has). Also resolves
   * when the socket closes, so a waiter never hangs; `onClose` tells why.
   */
  drained(): Promise<void>;
  /**
   * Closes the socket; pending writes are flushed where the runtime allows. Idempotent. No
   * `onData` is delivered after it; `onClose()` follows (without an error) once the socket is shut.
   */
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
  /**
   * Optional: the runtime's native CRC-32 with zlib's `crc32(data, value)` contract, or
   * undefined. Protocol v5 checksums every segment payload; without it the portable one is used.
   */
  nativeCrc32?(): Promise<((data: Uint8Array, value: number) => number) | undefined>;
  /**
   * Optional: the runtime's native UTF-8 decoder over a byte range (invalid sequences become
   * U+FFFD), or undefined. Text cells are decoded with it; without it, with TextDecoder.
   */
  nativeUtf8?(): Promise<((bytes: Uint8Array, start: number, end: number) => string) | undefined>;
}
