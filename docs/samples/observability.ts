/**
 * The samples of docs/observability.md, type-checked by `deno check docs/samples/` (not run).
 *
 * @module
 */
import {
  Client,
  combineTrackers,
  type LogEntry,
  type RequestTracker,
  slowQueryLogger,
} from "../../mod.ts";
import { openTelemetryTracker } from "../../src/otel/mod.ts";

export function withOpenTelemetry(): Client {
  // The application registers its OpenTelemetry SDK (tracer and meter providers) first.
  const client = new Client({
    contactPoints: ["10.0.0.1"],
    requestTracker: openTelemetryTracker({ captureQueryText: true }),
  });
  return client;
}

export function ownTracker(): Client {
  const latencies = new Map<string, number[]>();
  const perNode: RequestTracker = {
    onSuccess: (_req, out) => {
      const key = out.host?.address ?? "none";
      const list = latencies.get(key) ?? [];
      list.push(out.latencyMs);
      latencies.set(key, list);
    },
    onError: (req, error, out) => {
      const tried = out.attempts.map((a) => `${a.host.address}: ${a.error?.name ?? "cancelled"}`);
      console.error(`${req.kind} failed (${error.name}) after ${tried.join(", ")}: ${req.query}`);
    },
  };
  return new Client({
    contactPoints: ["10.0.0.1"],
    requestTracker: combineTrackers(perNode, slowQueryLogger({ thresholdMs: 200 })),
  });
}

export function driverLog(client: Client): () => void {
  const off = client.on("log", (e: LogEntry) => {
    if (e.level === "debug") return;
    console.log(`[cql ${e.level}] ${e.message}${e.error ? ` (${e.error.message})` : ""}`);
  });
  return off;
}
