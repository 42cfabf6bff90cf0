/**
 * `policies.reconnection`, `policies.speculativeExecution`, `policies.addressResolution` and
 * `policies.timestampGeneration`: cassandra-driver's classes, with their mapping onto the native
 * options (`nativeOthers`).
 *
 * @module
 */
import type { ClientOptions as NativeOptions } from "../../client/options.ts";
import { NotSupportedError } from "../errors.ts";
import { type Long, longFromBigInt } from "../types/long.ts";

/** Base of the reconnection policies: `newSchedule()` gives the delays between attempts. */
export class ReconnectionPolicy {
  /** An iterator of milliseconds to wait before each attempt. */
  newSchedule(): Iterator<number> {
    throw new Error("You must implement a new schedule for the Reconnection class");
  }
  /** The policy's options. */
  getOptions(): Map<string, unknown> {
    return new Map();
  }
}

/** The same delay (milliseconds) before each reconnection attempt. */
export class ConstantReconnectionPolicy extends ReconnectionPolicy {
  /** Milliseconds between attempts. */
  readonly delay: number;
  /** A policy of `delay` milliseconds. */
  constructor(delay: number) {
    super();
    this.delay = delay;
  }
  override newSchedule(): Iterator<number> {
    const value = this.delay;
    return { next: () => ({ value, done: false }) };
  }
  override getOptions(): Map<string, unknown> {
    return new Map([["delay", this.delay]]);
  }
}

/** Delays doubling from `baseDelay` up to `maxDelay` (milliseconds), with jitter. */
export class ExponentialReconnectionPolicy extends ReconnectionPolicy {
  /** The first delay. */
  readonly baseDelay: number;
  /** The longest delay. */
  readonly maxDelay: number;
  /** Whether the first attempt is immediate. */
  readonly startWithNoDelay: boolean;
  /** A policy from `baseDelay` to `maxDelay`. */
  constructor(baseDelay: number, maxDelay: number, startWithNoDelay?: boolean) {
    super();
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
    this.startWithNoDelay = !!startWithNoDelay;
  }
  /** baseDelay doubling up to maxDelay (0 first with startWithNoDelay), each +-15%. */
  override newSchedule(): Iterator<number> {
    let index = this.startWithNoDelay ? -1 : 0;
    return {
      next: () => {
        const d = index === -1
          ? 0
          : index >= 64
          ? this.maxDelay
          : Math.min(2 ** index * this.baseDelay, this.maxDelay);
        index++;
        return { value: this.#jitter(d), done: false };
      },
    };
  }
  /** Up to 15% more below the cap, up to 15% less at it, so nodes do not reconnect at once. */
  #jitter(d: number): number {
    if (d === 0) return 0;
    const spread = d * 0.15 * Math.random();
    return Math.round(d >= this.maxDelay ? d - spread : d + spread);
  }
  override getOptions(): Map<string, unknown> {
    return new Map<string, unknown>([
      ["baseDelay", this.baseDelay],
      ["maxDelay", this.maxDelay],
      ["startWithNoDelay", this.startWithNoDelay],
    ]);
  }
}

/** Base of the speculative execution policies. */
export class SpeculativeExecutionPolicy {
  /** The policy's options. */
  getOptions(): Map<string, unknown> {
    return new Map();
  }
}

/** No speculative executions (the default). */
export class NoSpeculativeExecutionPolicy extends SpeculativeExecutionPolicy {}

/**
 * After `delay` milliseconds without an answer, another execution on the next node, at most
 * `maxSpeculativeExecutions` more; idempotent statements only.
 */
export class ConstantSpeculativeExecutionPolicy extends SpeculativeExecutionPolicy {
  /** Milliseconds before each further execution. */
  readonly delay: number;
  /** Further executions at most. */
  readonly maxSpeculativeExecutions: number;
  /** A policy of `delay` and `maxSpeculativeExecutions`. */
  constructor(delay: number, maxSpeculativeExecutions: number) {
    super();
    if (!(delay >= 0)) throw new TypeError("delay must be a positive number or zero");
    if (!(maxSpeculativeExecutions > 0)) {
      throw new TypeError("maxSpeculativeExecutions must be a positive number");
    }
    this.delay = delay;
    this.maxSpeculativeExecutions = maxSpeculativeExecutions;
  }
  override getOptions(): Map<string, unknown> {
    return new Map<string, unknown>([
      ["delay", this.delay],
      ["maxSpeculativeExecutions", this.maxSpeculativeExecutions],
    ]);
  }
}

/** Translates the addresses nodes report; the default keeps them. */
export class AddressTranslator {
  /** Passes the endpoint ("address:port") to connect to; it must call back at once. */
  translate(address: string, port: number, callback: (endpoint: string) => void): void {
    callback(`${address}:${port}`);
  }
}

/**
 * EC2 multi-region address translation needs a reverse DNS lookup per node, which the native
 * translation (synchronous) cannot wait for: constructing one throws `NotSupportedError`.
 */
export class EC2MultiRegionTranslator extends AddressTranslator {
  /** Throws `NotSupportedError`. */
  constructor() {
    super();
    throw new NotSupportedError(
      "EC2MultiRegionTranslator is not supported: translate addresses with your own " +
        "AddressTranslator that calls back at once",
    );
  }
}

/** Base of the timestamp generators. */
export class TimestampGenerator {
  /**
   * The next write timestamp (microseconds, a `types.Long` or a number); null lets the server
   * choose. Hidden from the reference: see `Murmur3Token.getValue`.
   *
   * @ignore
   */
  next(_client: unknown): Long | number | null {
    return null;
  }
}

/**
 * Microsecond timestamps from the clock, strictly increasing: two in the same microsecond
 * get consecutive values, as cassandra-driver's do.
 */
export class MonotonicTimestampGenerator extends TimestampGenerator {
  #last = 0n;
  #micros = 0;
  /** Drift warnings are not emitted; the arguments are accepted. */
  constructor(_warningThreshold?: number, _minLogInterval?: number) {
    super();
  }
  /** The current time in microseconds. */
  getDate(): number {
    return Date.now();
  }
  override next(_client: unknown): Long {
    const ms = BigInt(this.getDate());
    // Microseconds within the millisecond advance per call so timestamps stay distinct.
    let t = ms * 1000n + BigInt(this.#micros = (this.#micros + 1) % 1000);
    if (t <= this.#last) t = this.#last + 1n;
    this.#last = t;
    return longFromBigInt(t);
  }
}

/** The options given: `reconnection`, `speculativeExecution`, `addressResolution`. */
export interface OtherPolicies {
  /** Reconnection. */
  reconnection?: ReconnectionPolicy;
  /** Speculative executions. */
  speculativeExecution?: SpeculativeExecutionPolicy;
  /** Address translation. */
  addressResolution?: AddressTranslator;
}

/** The native options for these policies (user subclasses of the bases are adapted). */
export function nativeOthers(p: OtherPolicies): Partial<NativeOptions> {
  const out: Partial<NativeOptions> = {};
  const r = p.reconnection;
  if (r !== undefined) {
    out.reconnection = {
      newSchedule: () => {
        const it = r.newSchedule();
        return { next: () => it.next().value ?? 1000 };
      },
    };
  }
  const s = p.speculativeExecution;
  if (s instanceof ConstantSpeculativeExecutionPolicy) {
    out.speculativeExecution = { delay: s.delay, maxExecutions: s.maxSpeculativeExecutions + 1 };
  } else if (s !== undefined && !(s instanceof NoSpeculativeExecutionPolicy)) {
    throw new NotSupportedError("custom speculative execution policies are not supported");
  }
  const a = p.addressResolution;
  if (a !== undefined && a.constructor !== AddressTranslator) {
    out.addressTranslator = {
      translate: (reported) => {
        let endpoint: string | undefined;
        a.translate(reported.host, reported.port, (e) => endpoint = e);
        if (endpoint === undefined) {
          throw new NotSupportedError("AddressTranslator.translate must call back at once");
        }
        const i = endpoint.lastIndexOf(":");
        return i < 0
          ? { host: endpoint, port: reported.port }
          : { host: endpoint.slice(0, i), port: Number(endpoint.slice(i + 1)) };
      },
    };
  }
  return out;
}
