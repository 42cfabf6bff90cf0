/**
 * The socket half shared by the adapters whose runtime write is an awaited call (Deno, Workers):
 * a write queue merged into few runtime writes, backpressure past a high-water mark, a graceful
 * close that flushes first, and exactly one `onClose`. Each adapter supplies how to write one
 * batch, how to release its resource, and a read loop built on the protected helpers.
 *
 * @module
 */
import type { Socket, SocketHandlers } from "./types.ts";
import { handlerError, peerClosedError, socketError } from "./errors.ts";
import { CLOSE_FLUSH_GRACE_MS, DrainWaiters, takeBatch, WRITE_HIGH_WATER } from "./waiters.ts";

/** Base class of the Deno and Workers sockets. */
export abstract class QueuedSocket implements Socket {
  /** "host:port" of the peer. */
  readonly remote: string;
  readonly #handlers: SocketHandlers;
  readonly #drain = new DrainWaiters();
  #queue: Uint8Array[] = [];
  #queued = 0;
  #flushing = false;
  #closing = false;
  #closed = false;
  #grace: ReturnType<typeof setTimeout> | undefined;

  /** `handlers` receive the data and the single close notification. */
  constructor(handlers: SocketHandlers, remote: string) {
    this.#handlers = handlers;
    this.remote = remote;
  }

  /** Writes all of `batch` to the runtime socket. */
  protected abstract writeAll(batch: Uint8Array): Promise<void>;
  /** Closes the runtime socket, ignoring errors. */
  protected abstract release(): void;

  /** True once the socket is finished; read loops stop then. */
  protected get isClosed(): boolean {
    return this.#closed;
  }

  /** Queues bytes; false once more than the high-water mark waits. */
  write(data: Uint8Array): boolean {
    if (this.#closing || data.byteLength === 0) return !this.#closing;
    this.#queue.push(data);
    this.#queued += data.byteLength;
    if (!this.#flushing) void this.#flush();
    return this.#queued < WRITE_HIGH_WATER;
  }

  /** Resolves when the queue is below the high-water mark (or the socket closed). */
  drained(): Promise<void> {
    if (this.#queued < WRITE_HIGH_WATER || this.#closed) return Promise.resolve();
    return this.#drain.wait();
  }

  /** Closes after the queued bytes went out, or after a grace period if the peer stops reading. */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    if (!this.#flushing) this.finish();
    else this.#grace = setTimeout(() => this.finish(), CLOSE_FLUSH_GRACE_MS);
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const batch = takeBatch(this.#queue);
        await this.writeAll(batch);
        this.#queued -= batch.byteLength;
        if (this.#queued < WRITE_HIGH_WATER) this.#drain.release();
      }
    } catch (err) {
      this.finish(this.#closing ? undefined : socketError(err, this.remote));
      return;
    } finally {
      this.#flushing = false;
    }
    if (this.#closing) this.finish();
  }

  /**
   * Hands a received chunk to the owner. Returns false when the read loop must stop (the
   * owner's handler threw, which closes the socket).
   */
  protected deliver(chunk: Uint8Array): boolean {
    if (this.#closing) return true;
    try {
      this.#handlers.onData(chunk);
      return true;
    } catch (err) {
      this.finish(handlerError(err, this.remote));
      return false;
    }
  }

  /** The peer ended the stream. */
  protected ended(): void {
    this.finish(this.#closing ? undefined : peerClosedError(this.remote));
  }

  /** Reading failed; after our own close() that is the expected end, not an error. */
  protected readFailed(err: unknown): void {
    this.finish(this.#closing ? undefined : socketError(err, this.remote));
  }

  /** Finishes the socket once: releases it, wakes drain waiters, tells the owner. */
  protected finish(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#grace);
    this.#closing = true;
    this.#queue = [];
    this.#queued = 0;
    this.release();
    this.#drain.release();
    this.#handlers.onClose(error);
  }
}
