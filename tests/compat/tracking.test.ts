/**
 * The compat request reporter: a native request's attempts replayed as cassandra-driver reports
 * them to `metrics` and `requestTracker`, one call per response. The differential suite shows
 * this on the real node for successes, server errors and retries; the cases one node cannot
 * produce (speculative executions, client timeouts, connection errors, cancelled tries) are
 * given here as the native tracker would report them.
 *
 * @module
 */
import type { HostInfo } from "../../src/client/policies/load-balancing.ts";
import type { AttemptRecord, RequestOutcome, TrackedRequest } from "../../src/client/tracker.ts";
import { ConnectionError, RequestTimeoutError } from "../../src/errors.ts";
import { CqlSyntaxError, UnavailableError } from "../../src/protocol/server-errors.ts";
import { Host } from "../../src/compat/hosts.ts";
import { ClientMetrics } from "../../src/compat/metrics.ts";
import { errors, tracker } from "../../src/compat/mod.ts";
import { ExecutionOptionsView, RequestReporter } from "../../src/compat/tracking.ts";
import { assert, assertEquals } from "../support/assert.ts";

const a: HostInfo = {
  address: "10.0.0.1:9042",
  datacenter: "dc",
  rack: "r",
  isUp: true,
  inFlight: 0,
};
const b: HostInfo = { ...a, address: "10.0.0.2:9042" };

class Recording extends ClientMetrics {
  calls: string[] = [];
  override onSuccessfulResponse(l: number[]) {
    this.calls.push(`success ${l.length}`);
  }
  override onResponse() {
    this.calls.push("response");
  }
  override onSpeculativeExecution() {
    this.calls.push("speculative");
  }
  override onUnavailableError(e: Error) {
    this.calls.push(`unavailable ${e.constructor.name}`);
  }
  override onUnavailableRetry() {
    this.calls.push("unavailable retry");
  }
  override onClientTimeoutError(e: Error) {
    this.calls.push(`clientTimeout ${e.constructor.name}`);
  }
  override onClientTimeoutRetry() {
    this.calls.push("clientTimeout retry");
  }
  override onConnectionError() {
    this.calls.push("connection");
  }
  override onOtherError(e: Error) {
    this.calls.push(`other ${e.constructor.name}`);
  }
  override onOtherErrorRetry() {
    this.calls.push("other retry");
  }
}

function setup() {
  const metrics = new Recording();
  const logger = new tracker.RequestLogger({ logNormalRequests: true, logErroredRequests: true });
  const lines: string[] = [];
  for (const k of ["normal", "failure"]) {
    logger.emitter.on(
      k,
      (m) => lines.push(`${k} ${String(m).replace(/took \d+ ms/, "took N ms")}`),
    );
  }
  const reporter = new RequestReporter(logger, metrics, (h) => new Host(h, () => h));
  return { metrics, lines, reporter, native: reporter.native() };
}

const request = (): TrackedRequest => ({
  kind: "query",
  query: "SELECT * FROM t WHERE k = ?",
  keyspace: "ks",
  consistency: "LOCAL_ONE",
  pageSize: 10,
  idempotent: true,
  startTime: 0,
});

const attempt = (host: HostInfo, start: number, end: number, more: Partial<AttemptRecord> = {}) =>
  ({ host, startTime: start, endTime: end, speculative: false, ...more }) as AttemptRecord;

const outcome = (host: HostInfo | undefined, attempts: AttemptRecord[]): RequestOutcome => ({
  host,
  latencyMs: 5,
  attempts,
  speculativeExecutions: attempts.filter((x) => x.speculative).length,
});

Deno.test("compat tracking: a retried unavailable error, then an answer", () => {
  const { metrics, lines, reporter, native } = setup();
  const req = request();
  const view = new ExecutionOptionsView(true, undefined, {});
  reporter.start({ query: req.query, params: [7], options: view }, () => {
    native.onStart!(req);
    return Promise.resolve();
  });
  const unavailable = new UnavailableError("not enough", "QUORUM", 2, 1);
  native.onSuccess!(
    req,
    outcome(b, [attempt(a, 0, 1500, { error: unavailable }), attempt(b, 1500, 1502)]),
  );
  assertEquals(metrics.calls, [
    "unavailable ResponseError",
    "response",
    "unavailable retry",
    "success 2",
    "response",
  ]);
  assertEquals(lines.length, 2);
  assert(
    lines[0].startsWith(
      "failure [10.0.0.1:9042] Request execution failed, took N ms (request size 0 bytes): " +
        "SELECT * FROM t WHERE k = ? [7]; error: ResponseError: Not enough replicas",
    ),
    lines[0],
  );
  assertEquals(
    lines[1],
    "normal [10.0.0.2:9042] Request completed normally, took N ms (request size 0 bytes / " +
      "response size 0 bytes): SELECT * FROM t WHERE k = ? [7]",
  );
});

Deno.test("compat tracking: a speculative execution wins; the cancelled try is not a response", () => {
  const { metrics, lines, native } = setup();
  const req = request();
  native.onStart!(req);
  native.onSuccess!(
    req,
    outcome(b, [attempt(a, 0, 300), attempt(b, 100, 200, { speculative: true })]),
  );
  assertEquals(metrics.calls, ["speculative", "success 2", "response"]);
  assertEquals(lines.length, 1);
  assert(lines[0].startsWith("normal [10.0.0.2:9042]"), lines[0]);
  // Unknown to the compat client (not started through it): the statement without parameters.
  assert(lines[0].endsWith("SELECT * FROM t WHERE k = ? [] (not prepared)"), lines[0]);
});

Deno.test("compat tracking: client timeout retried, then a connection error ends it", () => {
  const { metrics, lines, native } = setup();
  const req = request();
  native.onStart!(req);
  native.onError!(
    req,
    new ConnectionError(b.address, "reset"),
    outcome(b, [
      attempt(a, 0, 12000, { error: new RequestTimeoutError(a.address, 12000) }),
      attempt(b, 12000, 12001, { error: new ConnectionError(b.address, "reset") }),
    ]),
  );
  // Client-side failures are not server responses: no onResponse.
  assertEquals(metrics.calls, [
    "clientTimeout OperationTimedOutError",
    "clientTimeout retry",
    "connection",
  ]);
  assertEquals(lines.length, 2);
  assert(lines.every((l) => l.startsWith("failure ")), lines.join("\n"));
});

Deno.test("compat tracking: a syntax error is another error and a response", () => {
  const { metrics, native } = setup();
  const req = request();
  native.onStart!(req);
  const e = new CqlSyntaxError(0x2000, "line 1:0 no viable alternative");
  native.onError!(req, e, outcome(a, [attempt(a, 0, 2, { error: e })]));
  assertEquals(metrics.calls, ["other ResponseError", "response"]);
});

Deno.test("compat tracking: RequestLogger needs options", () => {
  let thrown: unknown;
  try {
    new (tracker.RequestLogger as unknown as new () => unknown)();
  } catch (e) {
    thrown = e;
  }
  assert(thrown instanceof errors.ArgumentError, String(thrown));
});
