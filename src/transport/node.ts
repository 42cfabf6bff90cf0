/**
 * Node adapter: `node:net` for plain TCP, `node:tls` for TLS. Also used on Bun for the one TLS
 * setting Bun's own sockets cannot express (see bun.ts), and usable on Deno through its Node
 * compatibility layer.
 *
 * - Incoming Buffers are Uint8Arrays already and each is fresh, so they are passed through as is.
 * - `write` hands the bytes straight to `socket.write` and returns its backpressure flag; Node's
 *   stream buffers them, so there is no queue here. `drained()` waits for `'drain'`.
 * - TCP_NODELAY and keep-alive are set on every socket.
 * - TLS: `ca` replaces Node's default roots, `cert`/`key` do mutual TLS, `serverName` sets SNI and
 *   the verified name, and `checkServerIdentity: false` skips only the name check (the chain is
 *   still verified).
 * - `node:net` / `node:tls` are imported on first connect (tls only when asked for), through a
 *   specifier held in a variable, and typed by the minimal interfaces below: that keeps this file
 *   checkable by `deno check` without `@types/node`, and keeps the modules out of bundles for
 *   runtimes that only ever pick another adapter.
 *
 * @module
 */

import type { ConnectOptions, Socket, SocketHandlers, Transport } from "./types.ts";
import { guardConnect } from "./attempt.ts";
import { zlibCrc32 } from "./native-crc.ts";
import { bufferUtf8Slice } from "./native-utf8.ts";
import { formatAddress, handlerError, peerClosedError, socketError } from "./errors.ts";
import { DrainWaiters, KEEPALIVE_DELAY_MS } from "./waiters.ts";

/** The part of a `net.Socket` / `tls.TLSSocket` this adapter uses. */
interface NodeSocketLike {
  readonly writableNeedDrain: boolean;
  write(data: Uint8Array): boolean;
  end(callback?: () => void): void;
  destroy(): void;
  setNoDelay(noDelay: boolean): void;
  setKeepAlive(enable: boolean, initialDelay: number): void;
  on(event: "data", listener: (chunk: Uint8Array) => void): void;
  on(event: "error", listener: (err: Error) => void): void;
  on(event: "drain" | "end" | "close", listener: () => void): void;
  once(event: "error", listener: (err: Error) => void): void;
  once(event: "connect" | "secureConnect", listener: () => void): void;
  off(event: "error", listener: (err: Error) => void): void;
  off(event: "connect" | "secureConnect", listener: () => void): void;
}

interface NetModule {
  connect(
    options: { host: string; port: number; noDelay: boolean; keepAlive: boolean },
  ): NodeSocketLike;
  isIP(input: string): number;
}

interface TlsModule {
  connect(options: {
    host: string;
    port: number;
    servername?: string;
    ca?: string | string[];
    cert?: string;
    key?: string;
    checkServerIdentity: (host: string, cert: unknown) => Error | undefined;
  }): NodeSocketLike;
  checkServerIdentity(host: string, cert: unknown): Error | undefined;
}

let netModule: Promise<NetModule> | undefined;
let tlsModule: Promise<TlsModule> | undefined;

function importBuiltin<T>(name: string): Promise<T> {
  return import(name) as Promise<T>;
}

function startSocket(
  options: ConnectOptions,
  net: NetModule,
  tls: TlsModule | undefined,
): NodeSocketLike {
  const { host, port } = options;
  const settings = options.tls;
  if (!settings || !tls) return net.connect({ host, port, noDelay: true, keepAlive: true });
  const name = settings.serverName ?? host;
  return tls.connect({
    host,
    port,
    // Node warns about (and RFC 6066 forbids) IP addresses in SNI; the certificate is then
    // checked against `host` all the same.
    servername: net.isIP(name) ? undefined : name,
    ca: settings.ca,
    cert: settings.cert,
    key: settings.key,
    checkServerIdentity: settings.checkServerIdentity === false
      ? () => undefined
      : (_host: string, cert: unknown) => tls.checkServerIdentity(name, cert),
  });
}

async function open(options: ConnectOptions, cancel: AbortSignal): Promise<NodeSocketLike> {
  const net = await (netModule ??= importBuiltin<NetModule>("node:net"));
  const tls = options.tls ? await (tlsModule ??= importBuiltin<TlsModule>("node:tls")) : undefined;
  if (cancel.aborted) throw cancel.reason;
  return new Promise<NodeSocketLike>((resolve, reject) => {
    const socket = startSocket(options, net, tls);
    const ready = options.tls ? "secureConnect" : "connect";
    const onError = (err: Error) => {
      socket.off(ready, onReady);
      cancel.removeEventListener("abort", onCancel);
      socket.destroy();
      reject(err);
    };
    const onReady = () => {
      socket.off("error", onError);
      cancel.removeEventListener("abort", onCancel);
      resolve(socket);
    };
    // The attempt was given up (timeout/abort): the guard has rejected already; just free it.
    const onCancel = () => {
      socket.off("error", onError);
      socket.on("error", () => {});
      socket.destroy();
    };
    socket.once("error", onError);
    socket.once(ready, onReady);
    cancel.addEventListener("abort", onCancel, { once: true });
  });
}

class NodeSocket implements Socket {
  readonly remote: string;
  readonly #socket: NodeSocketLike;
  readonly #drain = new DrainWaiters();
  #closing = false;
  #closed = false;
  #error: Error | undefined;

  constructor(socket: NodeSocketLike, handlers: SocketHandlers, remote: string) {
    this.#socket = socket;
    this.remote = remote;
    // Set again on the TLS socket: tls.connect does not take the TCP options.
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
    socket.on("data", (chunk: Uint8Array) => {
      if (this.#closing) return;
      try {
        // A plain Uint8Array view (no copy): keeps the decoders' array accesses monomorphic.
        handlers.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (err) {
        this.#error ??= handlerError(err, remote);
        socket.destroy();
      }
    });
    socket.on("drain", () => this.#drain.release());
    socket.on("error", (err: Error) => {
      this.#error ??= socketError(err, remote);
    });
    socket.on("end", () => {
      if (!this.#closing) this.#error ??= peerClosedError(remote);
    });
    socket.on("close", () => {
      if (this.#closed) return;
      this.#closed = true;
      this.#drain.release();
      handlers.onClose(this.#closing ? undefined : this.#error ?? peerClosedError(remote));
    });
  }

  write(data: Uint8Array): boolean {
    if (this.#closing) return false;
    return this.#socket.write(data);
  }

  drained(): Promise<void> {
    if (this.#closed || !this.#socket.writableNeedDrain) return Promise.resolve();
    return this.#drain.wait();
  }

  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    // end() flushes what is buffered and sends FIN; destroy() once flushed so 'close' comes
    // promptly instead of waiting for the server to close its side.
    this.#socket.end(() => this.#socket.destroy());
  }
}

/**
 * The Node transport.
 *
 * @example
 * ```ts
 * import { nodeTransport } from "./node.ts";
 * const socket = await nodeTransport.connect(
 *   { host: "127.0.0.1", port: 9042, connectTimeout: 5000 },
 *   { onData: (chunk) => console.log(chunk.length), onClose: (err) => console.log("closed", err) },
 * );
 * socket.close();
 * ```
 */
export const nodeTransport: Transport = {
  name: "node",
  nativeCrc32: zlibCrc32,
  nativeUtf8: bufferUtf8Slice,
  async connect(options: ConnectOptions, handlers: SocketHandlers): Promise<Socket> {
    const remote = formatAddress(options.host, options.port);
    const socket = await guardConnect(
      options,
      remote,
      (cancel) => open(options, cancel),
      (late) => late.destroy(),
    );
    return new NodeSocket(socket, handlers, remote);
  },
};
