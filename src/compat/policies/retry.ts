/**
 * `policies.retry`: cassandra-driver's retry policies, mapped onto native ones by the client.
 *
 * @module
 */

/** The retry decisions of DataStax drivers. Users' own subclasses are not adapted yet. */
export class RetryPolicy {}

/**
 * A non-idempotent statement is not retried after a write timeout or a client-side error (it
 * may have been applied); everything else is the child policy's decision.
 */
export class IdempotenceAwareRetryPolicy extends RetryPolicy {
  /** The policy deciding the rest. */
  readonly childPolicy: RetryPolicy | undefined;
  /** Wraps `childPolicy` (the default policy when absent). */
  constructor(childPolicy?: RetryPolicy) {
    super();
    this.childPolicy = childPolicy;
  }
}

/** Never retries. */
export class FallthroughRetryPolicy extends RetryPolicy {}
