/**
 * `tracker`: cassandra-driver's request trackers. The client calls a tracker once per response
 * (every attempt of a request: a retried one is reported twice), with the node, the statement,
 * its parameters and the latency; `RequestLogger` turns those calls into log messages.
 *
 * @module
 */
import { ArgumentError } from "./errors.ts";
import { EventEmitter } from "./events.ts";
import type { Host } from "./hosts.ts";

/** What a tracker is told of a request's options. */
export interface TrackedExecutionOptions {
  /** Whether the statement was prepared. */
  isPrepared(): boolean;
  /** Whether a batch is logged. */
  isBatchLogged(): boolean;
  /** Whether a batch is a counter batch. */
  isBatchCounter(): boolean;
  /** Whether the statement may be retried. */
  isIdempotent(): boolean;
  /** The consistency level's code, when the request set one. */
  getConsistency(): number | undefined;
  /** Rows per page, when the request set it. */
  getFetchSize(): number | undefined;
  /** The keyspace the request named, if any. */
  getKeyspace(): string | undefined;
}

/** A batch's statements as a tracker is given them. */
export type TrackedQueries = (string | { query: string; params?: unknown })[];

/** Latency as Node's `process.hrtime()` gives it: `[seconds, nanoseconds]`. */
export type Latency = [number, number];

/** Base of the request trackers: both hooks do nothing. */
export class RequestTracker {
  /** A response that was an error (`requestLength` is not measured: always 0). */
  onError(
    _host: Host,
    _query: string | TrackedQueries,
    _parameters: unknown[] | Record<string, unknown> | null | undefined,
    _executionOptions: TrackedExecutionOptions,
    _requestLength: number,
    _err: Error,
    _latency: Latency,
  ): void {}

  /** A successful response (`requestLength` and `responseLength` are not measured: 0). */
  onSuccess(
    _host: Host,
    _query: string | TrackedQueries,
    _parameters: unknown[] | Record<string, unknown> | null | undefined,
    _executionOptions: TrackedExecutionOptions,
    _requestLength: number,
    _responseLength: number,
    _latency: Latency,
  ): void {}

  /** Called by `client.shutdown()`. */
  shutdown(): void {}
}

/** The options of {@link RequestLogger}. */
export interface RequestLoggerOptions {
  /** Milliseconds above which a successful request is logged as "slow". */
  slowThreshold?: number;
  /** Bytes above which a request is logged as "large" (sizes are not measured: never). */
  requestSizeThreshold?: number;
  /** Log every successful request ("normal"). */
  logNormalRequests?: boolean;
  /** Log every failed request ("failure"). */
  logErroredRequests?: boolean;
  /** Characters of the statement in a message. Default 500. */
  messageMaxQueryLength?: number;
  /** Characters of each parameter. Default 50. */
  messageMaxParameterValueLength?: number;
  /** Characters of the error's stack. Default 200. */
  messageMaxErrorStackTraceLength?: number;
}

const millisOf = (latency: Latency) => latency[0] * 1000 + latency[1] / 1e6;

function formatSize(length: number): string {
  return length > 1000 ? `${Math.round(length / 1024)} KB` : `${length} bytes`;
}

function sizes(requestLength: number, responseLength?: number): string {
  const req = `request size ${formatSize(requestLength)}`;
  return responseLength === undefined
    ? req
    : `${req} / response size ${formatSize(responseLength)}`;
}

function formatParam(v: unknown, max: number): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  return String(v).slice(0, max);
}

/** ` [a,b,...]` within `remaining` characters; named parameters as `name:value`. */
function parametersInfo(params: unknown, remaining: number, maxParam: number): string {
  if (remaining <= 3) return " [...]";
  if (!params) return " []";
  const named = !Array.isArray(params);
  const obj = params as Record<string, unknown>;
  const keys = named ? Object.keys(obj) : [];
  const list = named ? keys : params as unknown[];
  let out = " [";
  let i = 0;
  for (; remaining > 0 && i < list.length; i++) {
    if (i > 0) {
      out += ",";
      remaining--;
    }
    const max = Math.min(maxParam, remaining);
    let s: string;
    if (named) {
      s = keys[i].slice(0, max);
      const rest = max - s.length - 1;
      if (rest > 0) s += ":" + formatParam(obj[keys[i]], rest);
    } else {
      s = formatParam(list[i], max);
    }
    remaining -= s.length;
    out += s;
  }
  if (i < list.length) out += "...";
  return out + "]";
}

function batchInfo(
  queries: TrackedQueries,
  o: TrackedExecutionOptions,
  maxQuery: number,
  maxParam: number,
): string {
  let out = `${o.isBatchLogged() ? "LOGGED " : ""}BATCH w/ ${queries.length}${
    o.isPrepared() ? "" : " not prepared"
  } queries (`;
  let remaining = maxQuery;
  let i = 0;
  for (; i < queries.length && remaining > 0; i++) {
    const item = queries[i];
    const q = typeof item === "string" ? item : item.query;
    const params = typeof item === "string" ? undefined : item.params;
    if (i > 0) {
      out += ",";
      remaining--;
    }
    const n = Math.min(remaining, q.length);
    out += q.slice(0, n);
    remaining -= n;
    if (remaining <= 0) break;
    const p = parametersInfo(params, remaining, maxParam);
    remaining -= p.length;
    out += p;
  }
  return out + (i < queries.length ? ",...)" : ")");
}

/**
 * A tracker that emits log messages on `emitter`: "slow" for successful requests slower than
 * `slowThreshold`, "normal" for the others with `logNormalRequests`, "failure" for failed ones
 * with `logErroredRequests`. Messages name the node, the latency, the statement and its
 * parameters (cut to the configured lengths).
 */
export class RequestLogger extends RequestTracker {
  /** Where messages are emitted: "slow", "large", "normal" and "failure" events. */
  readonly emitter: EventEmitter = new EventEmitter();
  /** Log successful requests. */
  logNormalRequests: boolean;
  /** Log failed requests. */
  logErroredRequests: boolean;
  readonly #o: RequestLoggerOptions;

  /** A logger; `options` is required. */
  constructor(options: RequestLoggerOptions) {
    super();
    if (!options) throw new ArgumentError("RequestLogger options parameter is required");
    this.#o = options;
    this.logNormalRequests = !!options.logNormalRequests;
    this.logErroredRequests = !!options.logErroredRequests;
  }

  #statement(
    query: string | TrackedQueries,
    params: unknown,
    o: TrackedExecutionOptions,
  ): string {
    const maxQuery = this.#o.messageMaxQueryLength || 500;
    const maxParam = this.#o.messageMaxParameterValueLength || 50;
    if (Array.isArray(query)) return batchInfo(query, o, maxQuery, maxParam);
    let out = query.slice(0, maxQuery);
    out += parametersInfo(params, maxQuery - out.length - 1, maxParam);
    return o.isPrepared() ? out : out + " (not prepared)";
  }

  /** Logs the request as "slow" or "normal" as configured. */
  override onSuccess(
    host: Host,
    query: string | TrackedQueries,
    parameters: unknown[] | Record<string, unknown> | null | undefined,
    executionOptions: TrackedExecutionOptions,
    requestLength: number,
    responseLength: number,
    latency: Latency,
  ): void {
    const ms = millisOf(latency);
    const slow = this.#o.slowThreshold ?? 0;
    if (slow > 0 && ms > slow) {
      this.emitter.emit(
        "slow",
        `[${host.address}] Slow request, took ${Math.floor(ms)} ms (${
          sizes(requestLength, responseLength)
        }): ${this.#statement(query, parameters, executionOptions)}`,
      );
    } else if (this.logNormalRequests) {
      this.emitter.emit(
        "normal",
        `[${host.address}] Request completed normally, took ${Math.trunc(ms)} ms (${
          sizes(requestLength, responseLength)
        }): ${this.#statement(query, parameters, executionOptions)}`,
      );
    }
  }

  /** Logs the request as "failure" when configured. */
  override onError(
    host: Host,
    query: string | TrackedQueries,
    parameters: unknown[] | Record<string, unknown> | null | undefined,
    executionOptions: TrackedExecutionOptions,
    requestLength: number,
    err: Error,
    latency: Latency,
  ): void {
    if (!this.logErroredRequests) return;
    const stack = String(err.stack ?? `${err.name}: ${err.message}`)
      .slice(0, this.#o.messageMaxErrorStackTraceLength || 200);
    this.emitter.emit(
      "failure",
      `[${host.address}] Request execution failed, took ${Math.trunc(millisOf(latency))} ms (${
        sizes(requestLength)
      }): ${this.#statement(query, parameters, executionOptions)}; error: ${stack}`,
    );
  }
}
