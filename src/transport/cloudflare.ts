/**
 * Cloudflare Workers adapter: `connect()` from `cloudflare:sockets`.
 *
 * - Reads use the socket's default stream reader; each chunk workerd delivers is a fresh
 *   Uint8Array, passed through without copying.
 * - Writes are queued and sent by one loop through a single writer, so they are serialized and
 *   small chunks queued while a write is in flight are merged (bounded) into one stream write.
 *   `write` reports backpressure past {@link WRITE_HIGH_WATER} queued bytes.
 * - TCP_NODELAY and keep-alive are not exposed by Workers; the platform's defaults apply.
 * - TLS is `secureTransport: "on"`, verified against Cloudflare's public roots with the host as
 *   SNI. Workers cannot take a custom CA, a client certificate, a different server name or a
 *   disabled name check, so such options fail the connect with kind `"unsupported"` rather than a
 *   confusing handshake error. (CQL has no STARTTLS, so `"starttls"` is never used.)
 * - Workers refuse connections to some ports and private ranges; those surface as connect errors.
 *
 * @module
 */

import type { ConnectOptions, Socket, SocketHandlers, TlsOptions, Transport } from "./types.ts";
import { guardConnect } from "./attempt.ts";
import {
  formatAddress,
  handlerError,
  peerClosedError,
  socketError,
  unsupportedError,
} from "./errors.ts";
import { CLOSE_FLUSH_GRACE_MS, DrainWaiters, takeBatch, WRITE_HIGH_WATER } from "./waiters.ts";

/** The part of a `cloudflare:sockets` Socket this adapter uses. */
export interface CloudflareSocket {
  /** Bytes from the server. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Bytes to the server. */
  readonly writable: WritableStream<Uint8Array>;
  /** Resolves once connected; rejects when the connection cannot be made. */
  readonly opened: Promise<unknown>;
  /** Resolves when the socket closes; rejects when it fails. */
  readonly closed: Promise<void>;
  /** Closes both directions. */
  close(): Promise<void>;
}

/** Signature of `connect` from `cloudflare:sockets`. */
export type CloudflareConnect = (
  address: { hostname: string; port: number },
  options?: { secureTransport?: "off" | "on" | "starttls"; allowHalfOpen?: boolean },
) => CloudflareSocket;

const ignore = (): void => {};

function checkTls(tls: TlsOptions, host: string, address: string): void {
  const problems: string[] = [];
  if (tls.ca !== undefined) problems.push("a custom CA (ca)");
  if (tls.cert !== undefined || tls.key !== undefined) problems.push("a client certificate");
  if (tls.serverName !== undefined && tls.serverName !== host) problems.push("a serverName");
  if (tls.checkServerIdentity === false) problems.push("checkServerIdentity: false");
  if (problems.length > 0) {
    throw unsupportedError(
      address,
      `Cloudflare Workers sockets cannot use ${problems.join(", ")}; ` +
        "the server needs a certificate from a public CA for its host name",
    );
  }
}

class WorkersSocket implements Socket {
  readonly remote: string;
  readonly #socket: CloudflareSocket;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #handlers: SocketHandlers;
  readonly #drain = new DrainWaiters();
  #queue: Uint8Array[] = [];
  #queued = 0;
  #flushing = false;
  #closing = false;
  #closed = false;
  #grace: ReturnType<typeof setTimeout> | undefined;

  constructor(socket: CloudflareSocket, handlers: SocketHandlers, remote: string) {
    this.#socket = socket;
    this.#handlers = handlers;
    this.remote = remote;
    this.#writer = socket.writable.getWriter();
    // Errors also surface through the reader or writer, which report them; this is only here so
    // a failing `closed` never becomes an unhandled rejection.
    socket.closed.catch(ignore);
    void this.#readLoop(socket.readable.getReader());
  }

  write(data: Uint8Array): boolean {
    if (this.#closing || data.byteLength === 0) return !this.#closing;
    this.#queue.push(data);
    this.#queued += data.byteLength;
    if (!this.#flushing) void this.#flush();
    return this.#queued < WRITE_HIGH_WATER;
  }

  drained(): Promise<void> {
    if (this.#queued < WRITE_HIGH_WATER || this.#closed) return Promise.resolve();
    return this.#drain.wait();
  }

  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    // Queued bytes go out first, bounded by a grace period in case the server stops reading.
    if (!this.#flushing) this.#finish();
    else this.#grace = setTimeout(() => this.#finish(), CLOSE_FLUSH_GRACE_MS);
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const batch = takeBatch(this.#queue);
        await this.#writer.write(batch);
        this.#queued -= batch.byteLength;
        if (this.#queued < WRITE_HIGH_WATER) this.#drain.release();
      }
    } catch (err) {
      this.#finish(this.#closing ? undefined : socketError(err, this.remote));
      return;
    } finally {
      this.#flushing = false;
    }
    if (this.#closing) this.#finish();
  }

  async #readLoop(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    try {
      while (!this.#closed) {
        const { value, done } = await reader.read();
        if (done) {
          this.#finish(this.#closing ? undefined : peerClosedError(this.remote));
          return;
        }
        if (this.#closing) continue;
        try {
          this.#handlers.onData(value);
        } catch (err) {
          this.#finish(handlerError(err, this.remote));
          return;
        }
      }
    } catch (err) {
      this.#finish(this.#closing ? undefined : socketError(err, this.remote));
    }
  }

  #finish(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#grace);
    this.#closing = true;
    this.#queue = [];
    this.#queued = 0;
    this.#socket.close().catch(ignore);
    this.#drain.release();
    this.#handlers.onClose(error);
  }
}

async function loadConnect(): Promise<CloudflareConnect> {
  // Held in a variable so tools that resolve imports statically (deno check, other runtimes'
  // bundlers) leave this workerd-only built-in module alone.
  const specifier = "cloudflare:sockets";
  const mod = (await import(specifier)) as { connect: CloudflareConnect };
  return mod.connect;
}

/**
 * Creates the Workers transport. Pass `connect` from `cloudflare:sockets` when your bundler
 * prefers static imports; by default it is imported on first use.
 *
 * @example
 * ```ts
 * import { cloudflareTransport } from "./cloudflare.ts";
 * // In a Worker: import { connect } from "cloudflare:sockets"; cloudflareTransport(connect)
 * const transport = cloudflareTransport();
 * console.log(transport.name); // "cloudflare"
 * ```
 */
export function cloudflareTransport(connect?: CloudflareConnect): Transport {
  let connectFn: Promise<CloudflareConnect> | undefined = connect && Promise.resolve(connect);
  return {
    name: "cloudflare",
    async connect(options: ConnectOptions, handlers: SocketHandlers): Promise<Socket> {
      const { host, port, tls } = options;
      const remote = formatAddress(host, port);
      if (tls) checkTls(tls, host, remote);
      connectFn ??= loadConnect();
      const open = await connectFn;
      const socket = await guardConnect(
        options,
        remote,
        async (cancel) => {
          const socket = open(
            { hostname: host, port },
            { secureTransport: tls ? "on" : "off", allowHalfOpen: false },
          );
          socket.closed.catch(ignore);
          cancel.addEventListener("abort", () => socket.close().catch(ignore), { once: true });
          await socket.opened;
          return socket;
        },
        (late) => late.close().catch(ignore),
      );
      return new WorkersSocket(socket, handlers, remote);
    },
  };
}
