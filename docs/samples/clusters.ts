/**
 * The samples of docs/clusters.md, type-checked by `deno check docs/samples/` (not run).
 *
 * @module
 */
import {
  type AddressTranslator,
  AllowListPolicy,
  Client,
  ConstantReconnectionPolicy,
  describeTable,
  ExponentialReconnectionPolicy,
  type HostInfo,
  type LoadBalancingPolicy,
  type RequestInfo,
  RoundRobinPolicy,
  TokenAwarePolicy,
} from "../../mod.ts";

export function cluster(): Client {
  const client = new Client({
    contactPoints: ["10.0.0.1", "10.0.0.2"],
    localDataCenter: "dc1", // default: the data center of the first contact point that answers
    localRack: "rack1", // replicas and nodes of this rack first
    remoteDcHosts: 1, // nodes per remote data center used when no dc1 node can serve (default 0)
    reconnection: new ExponentialReconnectionPolicy(1_000, 60_000), // the default
    maxSchemaAgreementWait: 10_000, // the default
  });
  return client;
}

export function events(client: Client): () => void {
  const off = client.on("hostDown", (host) => console.log(`${host.address} is down`));
  client.on("hostUp", (host) => console.log(`${host.address} is up`));
  client.on("hostAdd", (host) => console.log(`${host.address} joined ${host.datacenter}`));
  client.on("hostRemove", (host) => console.log(`${host.address} left`));
  client.on("schemaChange", (c) => console.log(c.change, c.target, c.keyspace, c.name ?? ""));
  return off; // off() removes the hostDown listener
}

export async function hosts(client: Client): Promise<void> {
  await client.connect();
  for (const h of client.hosts) {
    console.log(h.address, h.datacenter, h.rack, h.distance, h.isUp, h.releaseVersion);
  }
}

export function reconnection(): Client {
  return new Client({
    contactPoints: ["10.0.0.1"],
    reconnection: new ConstantReconnectionPolicy(2_000), // every 2 s
  });
}

export async function routing(client: Client, userId: string): Promise<void> {
  // Prepared (it has a value): from its second run on, it goes to a replica of users[userId].
  const rs = await client.execute("SELECT * FROM app.users WHERE id = ?", [userId]);
  console.log(rs.info.queriedHost);

  // Unprepared with values: say which values form the partition key. The partition lives in
  // the request's keyspace: here the client's (`keyspace: "app"` in its options).
  await client.execute("SELECT * FROM users WHERE id = ?", [userId], {
    prepare: false,
    routingIndexes: [0],
  });

  // No values to take it from: the key as the partitioner hashes it (a text key: its UTF-8).
  await client.execute("SELECT * FROM users WHERE id = 'u1'", [], {
    routingKey: new TextEncoder().encode("u1"),
  });
}

export function replicas(client: Client): void {
  const owners = client.metadata.replicas("app", new TextEncoder().encode("u1"));
  console.log(owners.map((h) => h.address));
  for (const range of client.metadata.tokenRanges("app")) {
    console.log(range.start, range.end, range.replicas.map((h) => h.address));
  }
}

export function policies(): Client {
  // The default, spelled out: token-aware over round robin in dc1 (rack1 first).
  const defaultPolicy = new TokenAwarePolicy(new RoundRobinPolicy("dc1", "rack1"), {
    localRack: "rack1",
  });
  // Only two nodes, in round-robin order.
  const canary = new AllowListPolicy(new RoundRobinPolicy("dc1"), [
    "10.0.0.1:9042",
    "10.0.0.2:9042",
  ]);
  console.log(defaultPolicy, canary);
  return new Client({ contactPoints: ["10.0.0.1"], loadBalancing: canary });
}

/** Replicas first, and among the others the nodes with the fewest requests in flight. */
export class LeastBusyPolicy implements LoadBalancingPolicy {
  newQueryPlan<H extends HostInfo>(hosts: readonly H[], request: RequestInfo<H>): Iterable<H> {
    const replicas = (request.replicas ?? []).filter((h) => h.isUp);
    const others = hosts
      .filter((h) => h.isUp && !replicas.includes(h))
      .sort((a, b) => a.inFlight - b.inFlight);
    return [...replicas, ...others];
  }
}

export function speculative(): Client {
  const client = new Client({
    contactPoints: ["10.0.0.1"],
    localDataCenter: "dc1",
    speculativeExecution: { delay: 100, maxExecutions: 3 },
    // or from recent latencies: { percentile: 99, maxExecutions: 2 }
  });
  return client;
}

export async function speculate(client: Client, id: string): Promise<void> {
  const rs = await client.execute("SELECT * FROM app.users WHERE id = ?", [id], {
    idempotent: true, // only idempotent requests are speculated
  });
  console.log(rs.info.speculativeExecutions, rs.info.triedHosts);
}

export async function schema(client: Client): Promise<void> {
  const rs = await client.execute("CREATE TABLE IF NOT EXISTS app.t (k text PRIMARY KEY, v int)");
  if (!rs.info.isSchemaInAgreement) console.warn("not every node has the new table yet");
  console.log(await client.checkSchemaAgreement());
}

export async function metadata(client: Client): Promise<void> {
  console.log(await client.metadata.keyspaces());
  const ks = await client.metadata.keyspace("app");
  console.log(ks?.replication, [...(ks?.tables.keys() ?? [])]);
  const t = await client.metadata.table("app", "users");
  if (t !== undefined) {
    console.log(t.partitionKey.map((c) => c.name), t.columns.map((c) => `${c.name} ${c.cqlType}`));
    console.log(describeTable(t)); // CREATE TABLE ... as DESCRIBE prints it
  }
}

export async function tracing(client: Client): Promise<void> {
  const rs = await client.execute("SELECT * FROM app.users LIMIT 1", [], { tracing: true });
  if (rs.tracingId !== null) {
    const trace = await client.metadata.trace(rs.tracingId);
    console.log(trace.coordinator, trace.duration, trace.events.length);
  }
}

export function translated(): Client {
  // Nodes report their private addresses; this client reaches them by public ones.
  const publicAddress: Record<string, string> = {
    "10.0.0.1": "203.0.113.1",
    "10.0.0.2": "203.0.113.2",
    "10.0.0.3": "203.0.113.3",
  };
  const nat: AddressTranslator = {
    translate: ({ host, port }) => ({ host: publicAddress[host] ?? host, port }),
  };
  return new Client({ contactPoints: ["203.0.113.1"], addressTranslator: nat });
}
