/**
 * Small state shared by the adapters that keep their own write queue (Deno, Bun, Workers).
 *
 * @module
 */

/** Promises handed out by `drained()`, all released together when the queue empties or closes. */
export class DrainWaiters {
  #waiting: Array<() => void> = [];

  /** A promise resolved on the next {@link release}. */
  wait(): Promise<void> {
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Resolves every pending waiter. */
  release(): void {
    if (this.#waiting.length === 0) return;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve();
  }
}

/**
 * Bytes an adapter lets pile up in its own queue before `write` reports backpressure. Big enough
 * that a pipelining connection rarely waits, small enough to bound memory per socket.
 */
export const WRITE_HIGH_WATER = 1 << 20;

/**
 * Upper bound for merging queued chunks into one runtime write: merging saves a runtime call per
 * chunk (costly on Deno and Workers) but copies, so it is capped.
 */
export const MAX_MERGED_WRITE = 256 * 1024;

/** How long `close()` waits for queued writes before closing anyway. */
export const CLOSE_FLUSH_GRACE_MS = 2_000;

/** Delay before the first TCP keep-alive probe, where the runtime lets us choose. */
export const KEEPALIVE_DELAY_MS = 30_000;

/**
 * Takes chunks from the head of `queue` (mutating it) and returns them as one buffer of at most
 * {@link MAX_MERGED_WRITE} bytes, unless the first chunk alone is larger. A single chunk is
 * returned as is, without copying.
 */
export function takeBatch(queue: Uint8Array[]): Uint8Array {
  const first = queue[0];
  if (queue.length === 1 || first.byteLength >= MAX_MERGED_WRITE) {
    queue.shift();
    return first;
  }
  let count = 0;
  let size = 0;
  while (count < queue.length && size + queue[count].byteLength <= MAX_MERGED_WRITE) {
    size += queue[count].byteLength;
    count++;
  }
  if (count === 1) {
    queue.shift();
    return first;
  }
  const merged = new Uint8Array(size);
  let offset = 0;
  for (const chunk of queue.splice(0, count)) {
    merged.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return merged;
}
