// deno-lint-ignore-file no-explicit-any
/**
 * The third differential program: execution profiles, metadata getters, client state, users'
 * own retry and load-balancing policies, `concurrent.executeConcurrent`, custom payloads,
 * `tracker.RequestLogger` and `metrics`, written against cassandra-driver's API.
 *
 * @module
 */
import { describe, describeError } from "./describe.ts";
import type { Run } from "./program.ts";

const B = (globalThis as any).Buffer;

/** A RequestLogger message without what differs run to run (latency, frame sizes, stacks). */
function normLogger(m: string): string {
  return m.replace(/took \d+ ms/g, "took N ms")
    .replace(/\((?:request size [^)]*)\)/g, "(sizes)")
    .replace(/(; error: [^\n]*)[\s\S]*$/, "$1");
}

/** Runs the program; returns its transcript. */
export async function programCluster(run: Run): Promise<string[]> {
  const c = run.cassandra;
  const out: string[] = [];
  const log = (s: string) => out.push(s.split(run.keyspace).join("KS"));
  const cl = c.types.consistencies;
  const logger = new c.tracker.RequestLogger({
    slowThreshold: 60000,
    logNormalRequests: true,
    logErroredRequests: true,
  });
  let tracking = false;
  for (const kind of ["normal", "failure", "slow", "large"]) {
    logger.emitter.on(kind, (m: string) => {
      if (tracking) log(`logger ${kind} ${normLogger(m)}`);
    });
  }
  const metrics = new c.metrics.DefaultMetrics();
  const counts: Record<string, number> = {};
  const count = (name: string, em: any) =>
    em.on("increment", () => {
      if (tracking) counts[name] = (counts[name] ?? 0) + 1;
    });
  count("errors", metrics.errors);
  count("errors.other", metrics.errors.other);
  count("errors.unavailable", metrics.errors.unavailable);
  count("retries", metrics.retries);
  count("retries.unavailable", metrics.retries.unavailable);
  count("responses", metrics.responses);
  count("responses.success", metrics.responses.success);
  count("ignored", metrics.ignoredErrors);

  const retryCalls: string[] = [];
  class CountingRetry extends c.policies.retry.RetryPolicy {
    onUnavailable(info: any, consistency: number, required: number, alive: number) {
      retryCalls.push(
        `onUnavailable nbRetry=${info.nbRetry} cl=${consistency} required=${required} alive=${alive} idempotent=${!!info
          .executionOptions.isIdempotent()}`,
      );
      if (info.nbRetry === 0) return this.retryResult(undefined, true);
      return consistency === cl.all ? this.rethrowResult() : { decision: 2 };
    }
  }
  const lbCalls: string[] = [];
  class FirstHostPolicy extends c.policies.loadBalancing.LoadBalancingPolicy {
    init(client: any, hosts: any, callback: (err?: Error | null) => void) {
      lbCalls.push(`init hosts=${hosts.length} client=${client === lbClient}`);
      super.init(client, hosts, callback);
    }
    getDistance() {
      return c.types.distance.local;
    }
    newQueryPlan(keyspace: string, _o: unknown, callback: any) {
      lbCalls.push(`plan ks=${keyspace}`);
      callback(null, this.hosts.values()[Symbol.iterator]());
    }
  }
  // A profile's own policies: asked for its requests, not the client's.
  const ownCalls: string[] = [];
  class ProfileRetry extends c.policies.retry.RetryPolicy {
    onUnavailable(info: any, consistency: number) {
      ownCalls.push(`retry onUnavailable nbRetry=${info.nbRetry} cl=${consistency}`);
      return this.rethrowResult();
    }
  }
  class ProfileHosts extends c.policies.loadBalancing.LoadBalancingPolicy {
    init(client: any, hosts: any, callback: (err?: Error | null) => void) {
      ownCalls.push(`lb init hosts=${hosts.length}`);
      super.init(client, hosts, callback);
    }
    getDistance() {
      return c.types.distance.local;
    }
    newQueryPlan(keyspace: string, _o: unknown, callback: any) {
      ownCalls.push(`lb plan ks=${keyspace}`);
      callback(null, this.hosts.values()[Symbol.iterator]());
    }
  }
  const own = new c.ExecutionProfile("own", {
    retry: new ProfileRetry(),
    loadBalancing: new ProfileHosts(),
  });
  const fast = new c.ExecutionProfile("fast", { consistency: cl.one, readTimeout: 4000 });
  const strict = new c.ExecutionProfile("strict", { consistency: cl.all });
  const client = new c.Client({
    contactPoints: [run.contact],
    localDataCenter: "datacenter1",
    profiles: [
      new c.ExecutionProfile("default", { consistency: cl.localQuorum }),
      fast,
      strict,
      own,
    ],
    policies: { retry: new CountingRetry() },
    pooling: { coreConnectionsPerHost: { [c.types.distance.local]: 2 } },
    requestTracker: logger,
    metrics,
  });
  await client.connect();
  const ks = run.keyspace;
  log(`metrics is ours ${client.metrics === metrics}`);
  await client.execute(
    `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  await client.execute(
    `CREATE KEYSPACE ${ks}_rf3 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3} AND durable_writes = false`,
  );
  await client.execute(`CREATE TYPE ${ks}.point (x int, y frozen<list<text>>)`);
  await client.execute(
    `CREATE TABLE ${ks}.t (p int, c text, v text, pt frozen<point>, PRIMARY KEY (p, c))
     WITH CLUSTERING ORDER BY (c DESC) AND comment = 'the table' AND default_time_to_live = 100`,
  );
  await client.execute(`CREATE INDEX t_v ON ${ks}.t (v)`);
  await client.execute(`CREATE TABLE ${ks}_rf3.u (k int PRIMARY KEY, v int)`);

  // Profiles: the default profile's consistency, a named one, a profile object.
  const prof = async (label: string, options: any) => {
    const rs = await client.execute("SELECT key FROM system.local", [], options);
    log(`profile ${label} cl=${rs.info.achievedConsistency}`);
  };
  await prof("none", {});
  await prof("fast", { executionProfile: "fast" });
  await prof("object", { executionProfile: strict });
  await prof("fast+own", { executionProfile: "fast", consistency: cl.localOne });
  await client.execute("SELECT key FROM system.local", [], { executionProfile: "nope" }).catch((
    e: unknown,
  ) => log(`unknown profile ${describeError(e)}`));

  // Metadata getters.
  await client.metadata.refreshKeyspaces();
  for (const name of [ks, `${ks}_rf3`]) {
    const k = client.metadata.keyspaces[name];
    log(
      `keyspace ${k?.name} durable=${k?.durableWrites} strategy=${k?.strategy} options=${
        describe(k?.strategyOptions)
      } virtual=${k?.virtual}`,
    );
  }
  log(`system keyspace ${describe(client.metadata.keyspaces.system?.strategy)}`);
  const table = await client.metadata.getTable(ks, "t");
  log(
    `table ${table.name} columns=${
      table.columns.map((x: any) => `${x.name}:${x.type.code}`).join(",")
    } pk=${table.partitionKeys.map((x: any) => x.name)} ck=${
      table.clusteringKeys.map((x: any) => x.name)
    } order=${table.clusteringOrder} comment=${table.comment} ttl=${table.defaultTtl} gc=${table.gcGraceSeconds} virtual=${table.virtual} compact=${table.isCompact}`,
  );
  log(
    `  pt type=${
      describe(table.columnsByName.pt.type.info?.name)
    } code=${table.columnsByName.pt.type.code}`,
  );
  log(`  indexes=${table.indexes.map((i: any) => `${i.name}:${i.target}`)}`);
  log(`missing table ${await client.metadata.getTable(ks, "nosuch")}`);
  const udt = await client.metadata.getUdt(ks, "point");
  log(
    `udt ${udt.name} fields=${
      udt.fields.map((f: any) => `${f.name}:${f.type.code}/${f.type.info?.code}`).join(",")
    }`,
  );
  log(`missing udt ${await client.metadata.getUdt(ks, "nosuch")}`);
  log(`missing view ${await client.metadata.getMaterializedView(ks, "nosuch")}`);
  await new Promise<void>((resolve) => {
    client.metadata.getTable(ks, "t", (err: any, t: any) => {
      log(`getTable cb err=${err} name=${t?.name}`);
      resolve();
    });
  });
  const traced = await client.execute(`SELECT * FROM ${ks}.t WHERE p = 1`, [], {
    traceQuery: true,
  });
  const trace = await client.metadata.getTrace(traced.info.traceId);
  log(
    `trace request=${trace.requestType} coordinator=${trace.coordinator?.constructor.name}:${trace.coordinator} client=${trace.clientAddress?.constructor.name} duration=${typeof trace
      .duration} started=${trace.startedAt?.constructor.name} events>0=${
      trace.events.length > 0
    } query=${trace.parameters.query}`,
  );
  const ev = trace.events[0];
  log(
    `  event id=${ev.id?.constructor.name} source=${ev.source?.constructor.name} elapsed=${typeof ev
      .elapsed} activity=${typeof ev.activity} thread=${typeof ev.thread}`,
  );
  const key = B.from([0, 0, 0, 1]);
  log(`replicas ${client.metadata.getReplicas(ks, key).map((h: any) => h.address)}`);
  log(`client replicas ${client.getReplicas(`${ks}_rf3`, key).map((h: any) => h.address)}`);
  const ranges = [...client.metadata.getTokenRanges()];
  log(
    `token ranges ${ranges.length} ${ranges.map((r: any) => r.toString()).join(" ")} ${
      ranges[0].start.constructor.name
    }`,
  );
  log(`schema agreement ${await client.metadata.checkSchemaAgreement()}`);

  // State.
  const state = client.getState();
  const host = state.getConnectedHosts()[0];
  log(
    `state hosts=${state.getConnectedHosts().map((h: any) => h.address)} open=${
      state.getOpenConnections(host)
    } inFlight=${state.getInFlightQueries(host)} ${state}`,
  );

  // A retry policy of the user's: asked, and obeyed.
  await client.execute(`INSERT INTO ${ks}_rf3.u (k, v) VALUES (1, 1)`, [], {
    consistency: cl.all,
  }).then(() => log("unavailable?"), (e: unknown) => log(`unavailable ${describeError(e)}`));
  log(`retry calls ${retryCalls.join(" | ")}`);
  retryCalls.length = 0;
  const ignored = await client.execute(`INSERT INTO ${ks}_rf3.u (k, v) VALUES (2, 2)`, [], {
    consistency: cl.quorum,
    isIdempotent: true,
  }).then((rs: any) => `rowLength=${rs.rowLength} rows=${describe(rs.rows)}`, describeError);
  log(`ignored ${ignored} ${retryCalls.join(" | ")}`);
  retryCalls.length = 0;
  await client.execute(`INSERT INTO ${ks}_rf3.u (k, v) VALUES (5, 5)`, [], {
    consistency: cl.all,
    executionProfile: "own",
  }).then(() => log("unavailable?"), (e: unknown) => log(`own profile ${describeError(e)}`));
  log(`own profile calls ${ownCalls.join(" | ")}; client retry ${retryCalls.join(" | ")}`);

  // Custom payload: Cassandra ignores it without a custom query handler.
  const payload = await client.execute("SELECT key FROM system.local", [], {
    customPayload: { k1: B.from("v1") },
  });
  log(`custom payload sent rowLength=${payload.rowLength} back=${payload.info.customPayload}`);

  // The request tracker and metrics: each request, attempt by attempt.
  tracking = true;
  await client.execute(`INSERT INTO ${ks}.t (p, c, v) VALUES (?, ?, ?)`, [1, "a", "x"], {
    prepare: true,
  });
  await client.execute(`SELECT v FROM ${ks}.t WHERE p = :p`, { p: 1 }, { prepare: true });
  await client.execute(`SELECT v FROM ${ks}.t WHERE p = 1`);
  await client.execute("SELEC oops").catch(() => {});
  await client.batch([
    { query: `INSERT INTO ${ks}.t (p, c, v) VALUES (?, ?, ?)`, params: [2, "b", "y"] },
    `INSERT INTO ${ks}.t (p, c) VALUES (3, 'c')`,
  ], { prepare: true });
  await client.batch([`INSERT INTO ${ks}.t (p, c) VALUES (4, 'd')`], { logged: false });
  await client.execute(`INSERT INTO ${ks}_rf3.u (k, v) VALUES (3, 3)`, [], {
    consistency: cl.all,
  }).catch(() => {});
  tracking = false;
  log(`metrics ${JSON.stringify(Object.entries(counts).sort())}`);
  await client.shutdown();

  // A load-balancing policy of the user's: init on connect, a plan per request.
  const lbClient = new c.Client({
    contactPoints: [run.contact],
    localDataCenter: "datacenter1",
    policies: { loadBalancing: new FirstHostPolicy() },
  });
  await lbClient.connect();
  const lbRs = await lbClient.execute(`SELECT * FROM ${ks}.t WHERE p = 1`);
  log(
    `custom lb rows=${lbRs.rowLength} host=${lbRs.info.queriedHost} init=${
      lbCalls.filter((x) => x.startsWith("init"))
    } planned=${lbCalls.some((x) => x.startsWith("plan"))}`,
  );
  await lbClient.shutdown();

  // executeConcurrent: parameter arrays, a stream of them, and statements.
  const cc = new c.Client({ contactPoints: [run.contact], localDataCenter: "datacenter1" });
  const ins = `INSERT INTO ${ks}.t (p, c, v) VALUES (?, ?, ?)`;
  const params = Array.from({ length: 40 }, (_, i) => [10 + (i % 4), `c${i}`, `v${i}`]);
  const g1 = await c.concurrent.executeConcurrent(cc, ins, params, { concurrencyLevel: 5 });
  log(`concurrent array total=${g1.totalExecuted} errors=${g1.errors.length}`);
  try {
    log(`  resultItems ${g1.resultItems}`);
  } catch (e) {
    log(`  resultItems ${describeError(e)}`);
  }
  const bad = [[20, "a", "x"], ["nope", "b", "y"], [21, "c", "z"], [22, "d", 5]];
  const g2 = await c.concurrent.executeConcurrent(cc, ins, bad, {
    raiseOnFirstError: false,
    collectResults: true,
    concurrencyLevel: 2,
  });
  log(
    `concurrent errors total=${g2.totalExecuted} errors=${
      g2.errors.map((e: any) => e.constructor.name)
    } items=${g2.resultItems.map((r: any) => r.constructor.name)}`,
  );
  await c.concurrent.executeConcurrent(cc, ins, bad, { concurrencyLevel: 1 }).then(
    () => log("raised?"),
    // The class and the statement: encoding messages are the native driver's own.
    (e: any) => log(`concurrent raise ${e.constructor.name} query=${e.query}`),
  );
  // A variable specifier: Node's types are not part of the check.
  const streamModule = "node:stream";
  const { Readable } = await import(streamModule);
  const g3 = await c.concurrent.executeConcurrent(
    cc,
    ins,
    Readable.from(Array.from({ length: 12 }, (_, i) => [30, `s${i}`, "st"])),
    { concurrencyLevel: 3 },
  );
  log(`concurrent stream total=${g3.totalExecuted} errors=${g3.errors.length}`);
  const g4 = await c.concurrent.executeConcurrent(cc, [
    { query: `INSERT INTO ${ks}.t (p, c, v) VALUES (?, ?, ?)`, params: [40, "q", "1"] },
    { query: `UPDATE ${ks}.t SET v = ? WHERE p = ? AND c = ?`, params: ["2", 40, "q"] },
  ], { collectResults: true });
  log(`concurrent queries total=${g4.totalExecuted} items=${g4.resultItems.length}`);
  const counted = await cc.execute(
    `SELECT COUNT(*) AS n FROM ${ks}.t WHERE p IN (10, 11, 12, 13, 20, 21, 30, 40)`,
  );
  const v40 = await cc.execute(`SELECT v FROM ${ks}.t WHERE p = 40`);
  log(`concurrent wrote ${describe(counted.first().n)} v40=${v40.first().v}`);
  for (const badArgs of [[null, ins, []], [cc, ins, 5], [cc, 5]]) {
    try {
      await (c.concurrent.executeConcurrent as any)(...badArgs);
      log("no error?");
    } catch (e) {
      log(`concurrent bad args ${describeError(e)}`);
    }
  }
  await cc.shutdown();
  return out;
}
