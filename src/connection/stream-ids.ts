/**
 * Stream id allocation for one connection. Ids are reused most-recently-freed first, which keeps
 * the working set of the pending-request table small and warm.
 *
 * @module
 */

/** The highest stream id of protocol v3+ (ids are positive [short]s; negatives are for events). */
export const MAX_STREAM_ID = 0x7fff;

/** Hands out stream ids `0 .. capacity-1`. */
export class StreamIds {
  readonly capacity: number;
  #free: number[] = [];
  #fresh = 0;
  #inUse = 0;

  /** `capacity` is the cap on requests in flight on the connection (1 .. 32768). */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_STREAM_ID + 1) {
      throw new RangeError(`requests per connection must be 1..${MAX_STREAM_ID + 1}: ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** Ids currently handed out. */
  get inUse(): number {
    return this.#inUse;
  }

  /** One past the highest id ever handed out: every id in use is below it. */
  get highWater(): number {
    return this.#fresh;
  }

  /** A free id, or -1 when all `capacity` ids are in use. */
  acquire(): number {
    if (this.#free.length > 0) {
      this.#inUse++;
      return this.#free.pop()!;
    }
    if (this.#fresh < this.capacity) {
      this.#inUse++;
      return this.#fresh++;
    }
    return -1;
  }

  /** Gives an id back. */
  release(id: number): void {
    this.#inUse--;
    this.#free.push(id);
  }
}
