/**
 * Execution options of mapper calls: what the caller gave (an object, or a profile name) turned
 * into the compat client's options. Only options that are set are passed, so the client's
 * `queryOptions` defaults still apply to the rest.
 *
 * @module
 */
import type { ExecutionOptions } from "../exec-options.ts";
import type { Long } from "../types/long.ts";

/** The options of a mapper execution, or the name of an execution profile. */
export type MappingExecutionOptions = string | {
  /** The execution profile. */
  executionProfile?: string;
  /** Whether the statement may be retried (default: derived from the statement). */
  isIdempotent?: boolean;
  /** Batches: whether to use the batch log (default true). */
  logged?: boolean;
  /** The write timestamp, in microseconds since the epoch. */
  timestamp?: number | Long;
  /** Rows per page (SELECT). */
  fetchSize?: number;
  /** Where to resume paging (SELECT): a `Result.pageState`. */
  pageState?: string | Uint8Array;
};

function common(o: MappingExecutionOptions | null | undefined): ExecutionOptions {
  const out: ExecutionOptions = { prepare: true };
  if (typeof o === "string") out.executionProfile = o;
  else if (o !== null && o !== undefined) {
    if (o.executionProfile !== undefined) out.executionProfile = o.executionProfile;
    if (o.timestamp !== undefined) out.timestamp = o.timestamp;
  }
  return out;
}

/** Options of an INSERT, UPDATE or DELETE; `isIdempotent` unless the caller says otherwise. */
export function mutationOptions(
  o: MappingExecutionOptions | null | undefined,
  isIdempotent: boolean,
): ExecutionOptions {
  const out = common(o);
  out.isIdempotent = typeof o === "object" && o?.isIdempotent !== undefined
    ? o.isIdempotent
    : isIdempotent;
  return out;
}

/** Options of a SELECT (idempotent when `select`) or of a `mapWithQuery` statement. */
export function queryOptions(
  o: MappingExecutionOptions | null | undefined,
  select = false,
): ExecutionOptions {
  const out = common(o);
  if (typeof o === "object" && o !== null) {
    if (o.fetchSize !== undefined) out.fetchSize = o.fetchSize;
    if (o.pageState !== undefined) out.pageState = o.pageState;
    if (o.isIdempotent !== undefined) out.isIdempotent = o.isIdempotent;
  }
  if (select) out.isIdempotent = true;
  return out;
}

/** Options of a mapper batch. */
export function batchOptions(
  o: MappingExecutionOptions | null | undefined,
  isIdempotent: boolean,
  isCounter: boolean,
): ExecutionOptions {
  const out = mutationOptions(o, isIdempotent);
  if (typeof o === "object" && o !== null) out.logged = o.logged !== false;
  if (isCounter) out.counter = true;
  return out;
}
