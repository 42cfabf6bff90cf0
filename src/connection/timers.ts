/**
 * Timers that must not keep a process alive (heartbeats), on any runtime, without importing one.
 *
 * @module
 */

type TimerHandle = ReturnType<typeof setTimeout>;

/** Lets the process exit even while `t` is pending (Node/Bun `unref`, `Deno.unrefTimer`). */
export function unrefTimer(t: TimerHandle): void {
  if (typeof t === "object" && t !== null && "unref" in t) {
    (t as { unref(): void }).unref();
    return;
  }
  const deno = (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno;
  if (typeof t === "number" && deno?.unrefTimer) deno.unrefTimer(t);
}
