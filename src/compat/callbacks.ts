/**
 * cassandra-driver's dual calling convention: a method given a callback calls it (and returns
 * nothing); without one it returns a promise.
 *
 * @module
 */

/** A Node-style callback. */
export type Callback<T> = (err: Error | null, result?: T) => void;

/** Settles `callback` from `promise`, or returns the promise when there is no callback. */
export function optionalCallback<T>(
  promise: Promise<T>,
  callback: Callback<T> | undefined,
): Promise<T> | undefined {
  if (typeof callback !== "function") return promise;
  promise.then(
    (v) => callback(null, v),
    (e) => callback(e instanceof Error ? e : new Error(String(e))),
  );
  return undefined;
}
