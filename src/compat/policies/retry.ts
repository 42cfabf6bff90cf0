/**
 * `policies.retry`: cassandra-driver's retry policies. The built-in ones are mapped onto native
 * policies; any other subclass is adapted (see `custom.ts`): its `on*` decisions are asked and
 * followed.
 *
 * @module
 */

/** What the policy is told of the failed request. */
export interface OperationInfo {
  /** Kept for compatibility: always null. */
  handler: null;
  /** Retries made so far for this request. */
  nbRetry: number;
  /** Not known to the native retry seam: always undefined. */
  query: string | undefined;
  /** The request's options, as far as a policy reads them. */
  executionOptions: { isIdempotent(): boolean };
}

/** A policy's decision. */
export interface DecisionInfo {
  /** A `RetryPolicy.retryDecision` value. */
  decision: number;
  /** The consistency to retry at (not honoured: the request's stays). */
  consistency?: number;
  /** Retry on the same node (true) or the next one. */
  useCurrentHost?: boolean;
}

/** The retry decisions of DataStax drivers; subclass it to decide yourself. */
export class RetryPolicy {
  /** The decision values. */
  static retryDecision: { rethrow: 0; retry: 1; ignore: 2 } = { rethrow: 0, retry: 1, ignore: 2 };

  /** Not enough replicas alive: the next node once. */
  onUnavailable(
    info: OperationInfo,
    _consistency: number | undefined,
    _required: number,
    _alive: number,
  ): DecisionInfo {
    return info.nbRetry > 0 ? this.rethrowResult() : this.retryResult(undefined, false);
  }

  /** Read timeout: the same node once when enough replicas answered without the data. */
  onReadTimeout(
    info: OperationInfo,
    _consistency: number | undefined,
    received: number,
    blockFor: number,
    isDataPresent: boolean,
  ): DecisionInfo {
    if (info.nbRetry > 0) return this.rethrowResult();
    return received >= blockFor && !isDataPresent ? this.retryResult() : this.rethrowResult();
  }

  /** Write timeout: the same node once, for a batch log write only. */
  onWriteTimeout(
    info: OperationInfo,
    _consistency: number | undefined,
    _received: number,
    _blockFor: number,
    writeType: string,
  ): DecisionInfo {
    if (info.nbRetry > 0) return this.rethrowResult();
    return writeType === "BATCH_LOG" ? this.retryResult() : this.rethrowResult();
  }

  /** Client-side errors, overloaded nodes, server errors: the next node. */
  onRequestError(
    _info: OperationInfo,
    _consistency: number | undefined,
    _err: Error,
  ): DecisionInfo {
    return this.retryResult(undefined, false);
  }

  /** A retry decision (the same node unless `useCurrentHost` is false). */
  retryResult(consistency?: number, useCurrentHost?: boolean): DecisionInfo {
    return {
      decision: RetryPolicy.retryDecision.retry,
      consistency,
      useCurrentHost: useCurrentHost !== false,
    };
  }

  /** A rethrow decision. */
  rethrowResult(): DecisionInfo {
    return { decision: RetryPolicy.retryDecision.rethrow };
  }
}

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
export class FallthroughRetryPolicy extends RetryPolicy {
  /** Rethrows. */
  override onUnavailable(): DecisionInfo {
    return this.rethrowResult();
  }
  /** Rethrows. */
  override onReadTimeout(): DecisionInfo {
    return this.rethrowResult();
  }
  /** Rethrows. */
  override onWriteTimeout(): DecisionInfo {
    return this.rethrowResult();
  }
  /** Rethrows. */
  override onRequestError(): DecisionInfo {
    return this.rethrowResult();
  }
}
