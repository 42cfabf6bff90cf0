/**
 * The samples of docs/errors-and-retries.md, type-checked by `deno check docs/samples/` (not
 * run).
 *
 * @module
 */
import {
  AbortError,
  AlreadyExistsError,
  BusyConnectionError,
  Client,
  ClosedError,
  ConnectionError,
  DefaultRetryPolicy,
  NoHostAvailableError,
  ReadTimeoutError,
  RequestTimeoutError,
  ResponseError,
  type RetryContext,
  type RetryDecision,
  type RetryPolicy,
  UnavailableError,
  WriteTimeoutError,
} from "../../mod.ts";

export async function handle(client: Client, id: string): Promise<void> {
  try {
    await client.execute("SELECT * FROM app.users WHERE id = ?", [id]);
  } catch (e) {
    if (e instanceof UnavailableError) {
      console.error(`${e.alive} of ${e.required} replicas alive at ${e.consistency}`);
    } else if (e instanceof ReadTimeoutError) {
      console.error(`${e.received}/${e.blockFor} answered, data present: ${e.dataPresent}`);
    } else if (e instanceof ResponseError) {
      console.error(`server error 0x${e.code.toString(16)}: ${e.message}`);
    } else if (e instanceof NoHostAvailableError) {
      for (const [address, error] of e.errors) console.error(address, error.message);
    } else if (e instanceof RequestTimeoutError) {
      console.error(`${e.address} did not answer within ${e.timeoutMs} ms`);
    } else if (e instanceof ConnectionError) {
      console.error(`${e.address}: connection lost with the request on it`, e.cause);
    } else if (e instanceof AbortError) {
      console.error("cancelled:", e.cause);
    } else {
      throw e; // a TypeError for bad arguments, a ProtocolError, ClosedError
    }
  }
}

export async function createOnce(client: Client): Promise<void> {
  try {
    await client.execute("CREATE TABLE app.t (k text PRIMARY KEY)");
  } catch (e) {
    if (!(e instanceof AlreadyExistsError)) throw e;
  }
}

export async function idempotent(client: Client, id: string, name: string): Promise<void> {
  // Safe to run twice: on a timeout or a lost connection it moves on to the next node.
  await client.execute("UPDATE app.users SET name = ? WHERE id = ?", [name, id], {
    idempotent: true,
  });
  // Not idempotent (a counter): it is never sent to a second node after a timeout.
  await client.execute("UPDATE app.visits SET n = n + 1 WHERE id = ?", [id]);
}

export async function timeouts(client: Client): Promise<void> {
  await client.execute("SELECT * FROM app.big LIMIT 10", [], { timeout: 2_000 }); // per attempt
  await client.execute("SELECT * FROM app.big LIMIT 10", [], {
    signal: AbortSignal.timeout(5_000), // the whole request, retries included
  });
}

export async function triedHosts(client: Client): Promise<void> {
  const rs = await client.execute("SELECT * FROM app.users LIMIT 1", [], { idempotent: true });
  // The nodes that failed before one answered, with their errors.
  for (const [address, error] of rs.info.triedHosts) console.warn(address, error.name);
}

export function hedged(): Client {
  return new Client({
    contactPoints: ["10.0.0.1"],
    localDataCenter: "dc1",
    // Or { percentile: 99, maxExecutions: 2 }: the delay follows recent latencies.
    speculativeExecution: { delay: 100, maxExecutions: 3 },
  });
}

export async function speculate(client: Client, id: string): Promise<void> {
  // Only idempotent requests speculate.
  const rs = await client.execute("SELECT * FROM app.users WHERE id = ?", [id], {
    idempotent: true,
  });
  console.log(`answered by ${rs.info.queriedHost}, ${rs.info.speculativeExecutions} extra`);
}

/** Never retries. */
export const noRetries: RetryPolicy = { decide: () => ({ action: "rethrow" }) };

/** The default's decisions, and one more: an idempotent write that timed out runs once more. */
export class IdempotentWriteRetryPolicy implements RetryPolicy {
  readonly #default = new DefaultRetryPolicy();

  decide(context: RetryContext): RetryDecision {
    const { error, idempotent, retries } = context;
    if (error instanceof WriteTimeoutError && idempotent && retries === 0) {
      return { action: "retrySameHost" };
    }
    return this.#default.decide(context);
  }
}

/** One request without retries, whatever the client's policy. */
export async function auditDay(client: Client, day: string): Promise<void> {
  await client.execute("SELECT * FROM ks.audit WHERE day = ?", [day], { retry: noRetries });
}

export async function backOffWhenBusy(client: Client, id: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      await client.execute("SELECT * FROM app.users WHERE id = ?", [id]);
      return;
    } catch (e) {
      const busy = e instanceof NoHostAvailableError && e.errors.size > 0 &&
        [...e.errors.values()].every((x) => x instanceof BusyConnectionError);
      if (!busy || attempt === 3) throw e;
      // Nothing was sent: every node had its connections full and its queue too.
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
}

export function bounded(): Client {
  return new Client({
    contactPoints: ["10.0.0.1"],
    localDataCenter: "dc1",
    maxRequestsPerConnection: 2048, // the default: in flight on each connection
    maxQueuedRequestsPerHost: 8192, // the default: waiting per node beyond that; 0: none
    closeTimeout: 5_000, // the default: how long close() lets requests finish
  });
}

export async function shutdown(client: Client): Promise<void> {
  await client.close(); // requests issued before it finish, within closeTimeout
  try {
    await client.execute("SELECT now() FROM system.local");
  } catch (e) {
    if (!(e instanceof ClosedError)) throw e; // every request after close() rejects so
  }
}
