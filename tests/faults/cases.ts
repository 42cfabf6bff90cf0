/**
 * The fault table: one row per fault the proxy injects on node 1 (the first node of every query
 * plan), with what the driver promises to do about it. Rows are data so that every protocol and
 * compression combination runs the same promises (see faults.test.ts).
 */
import {
  ConnectionError,
  IsBootstrappingError,
  OverloadedError,
  ReadFailureError,
  ReadTimeoutError,
  RequestTimeoutError,
  ServerError,
  TruncateError,
  UnavailableError,
  WriteTimeoutError,
} from "../../mod.ts";
import type { Condition, Reaction, WriteType } from "../support/cql-proxy.ts";

/** An error class a case expects (constructor, for `instanceof`). */
// deno-lint-ignore no-explicit-any
export type ErrorClass = abstract new (...args: any[]) => Error;

/** How a case ends for the caller. */
export type Outcome =
  /** Answered by node `by` (1-based) after failing on `tried`, in order. */
  | { readonly ok: true; readonly by: number; readonly tried: readonly [number, ErrorClass][] }
  /** Rejected with `error`. */
  | { readonly ok: false; readonly error: ErrorClass };

/** One row of the table. */
export interface FaultCase {
  readonly name: string;
  /**
   * A prepared SELECT of system.local, a prepared INSERT into the test table, or a batch of two
   * such INSERTs.
   */
  readonly statement: "read" | "write" | "logged batch" | "unlogged batch";
  readonly idempotent: boolean;
  /** The rule's condition, besides the statement tag every case adds. Default: node 1, requests. */
  readonly when?: Omit<Condition, "statement" | "node">;
  /** The rule reacts on every node, not only on node 1. */
  readonly everyNode?: boolean;
  readonly then: Reaction;
  readonly expect: Outcome;
  /** Requests carrying the statement the proxies saw, over every node (the retries made). */
  readonly attempts: number;
  /** Only on these combinations (the slow ones: each costs a request timeout). */
  readonly slow?: boolean;
}

const RT = { code: "readTimeout", consistency: "QUORUM", received: 2, blockFor: 2 } as const;
const WRITE_TYPES: readonly WriteType[] = [
  "SIMPLE",
  "BATCH",
  "BATCH_LOG",
  "UNLOGGED_BATCH",
  "COUNTER",
  "CAS",
  "VIEW",
  "CDC",
];
/** Every request of the case on node 1 (the default node). */
const ALWAYS = {} as const;
/** The first request of the case on node 1 only. */
const ONCE = { times: 1 } as const;

/** WriteTimeout of each write type, idempotent and not: only an idempotent batch log is retried. */
function writeTimeouts(): FaultCase[] {
  const out: FaultCase[] = [];
  for (const writeType of WRITE_TYPES) {
    for (const idempotent of [true, false]) {
      const retried = idempotent && writeType === "BATCH_LOG";
      out.push({
        name: `WriteTimeout ${writeType} ${idempotent ? "idempotent" : "non-idempotent"}`,
        statement: writeType === "UNLOGGED_BATCH"
          ? "unlogged batch"
          : writeType === "BATCH" || writeType === "BATCH_LOG"
          ? "logged batch"
          : "write",
        idempotent,
        when: ONCE,
        then: {
          kind: "error",
          error: {
            code: "writeTimeout",
            consistency: "QUORUM",
            received: 1,
            blockFor: 2,
            writeType,
          },
        },
        expect: retried
          ? { ok: true, by: 1, tried: [[1, WriteTimeoutError]] }
          : { ok: false, error: WriteTimeoutError },
        attempts: retried ? 2 : 1,
      });
    }
  }
  return out;
}

/** Server errors answered in node 1's place. */
const SERVER_ERRORS: readonly FaultCase[] = [
  {
    name: "Overloaded -> next node",
    statement: "write",
    idempotent: false,
    when: ALWAYS,
    then: { kind: "error", error: { code: "overloaded" } },
    expect: { ok: true, by: 2, tried: [[1, OverloadedError]] },
    attempts: 2,
  },
  {
    name: "IsBootstrapping -> next node",
    statement: "write",
    idempotent: false,
    when: ALWAYS,
    then: { kind: "error", error: { code: "isBootstrapping" } },
    expect: { ok: true, by: 2, tried: [[1, IsBootstrappingError]] },
    attempts: 2,
  },
  {
    name: "Unavailable -> next node",
    statement: "read",
    idempotent: false,
    when: ALWAYS,
    then: {
      kind: "error",
      error: { code: "unavailable", consistency: "QUORUM", required: 2, alive: 1 },
    },
    expect: { ok: true, by: 2, tried: [[1, UnavailableError]] },
    attempts: 2,
  },
  {
    name: "Unavailable everywhere -> next node once, then rethrown",
    statement: "read",
    idempotent: true,
    everyNode: true,
    then: {
      kind: "error",
      error: { code: "unavailable", consistency: "QUORUM", required: 2, alive: 1 },
    },
    expect: { ok: false, error: UnavailableError },
    attempts: 2,
  },
  {
    name: "ReadTimeout enough replicas, no data -> same node once",
    statement: "read",
    idempotent: false,
    when: ONCE,
    then: { kind: "error", error: { ...RT, dataPresent: false } },
    expect: { ok: true, by: 1, tried: [[1, ReadTimeoutError]] },
    attempts: 2,
  },
  {
    name: "ReadTimeout no data, twice -> rethrown after one retry",
    statement: "read",
    idempotent: true,
    when: ALWAYS,
    then: { kind: "error", error: { ...RT, dataPresent: false } },
    expect: { ok: false, error: ReadTimeoutError },
    attempts: 2,
  },
  {
    name: "ReadTimeout data present -> rethrown",
    statement: "read",
    idempotent: true,
    when: ONCE,
    then: { kind: "error", error: { ...RT, dataPresent: true } },
    expect: { ok: false, error: ReadTimeoutError },
    attempts: 1,
  },
  {
    name: "ReadTimeout not enough replicas -> rethrown",
    statement: "read",
    idempotent: true,
    when: ONCE,
    then: { kind: "error", error: { ...RT, received: 1, dataPresent: false } },
    expect: { ok: false, error: ReadTimeoutError },
    attempts: 1,
  },
  ...writeTimeouts(),
  {
    name: "ReadFailure -> rethrown (replicas failed: no retry helps)",
    statement: "read",
    idempotent: true,
    when: ONCE,
    then: {
      kind: "error",
      error: {
        code: "readFailure",
        consistency: "QUORUM",
        received: 1,
        blockFor: 2,
        failures: [{ address: "127.0.0.102", reason: 1 }],
        dataPresent: false,
      },
    },
    expect: { ok: false, error: ReadFailureError },
    attempts: 1,
  },
  {
    name: "ServerError idempotent -> next node",
    statement: "write",
    idempotent: true,
    when: ONCE,
    then: { kind: "error", error: { code: "serverError" } },
    expect: { ok: true, by: 2, tried: [[1, ServerError]] },
    attempts: 2,
  },
  {
    name: "ServerError non-idempotent -> rethrown",
    statement: "write",
    idempotent: false,
    when: ONCE,
    then: { kind: "error", error: { code: "serverError" } },
    expect: { ok: false, error: ServerError },
    attempts: 1,
  },
  {
    name: "TruncateError idempotent -> next node",
    statement: "write",
    idempotent: true,
    when: ONCE,
    then: { kind: "error", error: { code: "truncateError" } },
    expect: { ok: true, by: 2, tried: [[1, TruncateError]] },
    attempts: 2,
  },
  {
    name: "TruncateError non-idempotent -> rethrown",
    statement: "write",
    idempotent: false,
    when: ONCE,
    then: { kind: "error", error: { code: "truncateError" } },
    expect: { ok: false, error: TruncateError },
    attempts: 1,
  },
  {
    name: "Unprepared -> re-prepared on the node, then succeeds there",
    statement: "write",
    idempotent: false,
    when: ONCE,
    then: { kind: "error", error: { code: "unprepared" } },
    expect: { ok: true, by: 1, tried: [] },
    attempts: 2,
  },
];

/** Network faults on node 1. */
const NETWORK: readonly FaultCase[] = [
  {
    name: "delay 200 ms -> answered by the node",
    statement: "read",
    idempotent: false,
    when: ONCE,
    then: { kind: "delay", ms: 200 },
    expect: { ok: true, by: 1, tried: [] },
    attempts: 1,
  },
  {
    name: "response sliced in 5-byte packets -> answered",
    statement: "read",
    idempotent: false,
    when: { ...ONCE, direction: "response" },
    then: { kind: "slice", size: 5 },
    expect: { ok: true, by: 1, tried: [] },
    attempts: 1,
  },
  {
    name: "request sliced in 3-byte packets -> answered",
    statement: "write",
    idempotent: false,
    when: ONCE,
    then: { kind: "slice", size: 3 },
    expect: { ok: true, by: 1, tried: [] },
    attempts: 1,
  },
  {
    name: "drop idempotent -> client timeout, next node",
    statement: "read",
    idempotent: true,
    when: ONCE,
    then: { kind: "drop" },
    expect: { ok: true, by: 2, tried: [[1, RequestTimeoutError]] },
    attempts: 2,
    slow: true,
  },
  {
    name: "drop non-idempotent -> RequestTimeoutError, never re-sent",
    statement: "write",
    idempotent: false,
    when: ONCE,
    then: { kind: "drop" },
    expect: { ok: false, error: RequestTimeoutError },
    attempts: 1,
    slow: true,
  },
  {
    name: "black hole idempotent -> client timeout, next node",
    statement: "read",
    idempotent: true,
    when: ONCE,
    then: { kind: "blackhole" },
    expect: { ok: true, by: 2, tried: [[1, RequestTimeoutError]] },
    attempts: 2,
    slow: true,
  },
  ...(["fin", "rst"] as const).flatMap((how): FaultCase[] =>
    [false, true].flatMap((midFrame): FaultCase[] => {
      const where = midFrame ? " mid-frame" : "";
      return [
        {
          name: `cut ${how}${where} idempotent -> next node`,
          statement: "read",
          idempotent: true,
          when: ONCE,
          then: { kind: "cut", how, midFrame },
          expect: { ok: true, by: 2, tried: [[1, ConnectionError]] },
          attempts: 2,
        },
        {
          name: `cut ${how}${where} non-idempotent -> ConnectionError, never re-sent`,
          statement: "write",
          idempotent: false,
          when: ONCE,
          then: { kind: "cut", how, midFrame },
          expect: { ok: false, error: ConnectionError },
          attempts: 1,
        },
      ];
    })
  ),
  {
    name: "response cut mid-frame idempotent -> next node",
    statement: "read",
    idempotent: true,
    when: { ...ONCE, direction: "response" },
    then: { kind: "cut", how: "fin", midFrame: true },
    expect: { ok: true, by: 2, tried: [[1, ConnectionError]] },
    attempts: 2,
  },
  {
    name: "response header corrupted idempotent -> next node",
    statement: "read",
    idempotent: true,
    when: { ...ONCE, direction: "response" },
    then: { kind: "corrupt", offset: 0 },
    expect: { ok: true, by: 2, tried: [[1, ConnectionError]] },
    attempts: 2,
  },
  {
    name: "response corrupted non-idempotent -> ConnectionError, never re-sent",
    statement: "write",
    idempotent: false,
    when: { ...ONCE, direction: "response" },
    then: { kind: "corrupt", offset: 0 },
    expect: { ok: false, error: ConnectionError },
    attempts: 1,
  },
];

/** Every row. */
export const CASES: readonly FaultCase[] = [...SERVER_ERRORS, ...NETWORK];
