/**
 * Generates each test node's cassandra.yaml, rack/DC file and logback configuration.
 *
 * @module
 */

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
}

/** Cluster-wide settings. */
export interface ClusterSettings {
  name: string;
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

/** The cassandra.yaml of one node. */
export function cassandraYaml(node: NodeConfig, cluster: ClusterSettings): string {
  const d = node.dir;
  const lines = [
    `cluster_name: ${JSON.stringify(cluster.name)}`,
    // Few tokens: starting and streaming are faster, and token-aware tests stay readable.
    `num_tokens: ${node.tokens.length}`,
    `initial_token: ${node.tokens.join(",")}`,
    // Every node of a test cluster starts empty and together: there is nothing to stream.
    "auto_bootstrap: false",
    "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
    "commitlog_sync: periodic",
    "commitlog_sync_period: 10000ms",
    `commitlog_directory: ${d}/commitlog`,
    `data_file_directories: [${d}/data]`,
    `saved_caches_directory: ${d}/saved_caches`,
    `hints_directory: ${d}/hints`,
    `cdc_raw_directory: ${d}/cdc_raw`,
    "seed_provider:",
    "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
    "    parameters:",
    `      - seeds: "${cluster.seeds.map((s) => `${s}:7000`).join(",")}"`,
    `listen_address: ${node.address}`,
    `rpc_address: ${node.address}`,
    `native_transport_port: ${node.port}`,
    "storage_port: 7000",
    "endpoint_snitch: GossipingPropertyFileSnitch",
    "start_native_transport: true",
    // Tests drop and create tables all the time; snapshots would only slow them and fill the disk.
    "auto_snapshot: false",
    "user_defined_functions_enabled: true",
    "materialized_views_enabled: true",
    // A shared 2-core machine can stall a JVM for seconds (GC, compaction, the test runtimes);
    // with the 2 s write default, tests then fail on server WriteTimeouts that say nothing
    // about the driver. Still below the client's 12 s request timeout.
    "write_request_timeout: 10000ms",
    "counter_write_request_timeout: 10000ms",
    "read_request_timeout: 10000ms",
    // Small caches and memtables: several nodes share 24 GiB with the test runtimes.
    "key_cache_size: 16MiB",
    "memtable_heap_space: 128MiB",
    "memtable_offheap_space: 128MiB",
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
