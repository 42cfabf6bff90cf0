/**
 * A small EventEmitter with Node's API surface (`on`, `once`, `off`, `emit`, ...), so the compat
 * client emits `hostUp`, `hostDown`, `hostAdd`, `hostRemove` and `log` on every runtime.
 *
 * @module
 */

/** A listener of any event (any parameter list: `never[]` accepts every function). */
export type Listener = (...args: never[]) => void;

/** Node-style event emitter. */
export class EventEmitter {
  readonly #listeners = new Map<string | symbol, { fn: Listener; once: boolean }[]>();

  /** Adds a listener. */
  on(event: string | symbol, listener: Listener): this {
    if (typeof listener !== "function") throw new TypeError("The listener must be a function");
    const list = this.#listeners.get(event) ?? [];
    list.push({ fn: listener, once: false });
    this.#listeners.set(event, list);
    return this;
  }

  /** Same as {@link EventEmitter.on}. */
  addListener(event: string | symbol, listener: Listener): this {
    return this.on(event, listener);
  }

  /** Adds a listener called at most once. */
  once(event: string | symbol, listener: Listener): this {
    this.on(event, listener);
    const list = this.#listeners.get(event)!;
    list[list.length - 1].once = true;
    return this;
  }

  /** Removes a listener (the last one added, if added several times). */
  off(event: string | symbol, listener: Listener): this {
    const list = this.#listeners.get(event);
    if (list === undefined) return this;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i].fn === listener) {
        list.splice(i, 1);
        break;
      }
    }
    if (list.length === 0) this.#listeners.delete(event);
    return this;
  }

  /** Same as {@link EventEmitter.off}. */
  removeListener(event: string | symbol, listener: Listener): this {
    return this.off(event, listener);
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: string | symbol): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  /** Calls the listeners of `event`; false when there were none. An "error" without one throws. */
  emit(event: string | symbol, ...args: unknown[]): boolean {
    const list = this.#listeners.get(event);
    if (list === undefined || list.length === 0) {
      if (event === "error") throw args[0] instanceof Error ? args[0] : new Error(String(args[0]));
      return false;
    }
    for (const l of [...list]) {
      if (l.once) this.off(event, l.fn);
      (l.fn as (...a: unknown[]) => void).apply(this, args);
    }
    return true;
  }

  /** The number of listeners of `event`. */
  listenerCount(event: string | symbol): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** The listeners of `event`. */
  listeners(event: string | symbol): Listener[] {
    return (this.#listeners.get(event) ?? []).map((l) => l.fn);
  }

  /** The events that have listeners. */
  eventNames(): (string | symbol)[] {
    return [...this.#listeners.keys()];
  }
}
