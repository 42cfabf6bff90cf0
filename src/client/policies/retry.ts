/**
 * Retry decisions: what to do when a request fails, given what failed and whether the request
 * is safe to run twice.
 *
 * @module
 */
import { ConnectionError, RequestTimeoutError } from "../../errors.ts";
import {
  IsBootstrappingError,
  OverloadedError,
  ReadTimeoutError,
  ServerError,
  TruncateError,
  UnavailableError,
  WriteTimeoutError,
} from "../../protocol/server-errors.ts";

/** What to do with a failed attempt. */
export type RetryDecision =
  | { readonly action: "retrySameHost" }
  | { readonly action: "tryNextHost" }
  | { readonly action: "rethrow" };

/** The failed attempt, as the policy sees it. */
export interface RetryContext {
  /** The error of this attempt. */
  readonly error: Error;
  /** Whether the statement may safely be executed more than once. */
  readonly idempotent: boolean;
  /** How many retries were already made for this request. */
  readonly retries: number;
}

/**
 * Decides whether and where a failed request is tried again.
 *
 * @example
 * ```ts
 * import type { RetryPolicy } from "@cql/driver";
 * const never: RetryPolicy = { decide: () => ({ action: "rethrow" }) };
 * ```
 */
export interface RetryPolicy {
  /** Called after each failed attempt. */
  decide(context: RetryContext): RetryDecision;
}

const SAME: RetryDecision = { action: "retrySameHost" };
const NEXT: RetryDecision = { action: "tryNextHost" };
const THROW: RetryDecision = { action: "rethrow" };

/**
 * The decisions DataStax drivers make by default:
 * - read timeout: retry once on the same node when enough replicas answered but the data was
 *   not among them;
 * - write timeout: retry once only for a batch log write of an idempotent batch: the batch
 *   log write timing out means the batch was not applied yet, but a non-idempotent write is
 *   never sent twice after a timeout (it may still be replayed from the log);
 * - unavailable: try the next node once (its view of the cluster may differ);
 * - overloaded or bootstrapping node: the request did not run there, so try the next node;
 * - connection lost, request timed out, server error: try the next node only when the request
 *   is idempotent, because it may have been applied.
 */
export class DefaultRetryPolicy implements RetryPolicy {
  /** Decides per the rules above. */
  decide({ error, idempotent, retries }: RetryContext): RetryDecision {
    if (error instanceof ReadTimeoutError) {
      return retries === 0 && error.received >= error.blockFor && !error.dataPresent ? SAME : THROW;
    }
    if (error instanceof WriteTimeoutError) {
      return idempotent && retries === 0 && error.writeType === "BATCH_LOG" ? SAME : THROW;
    }
    if (error instanceof UnavailableError) return retries === 0 ? NEXT : THROW;
    if (error instanceof OverloadedError || error instanceof IsBootstrappingError) return NEXT;
    if (
      error instanceof ConnectionError || error instanceof RequestTimeoutError ||
      error instanceof ServerError || error instanceof TruncateError
    ) {
      return idempotent ? NEXT : THROW;
    }
    return THROW;
  }
}
