/**
 * Reads a request's trace (`system_traces.sessions` and `.events`) once the server has finished
 * writing it. Tracing is written asynchronously after the response, so a trace read right away is
 * usually incomplete: the session's `duration` is set last, and is what we wait for.
 *
 * @module
 */
import type { SchemaQuery, SchemaRow } from "./loader.ts";

/** One event of a trace: a step some node took for the request. */
export interface TraceEvent {
  /** The event id (a timeuuid). */
  readonly eventId: string;
  /** When it happened, from the event id. */
  readonly timestamp: Date;
  /** What happened. */
  readonly activity: string;
  /** The node it happened on. */
  readonly source: string;
  /** That node's storage port, when the server records it (4.0+). */
  readonly sourcePort: number | null;
  /** Microseconds since that node began working on the request. */
  readonly sourceElapsed: number;
  /** The server thread. */
  readonly thread: string;
}

/** A complete trace of one request. */
export interface QueryTrace {
  /** The tracing session id, as in `ResultSet.tracingId`. */
  readonly id: string;
  /** The coordinator's address. */
  readonly coordinator: string;
  /** The coordinator's storage port, when recorded (4.0+). */
  readonly coordinatorPort: number | null;
  /** Microseconds the coordinator spent on the request. */
  readonly duration: number;
  /** Request parameters: query, consistency level, page size, ... */
  readonly parameters: Readonly<Record<string, string>>;
  /** The kind of request, e.g. "Execute CQL3 query". */
  readonly request: string;
  /** `QUERY`, `REPAIR`, ..., when recorded. */
  readonly command: string | null;
  /** When the coordinator started. */
  readonly startedAt: Date;
  /** The client's address. */
  readonly client: string;
  /** The events, oldest first. */
  readonly events: readonly TraceEvent[];
}

/** Thrown when a trace is still incomplete (or absent) after the allowed wait. */
export class TraceNotReadyError extends Error {
  /** The tracing session id. */
  readonly tracingId: string;
  /** How long we waited, in milliseconds. */
  readonly waitedMs: number;

  /** An error for `tracingId`. */
  constructor(tracingId: string, waitedMs: number) {
    super(`trace ${tracingId} was not complete after ${waitedMs} ms`);
    this.name = "TraceNotReadyError";
    this.tracingId = tracingId;
    this.waitedMs = waitedMs;
  }
}

/** How {@link fetchTrace} waits. */
export interface FetchTraceOptions {
  /** Longest total wait for the session to complete, in ms (default 2000). */
  readonly maxWaitMs?: number;
  /** Pause between two reads of the session, in ms (default 100). */
  readonly pollIntervalMs?: number;
  /** Cancels the wait (the query in flight completes, its result is dropped). */
  readonly signal?: AbortSignal;
}

// 100 ns intervals between the Gregorian epoch of UUID v1 (1582-10-15) and the Unix epoch.
const GREGORIAN_OFFSET = 0x01b21dd213814000n;

/** The time of a v1 (time-based) uuid, to the millisecond. */
export function timeuuidDate(id: string): Date {
  const h = id.replaceAll("-", "");
  if (!/^[0-9a-fA-F]{32}$/.test(h)) throw new TypeError(`not a uuid: ${id}`);
  const ticks = (BigInt(`0x${h.slice(12, 16)}`) & 0x0fffn) << 48n |
    BigInt(`0x${h.slice(8, 12)}`) << 32n | BigInt(`0x${h.slice(0, 8)}`);
  return new Date(Number((ticks - GREGORIAN_OFFSET) / 10_000n));
}

function text(row: SchemaRow, key: string): string {
  const v = row[key];
  return v === null || v === undefined ? "" : String(v);
}

function intOrNull(row: SchemaRow, key: string): number | null {
  const v = row[key];
  return typeof v === "number" ? v : null;
}

function record(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v instanceof Map) { for (const [k, x] of v) out[String(k)] = String(x); }
  else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) out[k] = String(x);
  }
  return out;
}

function eventOf(row: SchemaRow): TraceEvent {
  const eventId = text(row, "event_id");
  return {
    eventId,
    timestamp: timeuuidDate(eventId),
    activity: text(row, "activity"),
    source: text(row, "source"),
    sourcePort: intOrNull(row, "source_port"),
    sourceElapsed: intOrNull(row, "source_elapsed") ?? 0,
    thread: text(row, "thread"),
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Reads the trace `tracingId` (a request's `ResultSet.tracingId`), polling the session until its
 * `duration` is set, for at most `maxWaitMs` (then {@link TraceNotReadyError}). Query errors are
 * not retried: they say something is wrong beyond a trace that is late.
 *
 * @example
 * ```ts ignore
 * const rs = await client.execute("SELECT * FROM t WHERE k = ?", [k], { tracing: true });
 * const trace = await fetchTrace(query, rs.tracingId!);
 * for (const e of trace.events) console.log(e.sourceElapsed, e.activity);
 * ```
 */
export async function fetchTrace(
  query: SchemaQuery,
  tracingId: string,
  options: FetchTraceOptions = {},
): Promise<QueryTrace> {
  const maxWait = options.maxWaitMs ?? 2_000;
  const interval = options.pollIntervalMs ?? 100;
  const start = Date.now();
  for (;;) {
    options.signal?.throwIfAborted();
    const sessions = await query(
      "SELECT * FROM system_traces.sessions WHERE session_id = ?",
      [tracingId],
    );
    const s = sessions[0];
    if (s !== undefined && typeof s.duration === "number") {
      const events = await query(
        "SELECT * FROM system_traces.events WHERE session_id = ?",
        [tracingId],
      );
      const started = s.started_at;
      return {
        id: tracingId,
        coordinator: text(s, "coordinator"),
        coordinatorPort: intOrNull(s, "coordinator_port"),
        duration: s.duration,
        parameters: record(s.parameters),
        request: text(s, "request"),
        command: s.command === null || s.command === undefined ? null : String(s.command),
        startedAt: started instanceof Date ? started : timeuuidDate(tracingId),
        client: text(s, "client"),
        // Clustered by event_id, a timeuuid: the server returns them in time order.
        events: events.map(eventOf),
      };
    }
    const waited = Date.now() - start;
    if (waited >= maxWait) throw new TraceNotReadyError(tracingId, waited);
    await sleep(Math.min(interval, maxWait - waited), options.signal);
  }
}
