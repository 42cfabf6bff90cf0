// deno-lint-ignore-file no-explicit-any
/**
 * The second differential program: execution options, result info, named parameters and the
 * hosts, written against cassandra-driver's API.
 *
 * @module
 */
import { describe, describeError } from "./describe.ts";
import type { Run } from "./program.ts";

const B = (globalThis as any).Buffer;

/** Runs the program; returns its transcript. */
export async function programOptions(run: Run): Promise<string[]> {
  const c = run.cassandra;
  const out: string[] = [];
  const log = (s: string) => out.push(s.split(run.keyspace).join("KS"));
  const client = new c.Client({
    contactPoints: [run.contact.split(":")[0]],
    protocolOptions: { port: Number(run.contact.split(":")[1]) },
    localDataCenter: "datacenter1",
    queryOptions: { consistency: c.types.consistencies.quorum, fetchSize: 3 },
    socketOptions: { readTimeout: 20000, connectTimeout: 8000 },
    pooling: { coreConnectionsPerHost: { [c.types.distance.local]: 1 } },
  });
  await client.connect();
  const hosts = client.hosts.values().map((h: any) =>
    `${h.address} dc=${h.datacenter} rack=${h.rack} up=${h.isUp()} version=${typeof h
      .cassandraVersion} hostId=${h.hostId?.constructor.name}`
  );
  log(`hosts ${hosts.join("; ")} get=${client.hosts.get(run.contact)?.address}`);
  const ks = run.keyspace;
  await client.execute(
    `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  await client.execute(`CREATE TABLE ${ks}.kv (k int, c int, v text, PRIMARY KEY (k, c))`);

  // Named parameters, prepared and not.
  await client.execute(`INSERT INTO ${ks}.kv (k, c, v) VALUES (:k, :c, :v)`, {
    v: "named",
    K: 1,
    c: 1,
  }, { prepare: true });
  await client.execute(
    `INSERT INTO ${ks}.kv (k, c, v) VALUES (:k, :c, :v)`,
    { k: 1, c: 2, v: "x" },
    {
      hints: ["int", "int", "text"],
    },
  ).catch((e: unknown) => log(`unprepared named ${describeError(e)}`));
  // A write timestamp, then the cell's WRITETIME.
  await client.execute(`INSERT INTO ${ks}.kv (k, c, v) VALUES (?, ?, ?)`, [1, 3, "ts"], {
    prepare: true,
    timestamp: c.types.Long.fromString("1700000000000123"),
  });
  await client.execute(`INSERT INTO ${ks}.kv (k, c, v) VALUES (?, ?, ?)`, [1, 4, "ts2"], {
    prepare: true,
    timestamp: 1600000000000456,
  });
  const wt = await client.execute(
    `SELECT c, WRITETIME(v) FROM ${ks}.kv WHERE k = 1 AND c IN (3, 4)`,
  );
  log(`writetime ${describe(wt.rows)} columns=${describe(wt.columns)}`);

  // Result info.
  const rs = await client.execute(`SELECT * FROM ${ks}.kv WHERE k = ?`, [1], {
    prepare: true,
    consistency: c.types.consistencies.one,
    isIdempotent: true,
    readTimeout: 15000,
    routingKey: B.from([0, 0, 0, 1]),
  });
  const info = rs.info;
  log(
    `info queriedHost=${info.queriedHost} tried=${
      Object.keys(info.triedHosts)
    } spec=${info.speculativeExecutions} cl=${info.achievedConsistency} trace=${info.traceId} warnings=${info.warnings} payload=${info.customPayload} agreement=${info.isSchemaInAgreement}`,
  );
  log(`default fetchSize page rowLength=${rs.rowLength} paged=${rs.isPaged()}`);
  const defaultCl = await client.execute(`SELECT * FROM ${ks}.kv WHERE k = 1`);
  log(`default consistency ${defaultCl.info.achievedConsistency}`);
  // pageState as the raw bytes.
  const next = await client.execute(`SELECT * FROM ${ks}.kv WHERE k = ?`, [1], {
    prepare: true,
    pageState: rs.rawPageState,
  });
  log(`next page by bytes ${describe(next.rows)} pageState=${next.pageState}`);
  const traced = await client.execute(`SELECT v FROM ${ks}.kv WHERE k = 1 AND c = 1`, [], {
    traceQuery: true,
  });
  log(`traced traceId=${traced.info.traceId?.constructor.name} ${describe(traced.first())}`);

  // A warning: an unlogged batch across many partitions.
  const parts = [];
  for (let k = 10; k < 22; k++) {
    parts.push({ query: `INSERT INTO ${ks}.kv (k, c, v) VALUES (?, 0, 'w')`, params: [k] });
  }
  const wb = await client.batch(parts, { prepare: true, logged: false });
  log(`batch warnings ${describe(wb.info.warnings)}`);
  const schema = await client.execute(`CREATE TABLE ${ks}.extra (k int PRIMARY KEY)`);
  log(
    `schema change rowLength=${schema.rowLength} columns=${schema.columns} agreement=${schema.info.isSchemaInAgreement}`,
  );

  // Bad options.
  await client.execute("SELECT * FROM system.local", [], { executionProfile: "nope" }).catch((
    e: unknown,
  ) => log(`profile ${describeError(e)}`));
  await client.batch([]).catch((e: unknown) => log(`empty batch ${describeError(e)}`));
  await client.shutdown();

  // Options cassandra-driver refuses at construction.
  for (const bad of [{}, { contactPoints: [] }, { contactPoints: [""] }]) {
    try {
      new c.Client(bad);
      log("constructed?");
    } catch (e) {
      log(`constructor ${describeError(e)}`);
    }
  }
  return out;
}
