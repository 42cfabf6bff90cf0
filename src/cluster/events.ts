/**
 * The events a client tells applications about, and the small emitter behind `client.on`.
 *
 * @module
 */
import type { SchemaChange } from "../protocol/responses.ts";
import type { HostInfo } from "../client/policies/load-balancing.ts";
import type { LogEntry } from "./log.ts";

/** Each event's name and what its listeners receive. */
export interface ClientEvents {
  /** A node joined the cluster (found by a topology refresh after `connect()`). */
  hostAdd: HostInfo;
  /** A node left the cluster (decommissioned or removed). */
  hostRemove: HostInfo;
  /** A node that was down accepts connections again. */
  hostUp: HostInfo;
  /** A node's connections were lost and it could not be reached again. */
  hostDown: HostInfo;
  /** A keyspace, table, type, function or aggregate was created, altered or dropped. */
  schemaChange: SchemaChange;
  /** What the driver does on its own, as a log entry (see {@link LogEntry}). */
  log: LogEntry;
}

/** The name of a client event. */
export type ClientEventName = keyof ClientEvents;

/** Listeners per event name; a listener that throws does not stop the others. */
export class Emitter<E extends object> {
  readonly #listeners = new Map<keyof E, Set<(value: never) => void>>();

  /** Adds a listener; the returned function removes it. */
  on<K extends keyof E>(name: K, listener: (value: E[K]) => void): () => void {
    if (typeof listener !== "function") throw new TypeError("listener must be a function");
    let set = this.#listeners.get(name);
    if (set === undefined) this.#listeners.set(name, set = new Set());
    const l = listener as (value: never) => void;
    set.add(l);
    return () => {
      set.delete(l);
    };
  }

  /** Whether `name` has a listener. */
  has(name: keyof E): boolean {
    return (this.#listeners.get(name)?.size ?? 0) > 0;
  }

  /** Calls every listener of `name` with `value`. */
  emit<K extends keyof E>(name: K, value: E[K]): void {
    const set = this.#listeners.get(name);
    if (set === undefined) return;
    for (const l of [...set]) {
      try {
        (l as (value: E[K]) => void)(value);
      } catch { /* an application's listener must not break the driver's own work */ }
    }
  }
}
