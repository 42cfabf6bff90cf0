/**
 * cassandra-driver's dual calling convention: a method given a callback calls it (and returns
 * nothing); without one it returns a promise.
 *
 * @module
 */

/**
 * A Node-style callback: `err` is null on success. Declared as cassandra-driver declares its
 * callbacks (`err: Error`, `result: T`), so callbacks typed against those declarations fit.
 */
export type Callback<T> = (err: Error, result: T) => void;

/** Settles `callback` from `promise`, or returns the promise when there is no callback. */
export function optionalCallback<T>(
  promise: Promise<T>,
  callback: Callback<T> | undefined,
): Promise<T> | undefined {
  if (typeof callback !== "function") return promise;
  promise.then(
    (v) => callback(null as unknown as Error, v),
    (e) => callback(e instanceof Error ? e : new Error(String(e)), undefined as T),
  );
  return undefined;
}

/** Calls `callback` with an error (and no result). */
export function fail<T>(callback: Callback<T>, err: unknown): void {
  callback(err instanceof Error ? err : new Error(String(err)), undefined as T);
}

/** Calls `callback` with a result. */
export function succeed<T>(callback: Callback<T>, value: T): void {
  callback(null as unknown as Error, value);
}
