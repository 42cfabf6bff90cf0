/**
 * Bun adapter: `Bun.connect` with per-connection socket handlers.
 *
 * - Bun hands `data` a fresh Buffer per event, passed through without copying.
 * - `socket.write` returns how many bytes the kernel took; the rest is queued here and flushed on
 *   `drain` (merging small chunks into one write, bounded). `write` returns false as soon as
 *   anything is queued, and `drained()` resolves when the queue is empty again.
 * - TCP_NODELAY and keep-alive are set once the socket opens.
 * - TLS: `ca`, `cert`/`key` (mutual TLS) and `serverName` map to Bun's TLS options. `connect`
 *   resolves only after the handshake succeeded (`Bun.connect` itself resolves at TCP open).
 *   Bun's native sockets cannot skip only the host name check (turning off
 *   `rejectUnauthorized` skips the chain check instead), so `checkServerIdentity: false` is
 *   served by the node adapter over Bun's `node:tls`, which can.
 *
 * @module
 */

import type { ConnectOptions, Socket, SocketHandlers, Transport } from "./types.ts";
import { guardConnect } from "./attempt.ts";
import { zlibCrc32 } from "./native-crc.ts";
import { bufferUtf8Slice } from "./native-utf8.ts";
import { formatAddress, handlerError, peerClosedError, socketError } from "./errors.ts";
import { DrainWaiters, KEEPALIVE_DELAY_MS, takeBatch } from "./waiters.ts";

// Just the part of Bun's API this adapter calls, declared here so the file type-checks without
// Bun's ambient types (it is checked by `deno check` like the rest of the package).
interface BunNativeSocket {
  write(data: Uint8Array): number;
  end(): void;
  terminate(): void;
  setNoDelay(noDelay?: boolean): boolean;
  setKeepAlive(enable?: boolean, initialDelay?: number): boolean;
}

interface BunSocketCallbacks {
  open(socket: BunNativeSocket): void;
  handshake(socket: BunNativeSocket, success: boolean, authorizationError: Error | null): void;
  data(socket: BunNativeSocket, data: Uint8Array): void;
  drain(socket: BunNativeSocket): void;
  end(socket: BunNativeSocket): void;
  error(socket: BunNativeSocket, error: Error): void;
  close(socket: BunNativeSocket, error?: Error): void;
  connectError(socket: BunNativeSocket, error: Error): void;
}

interface BunTlsOptions {
  ca?: string | string[];
  cert?: string;
  key?: string;
  serverName?: string;
  rejectUnauthorized?: boolean;
}

interface BunConnectOptions {
  hostname: string;
  port: number;
  tls?: BunTlsOptions;
  socket: BunSocketCallbacks;
}

interface BunGlobal {
  connect(options: BunConnectOptions): Promise<BunNativeSocket>;
}

function bun(): BunGlobal {
  return (globalThis as unknown as { Bun: BunGlobal }).Bun;
}

function asError(value: unknown, fallback: string): Error {
  return value instanceof Error ? value : new Error(fallback);
}

/** One connection: the Socket the driver sees and the handler target Bun calls into. */
class BunSocket implements Socket {
  readonly remote: string;
  readonly #handlers: SocketHandlers;
  readonly #tls: boolean;
  readonly #drain = new DrainWaiters();
  #native: BunNativeSocket | undefined;
  #settle: { resolve: (s: BunSocket) => void; reject: (e: Error) => void } | undefined;
  #open = false;
  #cancelled = false;
  #pending: Uint8Array[] = [];
  #closing = false;
  #closed = false;
  #error: Error | undefined;

  constructor(handlers: SocketHandlers, remote: string, tls: boolean) {
    this.#handlers = handlers;
    this.remote = remote;
    this.#tls = tls;
  }

  /** Starts `Bun.connect`; resolves once the socket is usable (after the TLS handshake). */
  start(options: ConnectOptions, cancel: AbortSignal): Promise<BunSocket> {
    return new Promise<BunSocket>((resolve, reject) => {
      this.#settle = { resolve, reject };
      cancel.addEventListener("abort", () => this.#cancel(), { once: true });
      const tls = options.tls;
      bun()
        .connect({
          hostname: options.host,
          port: options.port,
          tls: tls && {
            ca: tls.ca,
            cert: tls.cert,
            key: tls.key,
            serverName: tls.serverName ?? options.host,
            rejectUnauthorized: true,
          },
          socket: this.#callbacks(),
        })
        .catch((err: unknown) => this.#failOpen(asError(err, "Bun.connect failed")));
    });
  }

  #callbacks(): BunSocketCallbacks {
    return {
      open: (socket) => {
        this.#native = socket;
        if (this.#cancelled) {
          socket.terminate();
          return;
        }
        socket.setNoDelay(true);
        socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
        if (!this.#tls) this.#opened();
      },
      handshake: (_socket, success, authorizationError) => {
        if (success && !authorizationError) this.#opened();
        else this.#failOpen(authorizationError ?? new Error("TLS handshake failed"));
      },
      data: (_socket, data) => {
        if (!this.#open || this.#closing) return;
        try {
          // A plain Uint8Array view (no copy) of Bun's Buffer: the decoders then see one array
          // type only. Mixing Buffer and Uint8Array sent JavaScriptCore's CRC loop down a path
          // some 50 times slower.
          this.#handlers.onData(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        } catch (err) {
          this.#error ??= handlerError(err, this.remote);
          this.#native?.terminate();
        }
      },
      drain: () => this.#flush(),
      end: () => {
        if (!this.#closing) this.#error ??= peerClosedError(this.remote);
      },
      error: (_socket, error) => {
        if (!this.#open) this.#failOpen(error);
        else this.#error ??= socketError(error, this.remote);
      },
      connectError: (_socket, error) => this.#failOpen(error),
      close: (_socket, error) => {
        if (!this.#open) {
          this.#failOpen(error ?? new Error("socket closed during connect"));
          return;
        }
        this.#finish(error);
      },
    };
  }

  #opened(): void {
    if (this.#open || this.#cancelled) return;
    this.#open = true;
    this.#settle?.resolve(this);
    this.#settle = undefined;
  }

  #failOpen(error: Error): void {
    if (this.#open) return;
    const settle = this.#settle;
    this.#settle = undefined;
    this.#native?.terminate();
    settle?.reject(error);
  }

  #cancel(): void {
    // The guard has rejected the attempt already; close whatever Bun has or will open.
    this.#cancelled = true;
    this.#settle = undefined;
    this.#native?.terminate();
  }

  write(data: Uint8Array): boolean {
    const native = this.#native;
    if (this.#closing || !native) return false;
    if (this.#pending.length > 0) {
      this.#pending.push(data);
      return false;
    }
    const written = native.write(data);
    if (written >= data.byteLength) return true;
    this.#pending.push(written > 0 ? data.subarray(written) : data);
    return false;
  }

  drained(): Promise<void> {
    if (this.#pending.length === 0 || this.#closed) return Promise.resolve();
    return this.#drain.wait();
  }

  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    // Bun's end() flushes its own buffer; ours goes first, from the drain handler if need be.
    if (this.#pending.length === 0) this.#native?.end();
  }

  #flush(): void {
    const native = this.#native;
    if (!native || this.#closed) return;
    while (this.#pending.length > 0) {
      const batch = takeBatch(this.#pending);
      const written = native.write(batch);
      if (written < batch.byteLength) {
        this.#pending.unshift(written > 0 ? batch.subarray(written) : batch);
        return;
      }
    }
    this.#drain.release();
    if (this.#closing) native.end();
  }

  #finish(error?: Error): void {
    if (this.#closed) return;
    const requested = this.#closing;
    this.#closed = true;
    this.#closing = true;
    this.#pending = [];
    this.#drain.release();
    if (requested) {
      this.#handlers.onClose();
      return;
    }
    const reason = this.#error ?? (error ? socketError(error, this.remote) : undefined);
    this.#handlers.onClose(reason ?? peerClosedError(this.remote));
  }
}

/**
 * The Bun transport.
 *
 * @example
 * ```ts
 * import { bunTransport } from "./bun.ts";
 * const socket = await bunTransport.connect(
 *   { host: "127.0.0.1", port: 9042, connectTimeout: 5000 },
 *   { onData: (chunk) => console.log(chunk.length), onClose: (err) => console.log("closed", err) },
 * );
 * socket.close();
 * ```
 */
export const bunTransport: Transport = {
  name: "bun",
  nativeCrc32: zlibCrc32,
  nativeUtf8: bufferUtf8Slice,
  async connect(options: ConnectOptions, handlers: SocketHandlers): Promise<Socket> {
    if (options.tls?.checkServerIdentity === false) {
      const { nodeTransport } = await import("./node.ts");
      return await nodeTransport.connect(options, handlers);
    }
    const remote = formatAddress(options.host, options.port);
    const socket = new BunSocket(handlers, remote, options.tls !== undefined);
    return await guardConnect(
      options,
      remote,
      (cancel) => socket.start(options, cancel),
      (late) => late.close(),
    );
  },
};
