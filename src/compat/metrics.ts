/**
 * `metrics`: cassandra-driver's client metrics. The client reports each response, error, retry,
 * ignored error and speculative execution to `options.metrics` (a `ClientMetrics`);
 * `DefaultMetrics` turns those calls into "increment" events.
 *
 * @module
 */
import { EventEmitter } from "./events.ts";
import type { Latency } from "./tracker.ts";

/** Base of the metrics: every hook does nothing; subclass it to record what you need. */
export class ClientMetrics {
  /** A connection could not authenticate. */
  onAuthenticationError(_e: Error): void {}
  /** A request timed out on the client. */
  onClientTimeoutError(_e: Error): void {}
  /** A request that timed out on the client is retried. */
  onClientTimeoutRetry(_e: Error): void {}
  /** A request failed on a connection error. */
  onConnectionError(_e: Error): void {}
  /** The retry policy ignored an error. */
  onIgnoreError(_e: Error): void {}
  /** Any other server error (overloaded, syntax, invalid, ...). */
  onOtherError(_e: Error): void {}
  /** A request that failed otherwise (connection, overloaded, ...) is retried. */
  onOtherErrorRetry(_e: Error): void {}
  /** A read timed out on the server. */
  onReadTimeoutError(_e: Error): void {}
  /** A read that timed out is retried. */
  onReadTimeoutRetry(_e: Error): void {}
  /** The server answered (successfully or with an error). */
  onResponse(_latency: Latency): void {}
  /** A speculative execution started. */
  onSpeculativeExecution(): void {}
  /** The server answered successfully. */
  onSuccessfulResponse(_latency: Latency): void {}
  /** Not enough replicas were alive. */
  onUnavailableError(_e: Error): void {}
  /** A request that found too few replicas alive is retried. */
  onUnavailableRetry(_e: Error): void {}
  /** A write timed out on the server. */
  onWriteTimeoutError(_e: Error): void {}
  /** A write that timed out is retried. */
  onWriteTimeoutRetry(_e: Error): void {}
}

type ErrorKind =
  | "authentication"
  | "clientTimeout"
  | "connection"
  | "other"
  | "readTimeout"
  | "unavailable"
  | "writeTimeout";
type RetryKind = "clientTimeout" | "other" | "readTimeout" | "unavailable" | "writeTimeout";

/** An event emitter with named child emitters. */
type Group<K extends string> = EventEmitter & Record<K, EventEmitter>;

function group<K extends string>(names: readonly K[]): Group<K> {
  const e = new EventEmitter() as Group<K>;
  for (const n of names) (e as unknown as Record<string, EventEmitter>)[n] = new EventEmitter();
  return e;
}

/**
 * Metrics as "increment" events: `errors` (and `errors.readTimeout`, `.writeTimeout`,
 * `.unavailable`, `.clientTimeout`, `.connection`, `.authentication`, `.other`), `retries` (and
 * its kinds), `ignoredErrors`, `speculativeExecutions`, `responses` and `responses.success`
 * (with the latency).
 */
export class DefaultMetrics extends ClientMetrics {
  /** Errors, by kind. */
  readonly errors: Group<ErrorKind> = group<ErrorKind>(
    [
      "authentication",
      "clientTimeout",
      "connection",
      "other",
      "readTimeout",
      "unavailable",
      "writeTimeout",
    ] as const,
  );
  /** Retries, by kind. */
  readonly retries: Group<RetryKind> = group<RetryKind>(
    ["clientTimeout", "other", "readTimeout", "unavailable", "writeTimeout"] as const,
  );
  /** Speculative executions. */
  readonly speculativeExecutions: EventEmitter = new EventEmitter();
  /** Errors the retry policy ignored. */
  readonly ignoredErrors: EventEmitter = new EventEmitter();
  /** Responses, and `responses.success`. */
  readonly responses: Group<"success"> = group(["success"] as const);

  #error(kind: ErrorKind, e: Error): void {
    this.errors[kind].emit("increment", e);
    this.errors.emit("increment", e);
  }

  #retry(kind: RetryKind, e: Error): void {
    this.retries[kind].emit("increment", e);
    this.retries.emit("increment", e);
  }

  /** Emits on `errors.authentication` and `errors`. */
  override onAuthenticationError(e: Error): void {
    this.#error("authentication", e);
  }
  /** Emits on `errors.connection` and `errors`. */
  override onConnectionError(e: Error): void {
    this.#error("connection", e);
  }
  /** Emits on `errors.readTimeout` and `errors`. */
  override onReadTimeoutError(e: Error): void {
    this.#error("readTimeout", e);
  }
  /** Emits on `errors.writeTimeout` and `errors`. */
  override onWriteTimeoutError(e: Error): void {
    this.#error("writeTimeout", e);
  }
  /** Emits on `errors.unavailable` and `errors`. */
  override onUnavailableError(e: Error): void {
    this.#error("unavailable", e);
  }
  /** Emits on `errors.clientTimeout` and `errors`. */
  override onClientTimeoutError(e: Error): void {
    this.#error("clientTimeout", e);
  }
  /** Emits on `errors.other` and `errors`. */
  override onOtherError(e: Error): void {
    this.#error("other", e);
  }
  /** Emits on `retries.clientTimeout` and `retries`. */
  override onClientTimeoutRetry(e: Error): void {
    this.#retry("clientTimeout", e);
  }
  /** Emits on `retries.other` and `retries`. */
  override onOtherErrorRetry(e: Error): void {
    this.#retry("other", e);
  }
  /** Emits on `retries.readTimeout` and `retries`. */
  override onReadTimeoutRetry(e: Error): void {
    this.#retry("readTimeout", e);
  }
  /** Emits on `retries.unavailable` and `retries`. */
  override onUnavailableRetry(e: Error): void {
    this.#retry("unavailable", e);
  }
  /** Emits on `retries.writeTimeout` and `retries`. */
  override onWriteTimeoutRetry(e: Error): void {
    this.#retry("writeTimeout", e);
  }
  /** Emits on `ignoredErrors`. */
  override onIgnoreError(e: Error): void {
    this.ignoredErrors.emit("increment", e);
  }
  /** Emits on `speculativeExecutions`. */
  override onSpeculativeExecution(): void {
    this.speculativeExecutions.emit("increment");
  }
  /** Emits on `responses.success`, with the latency. */
  override onSuccessfulResponse(latency: Latency): void {
    this.responses.success.emit("increment", latency);
  }
  /** Emits on `responses`, with the latency. */
  override onResponse(latency: Latency): void {
    this.responses.emit("increment", latency);
  }
}
