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
import { formatAddress, unsupportedError } from "./errors.ts";
import { QueuedSocket } from "./queued-socket.ts";

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

class WorkersSocket extends QueuedSocket {
  readonly #socket: CloudflareSocket;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;

  constructor(socket: CloudflareSocket, handlers: SocketHandlers, remote: string) {
    super(handlers, remote);
    this.#socket = socket;
    this.#writer = socket.writable.getWriter();
    // Errors also surface through the reader or writer, which report them; this is only here so
    // a failing `closed` never becomes an unhandled rejection.
    socket.closed.catch(ignore);
    void this.#readLoop(socket.readable.getReader());
  }

  protected writeAll(batch: Uint8Array): Promise<void> {
    return this.#writer.write(batch);
  }

  protected release(): void {
    this.#socket.close().catch(ignore);
  }

  async #readLoop(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    try {
      while (!this.isClosed) {
        const { value, done } = await reader.read();
        if (done) return this.ended();
        if (!this.deliver(value)) return;
      }
    } catch (err) {
      this.readFailed(err);
    }
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
