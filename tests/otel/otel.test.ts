/**
 * The OpenTelemetry tracker (`@cql/driver/otel`) against the real node, with the SDK's in-memory
 * span exporter and a metric reader registered as the global providers: the request span and
 * its attempt spans carry the database semantic conventions' attributes, failures their status
 * code, no bound value appears anywhere, and `db.client.operation.duration` counts each request.
 */
import { metrics, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import {
  AggregationTemporality,
  DataPointType,
  type HistogramMetricData,
  MeterProvider,
  MetricReader,
} from "@opentelemetry/sdk-metrics";
import { Client, ResponseError, type RetryPolicy } from "../../mod.ts";
import { openTelemetryTracker } from "../../src/otel/mod.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { mainContact } from "../client/helpers.ts";

/** A reader collected on demand by the test. */
class TestReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(spans)],
});
trace.setGlobalTracerProvider(tracerProvider);
// Delta temporality: each collection counts what happened since the one before.
const reader = new TestReader({
  aggregationTemporalitySelector: () => AggregationTemporality.DELTA,
});
const meterProvider = new MeterProvider({ readers: [reader] });
metrics.setGlobalMeterProvider(meterProvider);

const KS = "otel_test";
const SECRET = "otel-secret-4b9e";

async function durations(): Promise<HistogramMetricData["dataPoints"]> {
  const { resourceMetrics } = await reader.collect();
  for (const scope of resourceMetrics.scopeMetrics) {
    if (scope.scope.name !== "@cql/driver") continue;
    for (const m of scope.metrics) {
      if (m.descriptor.name === "db.client.operation.duration") {
        assertEquals(m.dataPointType, DataPointType.HISTOGRAM);
        assertEquals(m.descriptor.unit, "s");
        return (m as HistogramMetricData).dataPoints;
      }
    }
  }
  return [];
}

const childrenOf = (all: ReadableSpan[], parent: ReadableSpan) =>
  all.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);

Deno.test("otel: spans and the duration histogram follow the database semantic conventions", async () => {
  // Retries server errors once on the same node, so that a failure has two attempts.
  const retry: RetryPolicy = {
    decide: ({ retries }) => retries === 0 ? { action: "retrySameHost" } : { action: "rethrow" },
  };
  const client = new Client({
    contactPoints: [await mainContact()],
    requestTracker: openTelemetryTracker(),
    retry,
  });
  try {
    await client.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await client.execute(`CREATE TABLE IF NOT EXISTS ${KS}.t (k int PRIMARY KEY, v text)`);
    await durations(); // what setting up recorded is left out of the counts below
    spans.reset();

    await client.execute(`INSERT INTO ${KS}.t (k, v) VALUES (?, ?)`, [1, SECRET], {
      consistency: "QUORUM",
    });
    const rs = await client.execute(`SELECT v FROM ${KS}.t WHERE k = ?`, [1], { pageSize: 50 });
    assertEquals(rs.first()?.v, SECRET);
    const host = client.hosts[0];

    const all = spans.getFinishedSpans();
    const requests = all.filter((s) => s.parentSpanContext === undefined);
    assertEquals(requests.map((s) => s.name), ["INSERT t", "SELECT t"]);
    const [insert, select] = requests;
    for (const s of requests) {
      assertEquals(s.kind, SpanKind.CLIENT);
      assertEquals(s.status.code, SpanStatusCode.UNSET);
      assertEquals(s.attributes["db.system.name"], "cassandra");
      assertEquals(s.attributes["db.namespace"], KS);
      assertEquals(s.attributes["db.collection.name"], "t");
      assertEquals(s.attributes["server.address"], "127.0.0.1");
      assertEquals(s.attributes["server.port"], 9042);
      assertEquals(s.attributes["cassandra.coordinator.dc"], host.datacenter);
      assertEquals(s.attributes["cassandra.coordinator.id"], host.hostId);
      assertEquals(s.attributes["cassandra.speculative_execution.count"], 0);
      const attempts = childrenOf(all, s);
      assertEquals(attempts.length, 1);
      assertEquals(attempts[0].attributes["server.address"], "127.0.0.1");
    }
    assertEquals(insert.attributes["db.operation.name"], "INSERT");
    assertEquals(insert.attributes["db.query.text"], `INSERT INTO ${KS}.t (k, v) VALUES (?, ?)`);
    assertEquals(insert.attributes["cassandra.consistency.level"], "quorum");
    assertEquals(select.attributes["db.operation.name"], "SELECT");
    assertEquals(select.attributes["cassandra.consistency.level"], "local_one");
    assertEquals(select.attributes["cassandra.page.size"], 50);
    assertEquals(select.attributes["db.response.returned_rows"], 1);

    // A failure: the server's error code, on the request span and on each attempt.
    spans.reset();
    let caught: unknown;
    try {
      await client.execute(`SELECT v FROM ${KS}.missing WHERE k = ?`, [1]);
    } catch (e) {
      caught = e;
    }
    assert(caught instanceof ResponseError, `expected a ResponseError, got ${caught}`);
    const failed = spans.getFinishedSpans();
    const root = failed.find((s) => s.parentSpanContext === undefined)!;
    assertEquals(root.name, "SELECT missing");
    assertEquals(root.status.code, SpanStatusCode.ERROR);
    assertEquals(root.attributes["db.response.status_code"], String(caught.code));
    assertEquals(root.attributes["error.type"], String(caught.code));
    assertEquals(root.events.filter((e) => e.name === "exception").length, 1);
    const tries = childrenOf(failed, root);
    assertEquals(tries.length, 2);
    for (const t of tries) assertEquals(t.status.code, SpanStatusCode.ERROR);

    // Three requests since the reset: the histogram counts them by outcome.
    const points = await durations();
    const count = (ok: boolean) =>
      points.filter((p) => (p.attributes["error.type"] === undefined) === ok)
        .reduce((n, p) => n + p.value.count, 0);
    assertEquals(count(true), 2);
    assertEquals(count(false), 1);
    for (const p of points) {
      assertEquals(p.attributes["db.system.name"], "cassandra");
      assertEquals(p.attributes["db.namespace"], KS);
      assert(p.value.min !== undefined && p.value.min >= 0 && p.value.min < 60, "seconds");
    }

    const everything = JSON.stringify([...all, ...failed].map((s) => [s.attributes, s.events]));
    assert(!everything.includes(SECRET), "a bound value reached a span");
  } finally {
    await client.close();
  }
});

Deno.test("otel: captureQueryText false leaves the statement out; batches are named by their statements", async () => {
  const client = new Client({
    contactPoints: [await mainContact()],
    requestTracker: openTelemetryTracker({ captureQueryText: false }),
  });
  try {
    await client.connect();
    spans.reset();
    await client.batch([
      { query: `INSERT INTO ${KS}.t (k, v) VALUES (?, ?)`, params: [2, "a"] },
      { query: `INSERT INTO ${KS}.t (k, v) VALUES (?, ?)`, params: [3, "b"] },
    ]);
    const [span] = spans.getFinishedSpans().filter((s) => s.parentSpanContext === undefined);
    assertEquals(span.name, "BATCH INSERT t");
    assertEquals(span.attributes["db.operation.batch.size"], 2);
    assertEquals(span.attributes["db.query.text"], undefined);
    assertEquals(span.attributes["db.namespace"], KS);
  } finally {
    await client.close();
  }
});

addEventListener("unload", () => {
  void tracerProvider.shutdown();
  void meterProvider.shutdown();
});
