/**
 * The boundary without a server: cassandra-driver's options onto native ones, native errors onto
 * cassandra-driver's classes, execution options, policies and the event emitter.
 *
 * @module
 */
import { toNativeOptions } from "../../src/compat/options.ts";
import { toCompatError } from "../../src/compat/errors.ts";
import { batchOptionsOf, resolveOptions } from "../../src/compat/exec-options.ts";
import { nativeLoadBalancing, nativeRetry } from "../../src/compat/policies/native.ts";
import {
  type AdaptedLoadBalancingPolicy,
  AdaptedRetryPolicy,
} from "../../src/compat/policies/custom.ts";
import { ExecutionProfile, ProfileManager } from "../../src/compat/profiles.ts";
import { auth, errors, EventEmitter, policies, types } from "../../src/compat/mod.ts";
import { toNativeAuthProvider } from "../../src/compat/auth.ts";
import { NoHostAvailableError, RequestTimeoutError } from "../../src/errors.ts";
import {
  AuthenticationError,
  CqlSyntaxError,
  ReadTimeoutError,
  UnavailableError,
  WriteTimeoutError,
} from "../../src/protocol/server-errors.ts";
import { ProtocolError } from "../../src/protocol/errors.ts";
import { TokenAwarePolicy } from "../../src/client/policies/token-aware.ts";
import { AllowListPolicy } from "../../src/client/policies/allow-list.ts";
import { DefaultRetryPolicy } from "../../src/client/policies/retry.ts";
import { assert, assertEquals, assertThrows } from "../support/assert.ts";

Deno.test("compat options map onto the native ones", () => {
  const o = toNativeOptions({
    contactPoints: ["10.0.0.1", "10.0.0.2:9043", "::1", "[::2]:9044"],
    localDataCenter: "dc1",
    keyspace: "ks",
    credentials: { username: "u", password: "p" },
    protocolOptions: { port: 9999, maxVersion: 4, maxSchemaAgreementWaitSeconds: 3 },
    socketOptions: { connectTimeout: 1000, readTimeout: 2000 },
    pooling: { coreConnectionsPerHost: { [types.distance.local]: 3 }, heartBeatInterval: 500 },
    queryOptions: { consistency: types.consistencies.quorum, fetchSize: 100 },
    sslOptions: { ca: ["CA"], rejectUnauthorized: false },
    isMetadataSyncEnabled: false,
  });
  assertEquals(o.contactPoints, ["10.0.0.1:9999", "10.0.0.2:9043", "[::1]:9999", "[::2]:9044"]);
  assertEquals(o.protocolVersion, 4);
  assertEquals(o.maxSchemaAgreementWait, 3000);
  assertEquals(o.connectTimeout, 1000);
  assertEquals(o.requestTimeout, 2000);
  assertEquals(o.connectionsPerHost, 3);
  assertEquals(o.heartbeatInterval, 500);
  assertEquals(o.consistency, 4);
  assertEquals(o.pageSize, 100);
  assertEquals(o.schemaMetadata, false);
  assertEquals(o.credentials, { username: "u", password: "p" });
  assertEquals(o.tls, {
    ca: ["CA"],
    cert: undefined,
    key: undefined,
    serverName: undefined,
    checkServerIdentity: false,
  });
  assertEquals(toNativeOptions({ contactPoints: ["h"], sslOptions: {} }).tls, true);
  assertThrows(() => toNativeOptions({ contactPoints: [] }), TypeError, "Contacts points");
  assertThrows(
    () => toNativeOptions({ contactPoints: ["h"], protocolOptions: { maxVersion: 3 } }),
    errors.NotSupportedError,
  );
  assertThrows(
    () => toNativeOptions({ contactPoints: ["h"], credentials: { username: "u" } as never }),
    TypeError,
    "credentials",
  );
});

Deno.test("compat maps native errors onto cassandra-driver's", () => {
  const syntax = toCompatError(new CqlSyntaxError(0x2000, "bad"), "SELEC");
  assert(syntax instanceof errors.ResponseError && syntax instanceof errors.DriverError);
  assertEquals([syntax.code, syntax.message, syntax.query, syntax.name], [
    0x2000,
    "bad",
    "SELEC",
    "ResponseError",
  ]);
  const un = toCompatError(new UnavailableError("x", "QUORUM", 2, 1)) as errors.ResponseError;
  assertEquals([un.consistencies, un.required, un.alive], [4, 2, 1]);
  assertEquals(
    un.message,
    "Not enough replicas available for query at consistency QUORUM (2 required but only 1 alive)",
  );
  const rt = toCompatError(new ReadTimeoutError("x", "ONE", 0, 1, false)) as errors.ResponseError;
  assertEquals(
    rt.message,
    "Server timeout during read query at consistency ONE (0 replica(s) responded over 1 required)",
  );
  const wt = toCompatError(new WriteTimeoutError("x", "ONE", 0, 1, "BATCH_LOG"));
  assert(wt.message.startsWith("Server timeout during batchlog write"), wt.message);
  const auth1 = toCompatError(new AuthenticationError(0x100, "Bad credentials"));
  assert(auth1 instanceof errors.AuthenticationError);
  assertEquals((auth1 as errors.AuthenticationError).additionalInfo?.code, 0x100);
  const nh = toCompatError(
    new NoHostAvailableError(new Map([["h:1", new RequestTimeoutError("h:1", 50)]])),
  ) as errors.NoHostAvailableError;
  assert(nh instanceof errors.NoHostAvailableError);
  assert(nh.innerErrors!["h:1"] instanceof errors.OperationTimedOutError);
  assertEquals((nh.innerErrors!["h:1"] as errors.OperationTimedOutError).host, "h:1");
  assert(nh.message.startsWith("All host(s) tried for query failed. First host tried, h:1: "));
  assert(toCompatError(new ProtocolError("garbage")) instanceof errors.DriverInternalError);
  const t = new TypeError("plain");
  assertEquals(toCompatError(t), t);
  // The native one, by shape (its class may not be exported by every version of src/errors.ts).
  const nativeBusy = Object.assign(new Error("busy"), {
    name: "BusyConnectionError",
    address: "h:2",
    maxRequestsPerConnection: 4,
    connections: 2,
  });
  const mapped = toCompatError(nativeBusy);
  assert(mapped instanceof errors.BusyConnectionError);
  assertEquals(
    mapped.message,
    "All connections to host h:2 are busy, 4 requests are in-flight on each connection",
  );
  const busy = new errors.BusyConnectionError("h:1", 2048, 1);
  assertEquals(
    busy.message,
    "All connections to host h:1 are busy, 2048 requests are in-flight on a single connection",
  );
});

Deno.test("compat execution options", () => {
  const r = resolveOptions({
    prepare: true,
    fetchSize: 10,
    pageState: "0a0b",
    consistency: types.consistencies.localQuorum,
    timestamp: types.Long.fromNumber(5),
    routingKey: [Uint8Array.of(1), Uint8Array.of(2, 3)],
    traceQuery: true,
    isIdempotent: true,
    readTimeout: 0,
    autoPage: true,
  }, { consistency: types.consistencies.one, fetchSize: 99 });
  assertEquals(r.prepare, true);
  assertEquals(r.autoPage, true);
  assertEquals(r.native.pageSize, 10);
  assertEquals([...r.native.pagingState!], [10, 11]);
  assertEquals(r.native.consistency, 6);
  assertEquals(r.native.timestamp, 5n);
  assertEquals([...r.native.routingKey!], [0, 1, 1, 0, 0, 2, 2, 3, 0]);
  assertEquals(r.native.tracing, true);
  assertEquals(r.native.idempotent, true);
  assertEquals(r.native.timeout, 0);
  const d = resolveOptions(undefined, { fetchSize: 99 });
  assertEquals([d.prepare, d.autoPage, d.native.pageSize], [false, false, 99]);
  assertEquals(batchOptionsOf(d, { logged: false }).type, "unlogged");
  assertEquals(batchOptionsOf(d, { counter: true }).type, "counter");
  assertEquals(batchOptionsOf(d, {}).type, "logged");
  // Profiles: the request's own options first, then its profile's, then queryOptions.
  const pm = new ProfileManager([
    new ExecutionProfile("default", { consistency: 6 }),
    new ExecutionProfile("p", { consistency: 1, readTimeout: 70 }),
  ]);
  assertEquals(resolveOptions(undefined, { consistency: 4 }, pm).native.consistency, 6);
  const p = resolveOptions({ executionProfile: "p" }, { readTimeout: 9 }, pm);
  assertEquals([p.native.consistency, p.native.timeout], [1, 70]);
  assertEquals(
    resolveOptions({ executionProfile: "p", consistency: 2 }, {}, pm).native.consistency,
    2,
  );
  assertThrows(() => resolveOptions({ executionProfile: "x" }, {}, pm), errors.ArgumentError);
});

Deno.test("compat policies map onto native ones; custom subclasses are adapted", () => {
  const lb = policies.loadBalancing;
  assert(
    nativeLoadBalancing(new lb.TokenAwarePolicy(new lb.DCAwareRoundRobinPolicy()), "dc1") instanceof
      TokenAwarePolicy,
  );
  assert(
    nativeLoadBalancing(
      new lb.AllowListPolicy(new lb.RoundRobinPolicy(), ["h:1"]),
      undefined,
    ) instanceof
      AllowListPolicy,
  );
  assert(
    nativeLoadBalancing(policies.defaultLoadBalancingPolicy(), "dc1") instanceof TokenAwarePolicy,
  );
  class Mine extends lb.LoadBalancingPolicy {}
  const adapters: AdaptedLoadBalancingPolicy[] = [];
  const mine = nativeLoadBalancing(new lb.TokenAwarePolicy(new Mine()), undefined, adapters);
  assert(mine instanceof TokenAwarePolicy);
  assertEquals(adapters.length, 1);
  class MyRetry extends policies.retry.RetryPolicy {}
  assert(nativeRetry(new MyRetry()) instanceof AdaptedRetryPolicy);
  // The "default" profile's retry policy is the client's when `policies` names none.
  const viaProfile = toNativeOptions({
    contactPoints: ["h"],
    profiles: [new ExecutionProfile("default", { retry: new MyRetry() })],
  });
  assert(viaProfile.retry instanceof AdaptedRetryPolicy);
  assert(nativeRetry(policies.defaultRetryPolicy()) instanceof DefaultRetryPolicy);
  const fall = nativeRetry(new policies.retry.FallthroughRetryPolicy());
  const ctx = { error: new Error("x"), idempotent: true, retries: 0 };
  assertEquals(fall.decide(ctx), { action: "rethrow" });
  const idem = nativeRetry(new policies.retry.IdempotenceAwareRetryPolicy());
  assertEquals(idem.decide({ ...ctx, idempotent: false }), { action: "rethrow" });
  assertEquals(idem.decide(ctx), new DefaultRetryPolicy().decide(ctx));
});

Deno.test("compat auth: PlainTextAuthProvider and a user's own Authenticator", async () => {
  const p = toNativeAuthProvider(new auth.PlainTextAuthProvider("ab", "cd"));
  const a = p.newAuthenticator("h:1", "org.apache.cassandra.auth.PasswordAuthenticator");
  assertEquals([...(await a.initialResponse())!], [0, 97, 98, 0, 99, 100]);
  const seen: string[] = [];
  class Echo extends auth.Authenticator {
    override initialResponse(cb: auth.AuthCallback) {
      cb(null, Uint8Array.of(1));
    }
    override evaluateChallenge(c: Uint8Array | null, cb: auth.AuthCallback) {
      seen.push(`challenge ${c?.[0]}`);
      cb(null, Uint8Array.of(c![0] + 1));
    }
    override onAuthenticationSuccess() {
      seen.push("success");
    }
  }
  class EchoProvider extends auth.AuthProvider {
    override newAuthenticator(endpoint: string, name: string) {
      seen.push(`${endpoint} ${name}`);
      return new Echo();
    }
  }
  const e = toNativeAuthProvider(new EchoProvider()).newAuthenticator("h:2", "X");
  assertEquals([...(await e.initialResponse())!], [1]);
  assertEquals([...(await e.evaluateChallenge(Uint8Array.of(5)))!], [6]);
  e.onSuccess?.(null);
  assertEquals(seen, ["h:2 X", "challenge 5", "success"]);
});

Deno.test("compat EventEmitter", () => {
  const em = new EventEmitter();
  const got: string[] = [];
  const l = (x: string) => got.push(`on ${x}`);
  em.on("a", l).once("a", (x: string) => got.push(`once ${x}`));
  assertEquals(em.emit("a", "1"), true);
  em.emit("a", "2");
  em.off("a", l);
  assertEquals(em.emit("a", "3"), false);
  assertEquals(got, ["on 1", "once 1", "on 2"]);
  assertThrows(() => em.emit("error", new Error("boom")), Error, "boom");
  assertEquals(em.listenerCount("a"), 0);
});
