/**
 * Generates each test node's cassandra.yaml, rack/DC file and logback configuration.
 *
 * @module
 */
import { type CassandraLine, seedsTakePorts, usesOldYamlKeys } from "./versions.ts";

/** One node's generated settings. */
export interface NodeConfig {
  /** 1-based index in the cluster. */
  index: number;
  /** Listen, broadcast and native (CQL) address: 127.0.0.x. */
  address: string;
  /** CQL native port. */
  port: number;
  /** The node's folder (data, commitlog, logs, conf). */
  dir: string;
  /** Tokens this node owns: set explicitly so nodes can bootstrap together without collisions. */
  tokens: string[];
  /** Data center name (GossipingPropertyFileSnitch). */
  dc: string;
  /** Rack name. */
  rack: string;
  /** Stream its ranges from the others when it first starts: a node added to a running ring. */
  bootstrap?: boolean;
}

/** Cluster-wide settings. */
export interface ClusterSettings {
  name: string;
  /** The release line the yaml is for. Default 5.0. */
  line?: CassandraLine;
  seeds: string[];
  auth: boolean;
  tls?: {
    keystore: string;
    truststore: string;
    password: string;
    /** Require a client certificate signed by the CA. */
    clientAuth: boolean;
  };
}

/** The `seeds` value of a line: `address:7000` each, or bare addresses for 3.11. */
export function seedList(seeds: readonly string[], line: CassandraLine = "5.0"): string {
  return seeds.map((s) => (seedsTakePorts(line) ? `${s}:7000` : s)).join(",");
}

/** The cassandra.yaml of one node. */
export function cassandraYaml(node: NodeConfig, cluster: ClusterSettings): string {
  const d = node.dir;
  const line = cluster.line ?? "5.0";
  // The same settings under the names each line reads (4.1 renamed them with their units).
  const old = usesOldYamlKeys(line);
  const ms = (key: string, n: number) => (old ? `${key}_in_ms: ${n}` : `${key}: ${n}ms`);
  const mib = (key: string, n: number) => (old ? `${key}_in_mb: ${n}` : `${key}: ${n}MiB`);
  const flag = (feature: string) => (old ? `enable_${feature}: true` : `${feature}_enabled: true`);
  const lines = [
    `cluster_name: ${JSON.stringify(cluster.name)}`,
    `num_tokens: ${node.tokens.length}`,
    `initial_token: ${node.tokens.join(",")}`,
    // The first nodes of a test cluster start empty and together: there is nothing to stream.
    // A node added later takes its ranges' data from the others, as in a real cluster.
    `auto_bootstrap: ${!!node.bootstrap}`,
    "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
    "commitlog_sync: periodic",
    ms("commitlog_sync_period", 10000),
    `commitlog_directory: ${d}/commitlog`,
    `data_file_directories: [${d}/data]`,
    `saved_caches_directory: ${d}/saved_caches`,
    `hints_directory: ${d}/hints`,
    `cdc_raw_directory: ${d}/cdc_raw`,
    "seed_provider:",
    "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
    "    parameters:",
    `      - seeds: "${seedList(cluster.seeds, line)}"`,
    `listen_address: ${node.address}`,
    `rpc_address: ${node.address}`,
    `native_transport_port: ${node.port}`,
    "storage_port: 7000",
    "endpoint_snitch: GossipingPropertyFileSnitch",
    "start_native_transport: true",
    // 3.11 would also serve Thrift on 9160 of every node's address; nothing here speaks it.
    ...(line === "3.11" ? ["start_rpc: false"] : []),
    // Tests drop and create tables all the time; snapshots would only slow them and fill the disk.
    "auto_snapshot: false",
    flag("user_defined_functions"),
    flag("materialized_views"),
    // A shared 2-core machine can stall a JVM for seconds (GC, compaction, the test runtimes);
    // with the 2 s write default, tests then fail on server WriteTimeouts that say nothing
    // about the driver. Still below the client's 12 s request timeout.
    ms("write_request_timeout", 10000),
    ms("counter_write_request_timeout", 10000),
    ms("read_request_timeout", 10000),
    // Small caches and memtables: several nodes share 24 GiB with the test runtimes.
    mib("key_cache_size", 16),
    mib("memtable_heap_space", 128),
    mib("memtable_offheap_space", 128),
    `authenticator: ${cluster.auth ? "PasswordAuthenticator" : "AllowAllAuthenticator"}`,
    `authorizer: ${cluster.auth ? "CassandraAuthorizer" : "AllowAllAuthorizer"}`,
    `role_manager: CassandraRoleManager`,
  ];
  if (cluster.tls) {
    lines.push(
      "client_encryption_options:",
      "  enabled: true",
      "  optional: false",
      `  keystore: ${cluster.tls.keystore}`,
      `  keystore_password: ${cluster.tls.password}`,
      "  store_type: PKCS12",
      `  require_client_auth: ${cluster.tls.clientAuth}`,
      `  truststore: ${cluster.tls.truststore}`,
      `  truststore_password: ${cluster.tls.password}`,
    );
  }
  return lines.join("\n") + "\n";
}

/** Tokens per node: few, so starting and streaming are fast and token-aware tests stay readable. */
export const TOKENS_PER_NODE = 8;

/**
 * Evenly spaced Murmur3 tokens for node `index` (0-based) of `count`, `perNode` each, interleaved
 * so every node owns an equal share of the ring.
 */
export function nodeTokens(index: number, count: number, perNode: number): string[] {
  const step = (1n << 64n) / BigInt(count * perNode);
  const out: string[] = [];
  for (let k = 0; k < perNode; k++) {
    out.push((-(1n << 63n) + BigInt(k * count + index) * step).toString());
  }
  return out;
}

const RING = 1n << 64n;
const MIN_TOKEN = -(1n << 63n);

/**
 * `perNode` tokens for a node joining a ring that already holds `existing` (Murmur3 tokens as
 * decimal strings). The ring is cut into `perNode` equal sectors; in each, the new node takes the
 * midpoint of the largest gap that starts there, so it gets ranges from all around the ring. Among
 * gaps of (nearly) equal size, the k-th sector takes the (k mod n)-th, which spreads what the new
 * node takes over the old nodes of an evenly interleaved ring instead of halving one of them.
 * Never returns an existing token or the same token twice.
 */
export function addedNodeTokens(existing: readonly string[], perNode: number): string[] {
  // Work on the unsigned ring [0, 2^64) so the wrap-around gap is an ordinary one.
  const ring = [...new Set(existing.map((t) => BigInt(t) - MIN_TOKEN))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0
  );
  const taken = new Set(ring);
  const sector = RING / BigInt(perNode);
  const out: string[] = [];
  for (let k = 0; k < perNode; k++) {
    const from = BigInt(k) * sector;
    const to = k === perNode - 1 ? RING : from + sector;
    let t = midpointOfLargestGap(ring, from, to, k) ?? from + sector / 2n;
    // Steps off a token already taken (only a crafted ring gets there) and off the partitioner's
    // minimum token, which Cassandra also uses as the ring's open lower bound.
    while (taken.has(t) || t === 0n) t = (t + 1n) % RING;
    taken.add(t);
    out.push((t + MIN_TOKEN).toString());
  }
  return out;
}

/** In a sorted unsigned ring: the midpoint of the largest gap starting in [from, to), or null. */
function midpointOfLargestGap(
  ring: readonly bigint[],
  from: bigint,
  to: bigint,
  k: number,
): bigint | null {
  const gaps: { start: bigint; length: bigint }[] = [];
  for (let i = 0; i < ring.length; i++) {
    if (ring[i] < from || ring[i] >= to) continue;
    const end = i + 1 < ring.length ? ring[i + 1] : ring[0] + RING;
    // A gap of 1 has no token strictly inside it.
    if (end - ring[i] >= 2n) gaps.push({ start: ring[i], length: end - ring[i] });
  }
  if (gaps.length === 0) return null;
  const largest = gaps.reduce((m, g) => (g.length > m ? g.length : m), 0n);
  // Within 1 %: the wrap-around gap of an evenly spaced ring is a few units longer than the rest.
  const tied = gaps.filter((g) => g.length * 100n >= largest * 99n);
  const g = tied[k % tied.length];
  return (g.start + g.length / 2n) % RING;
}

/**
 * The local JMX port of the node at `address` (127.0.x.y): 20000 + 256 x + y. Unique per test
 * address, below Linux's ephemeral range (32768 up), and clear of Cassandra's 7000/7199/9042.
 */
export function jmxPortFor(address: string): number {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${address}`);
  }
  // 20000 + 256 * 48 + 255 = 32543: x up to 48 keeps every port below the ephemeral range.
  if (parts[2] > 48) throw new Error(`no JMX port for ${address}: use 127.0.x.y with x <= 48`);
  return 20000 + 256 * parts[2] + parts[3];
}

/** The GossipingPropertyFileSnitch file. */
export function rackDcProperties(node: NodeConfig): string {
  return `dc=${node.dc}\nrack=${node.rack}\n`;
}

/** Logback: everything at INFO into logs/system.log, nothing on the console. */
export function logbackXml(node: NodeConfig): string {
  return `<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${node.dir}/logs/system.log</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;
}
