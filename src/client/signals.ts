/**
 * Abort signals: waiting on a promise until a signal fires, and joining two signals.
 *
 * @module
 */
import { AbortError } from "../errors.ts";

/** `p`, or an {@link AbortError} as soon as `signal` fires (`p` itself carries on). */
export function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** A signal that fires when either fires. */
export function anySignal(a: AbortSignal | undefined, b: AbortSignal): AbortSignal {
  if (a === undefined) return b;
  const any = (AbortSignal as unknown as { any?(s: AbortSignal[]): AbortSignal }).any;
  if (any) return any([a, b]);
  const ac = new AbortController();
  const fire = (s: AbortSignal) => () => ac.abort(s.reason);
  a.addEventListener("abort", fire(a), { once: true });
  b.addEventListener("abort", fire(b), { once: true });
  return ac.signal;
}
