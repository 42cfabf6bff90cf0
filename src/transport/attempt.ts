/**
 * Connect timeout and AbortSignal handling shared by every adapter, so each one only has to say
 * how to start a connection, how to cancel it and how to throw away one that finished too late.
 *
 * @module
 */

import type { ConnectOptions } from "./types.ts";
import { abortedError, connectError, timeoutError, type TransportError } from "./errors.ts";

/**
 * Runs `start` under the attempt's timeout and signal.
 *
 * `start` receives a signal that fires when the attempt is given up (timeout or caller abort) so
 * the adapter can cancel the runtime's pending connect. If `start` still resolves afterwards, the
 * late result goes to `discard` (which must close it) instead of leaking. A rejection from `start`
 * is wrapped into a {@link TransportError} naming the address; once the attempt was given up it is
 * ignored, so there is never an unhandled rejection.
 */
export function guardConnect<T>(
  options: ConnectOptions,
  address: string,
  start: (cancel: AbortSignal) => Promise<T>,
  discard: (late: T) => void,
): Promise<T> {
  const { signal, connectTimeout } = options;
  if (signal?.aborted) return Promise.reject(abortedError(address, signal.reason));
  return new Promise<T>((resolve, reject) => {
    const cancel = new AbortController();
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => giveUp(abortedError(address, signal?.reason));
    const finish = () => {
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const giveUp = (err: TransportError) => {
      if (settled) return;
      finish();
      reject(err);
      // Cancelling after rejecting: an adapter's cancel hook may throw or reject synchronously
      // into code that expects the attempt to be over already.
      cancel.abort(err);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    if (connectTimeout !== undefined && Number.isFinite(connectTimeout) && connectTimeout > 0) {
      timer = setTimeout(() => giveUp(timeoutError(address, connectTimeout)), connectTimeout);
    }
    let started: Promise<T>;
    try {
      started = start(cancel.signal);
    } catch (err) {
      started = Promise.reject(err);
    }
    started.then(
      (value) => {
        if (settled) {
          discard(value);
          return;
        }
        finish();
        resolve(value);
      },
      (err: unknown) => {
        if (settled) return;
        finish();
        reject(connectError(err, address));
      },
    );
  });
}
