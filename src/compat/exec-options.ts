/**
 * Execution options of one request, as cassandra-driver takes them, merged with the client's
 * `queryOptions` and mapped onto the native `ExecuteOptions`/`BatchOptions`.
 *
 * @module
 */
import type { BatchOptions, ExecuteOptions } from "../client/request-options.ts";
import type { ConsistencyLevel } from "../protocol/requests.ts";
import { fromHex } from "./buffer.ts";
import { ArgumentError } from "./errors.ts";
import type { TypeHint } from "./convert-in.ts";
import type { QueryOptions } from "./options.ts";
import type { ExecutionProfile, ProfileManager } from "./profiles.ts";
import { bigIntFromLong, Long } from "./types/long.ts";

/** Options of `execute`, `eachRow`, `stream` and `batch`. */
export type ExecutionOptions = Omit<QueryOptions, "executionProfile"> & {
  /** The profile of the request: its name or the profile itself. Default "default". */
  executionProfile?: string | ExecutionProfile;
};

/** What the compat client needs of one request's options. */
export interface Resolved {
  readonly prepare: boolean;
  readonly autoPage: boolean;
  readonly hints: readonly TypeHint[] | Readonly<Record<string, TypeHint>> | undefined;
  readonly native: ExecuteOptions;
}

/** The bytes of a routing key: one component as is, several in the composite layout. */
function routingKeyOf(k: Uint8Array | Uint8Array[] | undefined): Uint8Array | undefined {
  if (k === undefined || k === null) return undefined;
  if (!Array.isArray(k)) return k;
  if (k.length === 1) return k[0];
  const total = k.reduce((n, c) => n + c.length + 3, 0);
  const out = new Uint8Array(total);
  let p = 0;
  for (const c of k) {
    out[p++] = (c.length >> 8) & 0xff;
    out[p++] = c.length & 0xff;
    out.set(c, p);
    p += c.length + 1;
  }
  return out;
}

function timestampOf(t: unknown): bigint | undefined {
  if (t === undefined || t === null) return undefined;
  if (typeof t === "number") return BigInt(Math.trunc(t));
  if (typeof t === "bigint") return t;
  if (t instanceof Long) return bigIntFromLong(t);
  throw new ArgumentError("timestamp must be a Number or a Long");
}

/**
 * Merges `options` over the client defaults and maps them: a request's own consistency, serial
 * consistency and read timeout come first, then its profile's, then the client's.
 */
export function resolveOptions(
  options: ExecutionOptions | null | undefined,
  defaults: QueryOptions,
  profiles?: ProfileManager,
): Resolved {
  if (options !== null && options !== undefined && typeof options !== "object") {
    throw new ArgumentError("Options must be an object");
  }
  const form = commonForm(options);
  if (form < 0) return resolveFully(options, defaults, profiles);
  // Most requests pass no options or `{ prepare: true }`: resolved once per client and flag, as
  // long as the defaults and default profile read the same (the merge was 5% of a request's CPU).
  const profile = profiles?.get(defaults.executionProfile);
  let c = commonOptions.get(defaults);
  if (c === undefined || c.profile !== profile || !sameInputs(c.inputs, defaults, profile)) {
    c = { profile, inputs: inputsOf(defaults, profile), resolved: [] };
    commonOptions.set(defaults, c);
  }
  return c.resolved[form] ??= freeze(resolveFully(COMMON[form], defaults, profiles));
}

// The common forms, by the index commonForm gives them.
const COMMON = [undefined, { prepare: false }, { prepare: true }] as const;

/** What resolves the common options of one client: see {@link resolveOptions}. */
interface CommonOptions {
  profile: ExecutionProfile | undefined;
  inputs: unknown[];
  resolved: (Resolved | undefined)[];
}

const commonOptions = new WeakMap<QueryOptions, CommonOptions>();

/** Every default and profile setting resolveFully reads, in a fixed order. */
function inputsOf(d: QueryOptions, p: ExecutionProfile | undefined): unknown[] {
  return [
    d.fetchSize,
    d.pageState,
    d.consistency,
    d.serialConsistency,
    d.timestamp,
    d.isIdempotent,
    d.readTimeout,
    d.traceQuery,
    d.routingKey,
    d.customPayload,
    d.autoPage,
    d.hints,
    d.executionProfile,
    d.prepare,
    p?.consistency,
    p?.serialConsistency,
    p?.readTimeout,
  ];
}

// Named reads, not a loop over key names: a keyed read per setting cost more than the merge.
function sameInputs(i: unknown[], d: QueryOptions, p: ExecutionProfile | undefined): boolean {
  return i[0] === d.fetchSize && i[1] === d.pageState && i[2] === d.consistency &&
    i[3] === d.serialConsistency && i[4] === d.timestamp && i[5] === d.isIdempotent &&
    i[6] === d.readTimeout && i[7] === d.traceQuery && i[8] === d.routingKey &&
    i[9] === d.customPayload && i[10] === d.autoPage && i[11] === d.hints &&
    i[12] === d.executionProfile && i[13] === d.prepare && i[14] === p?.consistency &&
    i[15] === p?.serialConsistency && i[16] === p?.readTimeout;
}

/**
 * Which of the common forms `options` is: 0 no options, 1 `{ prepare: false }` (or undefined),
 * 2 `{ prepare: true }`; -1 when it sets anything else.
 */
function commonForm(options: ExecutionOptions | null | undefined): number {
  if (options === null || options === undefined) return 0;
  let form = 0;
  for (const k in options) {
    if (k !== "prepare") return -1;
    form = options.prepare ? 2 : 1;
  }
  return form;
}

function freeze(r: Resolved): Resolved {
  Object.freeze(r.native);
  return Object.freeze(r);
}

function resolveFully(
  options: ExecutionOptions | null | undefined,
  defaults: QueryOptions,
  profiles?: ProfileManager,
): Resolved {
  const raw: ExecutionOptions = options ?? {};
  const profile = profiles?.get(raw.executionProfile ?? defaults.executionProfile);
  const o: ExecutionOptions = options || profile ? { ...defaults, ...options } : defaults;
  if (profile !== undefined) {
    o.consistency = raw.consistency ?? profile.consistency ?? defaults.consistency;
    o.serialConsistency = raw.serialConsistency ?? profile.serialConsistency ??
      defaults.serialConsistency;
    o.readTimeout = raw.readTimeout ?? profile.readTimeout ?? defaults.readTimeout;
  }
  // Only the options that are set: most requests set one or two.
  const native: ExecuteOptions = { prepare: !!o.prepare };
  if (o.fetchSize !== undefined) native.pageSize = o.fetchSize;
  const state = o.pageState;
  if (state !== undefined && state !== null) {
    native.pagingState = typeof state === "string" ? fromHex(state) : state;
  }
  if (o.consistency !== undefined) native.consistency = o.consistency as ConsistencyLevel;
  if (o.serialConsistency !== undefined) {
    native.serialConsistency = o.serialConsistency as ConsistencyLevel;
  }
  if (o.timestamp !== undefined && o.timestamp !== null) {
    native.timestamp = timestampOf(o.timestamp);
  }
  if (o.isIdempotent !== undefined) native.idempotent = o.isIdempotent;
  if (options?.keyspace !== undefined) native.keyspace = options.keyspace;
  if (o.readTimeout !== undefined) native.timeout = o.readTimeout;
  if (o.traceQuery) native.tracing = true;
  if (o.routingKey !== undefined && o.routingKey !== null) {
    native.routingKey = routingKeyOf(o.routingKey);
  }
  if (o.customPayload !== undefined) native.customPayload = o.customPayload;
  const own = profile === undefined ? undefined : profiles?.nativePolicies(profile);
  if (own?.loadBalancing !== undefined) native.loadBalancing = own.loadBalancing;
  if (own?.retry !== undefined) native.retry = own.retry;
  return {
    prepare: !!o.prepare,
    autoPage: !!o.autoPage,
    hints: o.hints as Resolved["hints"],
    native,
  };
}

/** The native batch options: `logged` (default true) and `counter` pick the type. */
export function batchOptionsOf(r: Resolved, options: ExecutionOptions): BatchOptions {
  const { pageSize: _p, pagingState: _s, ...rest } = r.native;
  const type = options.counter ? "counter" : options.logged === false ? "unlogged" : "logged";
  return { ...rest, type };
}
