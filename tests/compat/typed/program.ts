/**
 * A program written against cassandra-driver 4.10.0's declarations (`index.d.ts`): the type test
 * checks it as is, then with the import changed to the compat entry. It is only type-checked,
 * never run. (This environment has no Node type declarations, so cassandra-driver's
 * `EventEmitter` and `Buffer` types are unresolved there: events and buffers are not checked.)
 *
 * @module
 */
import cassandra, {
  auth,
  Client,
  concurrent,
  errors,
  ExecutionProfile,
  type metadata,
  metrics,
  policies,
  tracker,
  types,
} from "cassandra-driver";

class MyRetry extends policies.retry.RetryPolicy {
  override onUnavailable(
    info: policies.retry.OperationInfo,
    consistency: types.consistencies,
    required: number,
  ): policies.retry.DecisionInfo {
    // (cassandra-driver declares `alive` a boolean; it is a number: it is left out here.)
    if (info.nbRetry > 0 || required > 3) return this.rethrowResult();
    return this.retryResult(consistency, false);
  }
}

class MyBalancing extends policies.loadBalancing.LoadBalancingPolicy {
  known: cassandra.Host[] = [];
  override init(client: Client, hosts: cassandra.HostMap, callback: cassandra.EmptyCallback): void {
    void client;
    this.known = hosts.values();
    callback(null as unknown as Error);
  }
  override newQueryPlan(
    keyspace: string,
    executionOptions: unknown,
    callback: (error: Error, iterator: Iterator<cassandra.Host>) => void,
  ): void {
    void keyspace;
    void executionOptions;
    callback(null as unknown as Error, this.known[Symbol.iterator]());
  }
  override getDistance(host: cassandra.Host): types.distance {
    return host.datacenter === "datacenter1" ? types.distance.local : types.distance.ignored;
  }
}

class Counting extends metrics.DefaultMetrics {
  ok = 0;
  override onSuccessfulResponse(latency: number[]): void {
    this.ok += latency.length;
  }
}

/** Uses the API as cassandra-driver's documentation shows it. */
export async function main(): Promise<void> {
  const logger = new tracker.RequestLogger({ slowThreshold: 100, logErroredRequests: true });
  const fast = new ExecutionProfile("fast", {
    consistency: types.consistencies.one,
    readTimeout: 1000,
    retry: new policies.retry.IdempotenceAwareRetryPolicy(new MyRetry()),
  });
  const client = new Client({
    contactPoints: ["127.0.0.1:9042"],
    localDataCenter: "datacenter1",
    keyspace: "ks",
    credentials: { username: "u", password: "p" },
    authProvider: new auth.PlainTextAuthProvider("u", "p"),
    protocolOptions: { port: 9042, maxSchemaAgreementWaitSeconds: 5 },
    socketOptions: { connectTimeout: 5000, readTimeout: 12000 },
    pooling: { coreConnectionsPerHost: { [types.distance.local]: 2 } },
    queryOptions: { consistency: types.consistencies.localQuorum, fetchSize: 100, prepare: true },
    policies: {
      loadBalancing: new policies.loadBalancing.TokenAwarePolicy(
        new policies.loadBalancing.DCAwareRoundRobinPolicy("datacenter1"),
      ),
      retry: new MyRetry(),
      reconnection: new policies.reconnection.ExponentialReconnectionPolicy(1000, 60000, false),
      speculativeExecution: new policies.speculativeExecution.ConstantSpeculativeExecutionPolicy(
        100,
        2,
      ),
      timestampGeneration: new policies.timestampGeneration.MonotonicTimestampGenerator(
        1000,
        1000,
      ),
    },
    profiles: [fast],
    encoding: { useBigIntAsLong: true, map: Map, set: Set },
    isMetadataSyncEnabled: true,
    prepareOnAllHosts: true,
    requestTracker: logger,
    metrics: new Counting(),
  });
  const other = new Client({
    contactPoints: ["127.0.0.1"],
    localDataCenter: "datacenter1",
    policies: { loadBalancing: new MyBalancing() },
  });
  await client.connect();

  const id = types.Uuid.random();
  const rs = await client.execute("SELECT * FROM t WHERE id = ?", [id], {
    prepare: true,
    executionProfile: "fast",
    fetchSize: 10,
    isIdempotent: true,
    traceQuery: true,
    customPayload: { k: new Uint8Array([118]) },
  });
  const row: types.Row | undefined = rs.first();
  const name: string = row?.get("name");
  const rows: types.Row[] = rs.rows;
  const n: number = rs.rowLength;
  const host: string = rs.info.queriedHost;
  const page: string = rs.pageState;
  const applied: boolean = rs.wasApplied();
  for await (const r of rs) console.log(r.keys(), r.values());
  console.log(name, rows, n, host, page, applied);
  client.execute("SELECT now() FROM system.local", (err: Error, result: types.ResultSet) => {
    console.log(err, result.rowLength);
  });
  await client.batch([
    { query: "INSERT INTO t (id, v) VALUES (?, ?)", params: [id, types.Long.fromNumber(1)] },
    { query: "UPDATE t SET v = ? WHERE id = ?", params: [2, id] },
  ], { prepare: true, logged: false });
  client.eachRow("SELECT * FROM t", [], { autoPage: true }, (i: number, r: types.Row) => {
    console.log(i, r);
  }, (err: Error, result: types.ResultSet) => console.log(err, result.rowLength));
  // Callbacks without annotations: their parameters come from the overloads.
  client.eachRow("SELECT * FROM t", [], (i, r) => console.log(i.toFixed(), r.get("v")));
  client.eachRow("SELECT * FROM t", [1], { prepare: true }, (i, r) => {
    const v: string = r.v;
    console.log(i + 1, v);
  }, (err, result) => console.log(err?.message, result.rowLength));
  client.eachRow("SELECT * FROM t", (i, r) => console.log(i, r.keys()));
  client.stream("SELECT * FROM t", []).on("data", (r: types.Row) => console.log(r));

  const ksMeta = client.metadata.keyspaces["ks"];
  console.log(ksMeta);
  const table = await client.metadata.getTable("ks", "t");
  console.log(table.columns.map((c) => c.name), table.partitionKeys.length);
  const udt = await client.metadata.getUdt("ks", "addr");
  console.log(udt.fields.length);
  client.metadata.getMaterializedView("ks", "v", (err, view) => console.log(err, view.tableName));
  const trace = await client.metadata.getTrace(rs.info.traceId);
  console.log(trace.events.length, trace.duration);
  const replicas: cassandra.Host[] = client.metadata.getReplicas("ks", new Uint8Array([0, 1]));
  const ranges = client.metadata.getTokenRanges();
  console.log(replicas.length, ranges.size);
  const state: metadata.ClientState = client.getState();
  for (const h of state.getConnectedHosts()) {
    console.log(state.getOpenConnections(h), state.getInFlightQueries(h));
  }
  console.log(client.getReplicas("ks", new Uint8Array([1])).length, client.hosts.length);

  const result = await concurrent.executeConcurrent(
    client,
    "INSERT INTO t (id, v) VALUES (?, ?)",
    [[id, 1], [id, 2]],
    { concurrencyLevel: 10, raiseOnFirstError: false, collectResults: true },
  );
  console.log(result.totalExecuted, result.errors.length, result.resultItems.length);

  try {
    await client.execute("SELEC");
  } catch (e) {
    if (e instanceof errors.ResponseError) console.log(e.code, e.message);
    if (e instanceof errors.NoHostAvailableError) console.log(e.innerErrors);
  }
  const d = cassandra.types.LocalDate.fromDate(new Date());
  const v = new types.Vector(new Float32Array([1, 2]), "float");
  console.log(d.toString(), v.length, cassandra.version, cassandra.defaultOptions());
  await other.shutdown();
  await client.shutdown();
}
