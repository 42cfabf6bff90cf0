/**
 * OpenTelemetry for the driver (`@cql/driver/otel`): a request tracker that makes a span per
 * request, a child span per attempt (retries, speculative executions), and records the
 * `db.client.operation.duration` histogram, following the OpenTelemetry database semantic
 * conventions for Cassandra. `@opentelemetry/api` is a peer dependency of this entry only; spans
 * and metrics go to the providers the application registered with it (its OpenTelemetry SDK).
 *
 * @example
 * ```ts ignore
 * import { Client } from "@cql/driver";
 * import { openTelemetryTracker } from "@cql/driver/otel";
 * const client = new Client({ contactPoints, requestTracker: openTelemetryTracker() });
 * ```
 *
 * @module
 */
import {
  type Attributes,
  type Context,
  context,
  type Histogram,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type {
  AttemptRecord,
  RequestOutcome,
  RequestTracker,
  TrackedRequest,
} from "../client/tracker.ts";
import { ResponseError } from "../protocol/server-errors.ts";
import { summarize } from "./statement.ts";

/** Options of {@link openTelemetryTracker}. */
export interface OpenTelemetryTrackerOptions {
  /**
   * Record `db.query.text` (the statement with its bind markers, never the values). Default
   * true, as the conventions recommend for parameterized statements.
   */
  readonly captureQueryText?: boolean;
}

const SCOPE = "@cql/driver";
const DEFAULT_PORT = 9042;
// The conventions' bucket boundaries for db.client.operation.duration, in seconds.
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

/** Host and port of a "host:port" address (IPv6 in brackets). */
function endpoint(address: string): { host: string; port: number } {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(address);
  return m ? { host: m[1], port: Number(m[2]) } : { host: address, port: DEFAULT_PORT };
}

interface Described {
  readonly name: string;
  readonly attributes: Attributes;
}

function describe(req: TrackedRequest, captureText: boolean): Described {
  const attributes: Attributes = { "db.system.name": "cassandra" };
  let operation: string | undefined;
  let table: string | undefined;
  let keyspace = req.keyspace;
  if (req.kind === "batch") {
    const parts = req.query.split("; ").map(summarize);
    const same = parts.every((p) => p.operation === parts[0]?.operation);
    operation = same && parts[0]?.operation ? `BATCH ${parts[0].operation}` : "BATCH";
    if (parts.length > 0 && parts.every((p) => p.table === parts[0].table)) table = parts[0].table;
    keyspace = parts[0]?.keyspace ?? keyspace;
    if (req.batchSize !== undefined && req.batchSize !== 1) {
      attributes["db.operation.batch.size"] = req.batchSize;
    }
  } else {
    const s = summarize(req.query);
    operation = s.operation;
    table = s.table;
    keyspace = s.keyspace ?? keyspace;
  }
  if (operation !== undefined) attributes["db.operation.name"] = operation;
  if (table !== undefined) attributes["db.collection.name"] = table;
  if (keyspace !== undefined) attributes["db.namespace"] = keyspace;
  if (captureText) attributes["db.query.text"] = req.query;
  attributes["cassandra.consistency.level"] = req.consistency.toLowerCase();
  if (req.pageSize !== undefined) attributes["cassandra.page.size"] = req.pageSize;
  attributes["cassandra.query.idempotent"] = req.idempotent;
  // The conventions' span name: "{operation} {target}", else the operation, else the system.
  const target = table ?? keyspace;
  const name = operation === undefined
    ? "cassandra"
    : target === undefined
    ? operation
    : `${operation} ${target}`;
  return { name, attributes };
}

/** Adds the error attributes of the conventions and marks the span failed. */
function recordError(span: Span, error: Error, attributes: Attributes): void {
  if (error instanceof ResponseError) {
    attributes["db.response.status_code"] = String(error.code);
    attributes["error.type"] = String(error.code);
  } else {
    attributes["error.type"] = error.name;
  }
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

function hostAttributes(address: string): Attributes {
  const { host, port } = endpoint(address);
  return {
    "server.address": host,
    "server.port": port,
    "network.peer.address": host,
    "network.peer.port": port,
  };
}

interface Open {
  readonly span: Span;
  readonly described: Described;
}

/**
 * A request tracker for the Client's `requestTracker` option that reports every request to
 * OpenTelemetry: a `CLIENT` span per request, named as the conventions say
 * (`SELECT users`), with `db.system.name`, `db.namespace`, `db.operation.name`,
 * `db.collection.name`, `db.query.text` (never bound values), `server.address`, `server.port`,
 * `db.response.status_code` and `error.type` on failure, and the Cassandra attributes
 * (consistency level, coordinator id and data center, page size, idempotence, speculative
 * executions); a child span per attempt, with its node and its error; and the
 * `db.client.operation.duration` histogram (seconds).
 *
 * @example
 * ```ts ignore
 * const client = new Client({ contactPoints, requestTracker: openTelemetryTracker() });
 * ```
 */
export function openTelemetryTracker(options: OpenTelemetryTrackerOptions = {}): RequestTracker {
  // The global providers, as every OpenTelemetry instrumentation uses: the application's SDK
  // registers them (and a provider registered later still receives what this tracker makes).
  const tracer = trace.getTracer(SCOPE);
  const meter = metrics.getMeter(SCOPE);
  const duration: Histogram = meter.createHistogram("db.client.operation.duration", {
    description: "Duration of database client operations.",
    unit: "s",
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const captureText = options.captureQueryText ?? true;
  const open = new WeakMap<TrackedRequest, Open>();

  const finish = (req: TrackedRequest, out: RequestOutcome, error: Error | undefined) => {
    const o = open.get(req);
    if (o === undefined) return;
    open.delete(req);
    const { span, described } = o;
    const parent = trace.setSpan(context.active(), span);
    for (const a of out.attempts) attemptSpan(a, described, parent);
    const end: Attributes = {};
    if (out.host !== undefined) {
      Object.assign(end, hostAttributes(out.host.address));
      if (out.host.hostId !== undefined) end["cassandra.coordinator.id"] = out.host.hostId;
      if (out.host.datacenter !== undefined) end["cassandra.coordinator.dc"] = out.host.datacenter;
    }
    end["cassandra.speculative_execution.count"] = out.speculativeExecutions;
    if (out.rows !== undefined) end["db.response.returned_rows"] = out.rows;
    if (error !== undefined) recordError(span, error, end);
    span.setAttributes(end);
    span.end(req.startTime + out.latencyMs);
    const metric: Attributes = {};
    for (
      const k of [
        "db.system.name",
        "db.namespace",
        "db.operation.name",
        "db.collection.name",
      ]
    ) {
      if (described.attributes[k] !== undefined) metric[k] = described.attributes[k];
    }
    for (const k of ["server.address", "server.port", "db.response.status_code", "error.type"]) {
      if (end[k] !== undefined) metric[k] = end[k];
    }
    duration.record(out.latencyMs / 1000, metric);
  };

  const attemptSpan = (a: AttemptRecord, described: Described, parent: Context) => {
    const attributes: Attributes = {
      "db.system.name": "cassandra",
      ...hostAttributes(a.host.address),
    };
    if (a.host.hostId !== undefined) attributes["cassandra.coordinator.id"] = a.host.hostId;
    if (a.host.datacenter !== undefined) attributes["cassandra.coordinator.dc"] = a.host.datacenter;
    if (a.speculative) attributes["cassandra.speculative"] = true;
    const span = tracer.startSpan(
      `${described.name} attempt`,
      { kind: SpanKind.CLIENT, startTime: a.startTime, attributes },
      parent,
    );
    if (a.error !== undefined) {
      const extra: Attributes = {};
      recordError(span, a.error, extra);
      span.setAttributes(extra);
    }
    span.end(a.endTime);
  };

  return {
    onStart(req) {
      const described = describe(req, captureText);
      const span = tracer.startSpan(described.name, {
        kind: SpanKind.CLIENT,
        startTime: req.startTime,
        attributes: described.attributes,
      });
      open.set(req, { span, described });
    },
    onSuccess: (req, out) => finish(req, out, undefined),
    onError: (req, error, out) => finish(req, out, error),
  };
}

export type {
  AttemptRecord,
  RequestOutcome,
  RequestTracker,
  TrackedRequest,
} from "../client/tracker.ts";
export type { HostInfo } from "../client/policies/load-balancing.ts";
