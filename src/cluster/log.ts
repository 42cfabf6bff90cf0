/**
 * The driver's log: what it does on its own (nodes up and down, reconnections, the control
 * connection moving, schema refreshes, re-prepared statements), as `log` events for
 * `client.on("log", ...)`. Messages name nodes and statements, never a credential or a bound
 * value.
 *
 * @module
 */
import type { ClientEvents, Emitter } from "./events.ts";

/** How much a log entry matters: `debug` for routine work, `warning` for trouble it handles. */
export type LogLevel = "debug" | "info" | "warning" | "error";

/** One log entry. */
export interface LogEntry {
  /** How much it matters. */
  readonly level: LogLevel;
  /** What happened, in a sentence. */
  readonly message: string;
  /** The node concerned ("host:port"), if any. */
  readonly host?: string;
  /** The error behind it, if any. */
  readonly error?: Error;
}

/** Writes an entry to the log. */
export type Log = (level: LogLevel, message: string, host?: string, error?: Error) => void;

/** A log that emits `log` events on `events`, and costs nothing while no one listens. */
export function logTo(events: Emitter<ClientEvents>): Log {
  return (level, message, host, error) => {
    if (!events.has("log")) return;
    const entry: LogEntry = { level, message };
    if (host !== undefined) Object.assign(entry, { host });
    if (error !== undefined) Object.assign(entry, { error });
    events.emit("log", entry);
  };
}
