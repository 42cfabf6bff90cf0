/**
 * Errors raised by the driver itself (as opposed to errors the server sends, in
 * `protocol/server-errors.ts`). Every failure a caller sees is an instance of one of these, a
 * server error, a `ProtocolError`, or a `TypeError` for bad arguments: never a string.
 *
 * @module
 */

/** A connection could not be opened, or broke while requests were on it. */
export class ConnectionError extends Error {
  /** Error class name, as shown in stack traces. */
  override name = "ConnectionError";
  /** "host:port" of the node. */
  readonly address: string;
  /** Creates the error for the node at `address`. */
  constructor(address: string, message: string, options?: ErrorOptions) {
    super(`${address}: ${message}`, options);
    this.address = address;
  }
}

/** A request got no answer within its timeout. The node may still execute it. */
export class RequestTimeoutError extends Error {
  /** Error class name, as shown in stack traces. */
  override name = "RequestTimeoutError";
  /** "host:port" of the node that did not answer. */
  readonly address: string;
  /** The timeout that expired, in milliseconds. */
  readonly timeoutMs: number;
  /** Creates the error for a request sent to `address`. */
  constructor(address: string, timeoutMs: number) {
    super(`${address}: no response within ${timeoutMs} ms`);
    this.address = address;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The caller's `AbortSignal` fired. Its `name` is "AbortError", as with `fetch`, and its `cause`
 * is the signal's reason.
 */
export class AbortError extends Error {
  /** Error class name, as shown in stack traces. */
  override name = "AbortError";
  /** Creates the error; `reason` is the signal's reason. */
  constructor(reason?: unknown) {
    super(
      reason instanceof Error && reason.message ? `aborted: ${reason.message}` : "aborted",
      { cause: reason },
    );
  }
}

/** No node could serve a request; `errors` says what went wrong with each node tried. */
export class NoHostAvailableError extends Error {
  /** Error class name, as shown in stack traces. */
  override name = "NoHostAvailableError";
  /** The error per node ("host:port"), in the order they were tried. */
  readonly errors: ReadonlyMap<string, Error>;
  /** Creates the error from the per-node errors. */
  constructor(errors: ReadonlyMap<string, Error>, message?: string) {
    const detail = [...errors].map(([a, e]) => `${a}: ${e.message}`).join("; ");
    super(
      message ?? (errors.size === 0 ? "no node to try" : `all nodes failed (${detail})`),
      { cause: errors.size === 1 ? [...errors.values()][0] : undefined },
    );
    this.errors = errors;
  }
}

/**
 * Thrown for calls on a client or connection after `close()`, and for requests still unanswered
 * when `close()` ran out of its `closeTimeout`.
 */
export class ClosedError extends Error {
  /** Error class name, as shown in stack traces. */
  override name = "ClosedError";
  /** Creates the error; `detail` says why the request was cut short, when it was. */
  constructor(what = "client", detail?: string) {
    super(`the ${what} is closed${detail === undefined ? "" : `: ${detail}`}`);
  }
}

/**
 * A node could take no more requests: each of its connections had `maxRequestsPerConnection` in
 * flight and `maxQueuedRequestsPerHost` more were waiting. The request was not sent there; the
 * query plan moved on to its next node, and when every node was busy the request failed with a
 * {@link NoHostAvailableError} whose `errors` are these. The name is cassandra-driver's. The
 * requests refused while the same nodes stay busy share one error object (thousands of them can
 * be refused in one turn of the event loop): don't attach per-request data to it.
 *
 * @example
 * ```ts ignore
 * try {
 *   await client.execute("SELECT * FROM ks.t WHERE k = ?", [k]);
 * } catch (e) {
 *   const busy = e instanceof NoHostAvailableError &&
 *     [...e.errors.values()].every((x) => x instanceof BusyConnectionError);
 *   if (busy) await new Promise((r) => setTimeout(r, 100)); // back off, then try again
 * }
 * ```
 */
export class BusyConnectionError extends Error {
  /** Error class name, as shown in stack traces. */
  override name = "BusyConnectionError";
  /** "host:port" of the busy node. */
  readonly address: string;
  /** The cap on requests in flight per connection. */
  readonly maxRequestsPerConnection: number;
  /** Open connections to the node, each at the cap. */
  readonly connections: number;
  /** The cap on requests waiting for the node, reached too. */
  readonly maxQueuedRequests: number;
  /** Creates the error for the node at `address`. */
  constructor(
    address: string,
    maxRequestsPerConnection: number,
    connections: number,
    maxQueuedRequests: number,
  ) {
    super(
      `${address}: all connections are busy (${maxRequestsPerConnection} requests in flight on ${
        connections === 1 ? "its one connection" : `each of ${connections}`
      }, ${maxQueuedRequests} waiting)`,
    );
    this.address = address;
    this.maxRequestsPerConnection = maxRequestsPerConnection;
    this.connections = connections;
    this.maxQueuedRequests = maxQueuedRequests;
  }
}

/** Throws the right error if `signal` has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(signal.reason);
}
