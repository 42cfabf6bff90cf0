/**
 * The JVM options Cassandra itself ships in `conf/jvm-server.options` (the general section) and
 * `conf/jvm17-server.options` (G1, JPMS opens and exports, Netty), as the `cassandra` start script
 * would pass them on Java 17. Heap size and the few test-node properties are added by the launcher.
 *
 * @module
 */

/** From `conf/jvm-server.options`: general JVM settings. */
const SERVER_OPTIONS = [
  "-ea",
  "-da:net.openhft...",
  "-XX:+UseThreadPriorities",
  "-XX:+HeapDumpOnOutOfMemoryError",
  "-Xss256k",
  "-XX:+UseTLAB",
  "-XX:+ResizeTLAB",
  "-XX:+UseNUMA",
  "-XX:+PerfDisableSharedMem",
  "-Djava.net.preferIPv4Stack=true",
];

/** From `conf/jvm17-server.options`. */
const JVM17_OPTIONS = [
  "-XX:+UseG1GC",
  "-XX:+ParallelRefProcEnabled",
  "-XX:MaxTenuringThreshold=1",
  "-XX:G1HeapRegionSize=16m",
  "-XX:G1RSetUpdatingPauseTimePercent=5",
  "-XX:MaxGCPauseMillis=300",
  "-XX:InitiatingHeapOccupancyPercent=70",
  "-Djdk.attach.allowAttachSelf=true",
  ...[
    "java.base/jdk.internal.misc",
    "java.management.rmi/com.sun.jmx.remote.internal.rmi",
    "java.rmi/sun.rmi.registry",
    "java.rmi/sun.rmi.server",
    "java.sql/java.sql",
    "java.base/java.lang.ref",
    "jdk.unsupported/sun.misc",
    "jdk.compiler/com.sun.tools.javac.file",
    "jdk.attach/sun.tools.attach",
  ].flatMap((p) => ["--add-exports", `${p}=ALL-UNNAMED`]),
  ...[
    "java.base/java.lang.module",
    "java.base/jdk.internal.loader",
    "java.base/jdk.internal.ref",
    "java.base/jdk.internal.reflect",
    "java.base/jdk.internal.math",
    "java.base/jdk.internal.module",
    "java.base/jdk.internal.util.jar",
    "jdk.management/com.sun.management.internal",
    "java.base/sun.nio.ch",
    "java.base/java.io",
    "java.base/java.lang.reflect",
    "jdk.compiler/com.sun.tools.javac",
    "java.base/java.lang",
    "java.base/java.util",
  ].flatMap((p) => ["--add-opens", `${p}=ALL-UNNAMED`]),
  "-Dio.netty.tryReflectionSetAccessible=true",
  "-Dio.netty.allocator.useCacheForAllThreads=true",
  "-Dio.netty.allocator.maxOrder=11",
];

/** Options for one test node: Cassandra's own, a fixed heap, and fast-start properties. */
export function jvmOptions(heapMb: number): string[] {
  return [
    ...SERVER_OPTIONS,
    ...JVM17_OPTIONS,
    `-Xms${heapMb}m`,
    `-Xmx${heapMb}m`,
    // A test node that ran out of memory is useless; dying makes the failure visible at once.
    "-XX:+ExitOnOutOfMemoryError",
    // A single-machine test cluster has nothing to wait for: these delays exist for real networks.
    "-Dcassandra.skip_wait_for_gossip_to_settle=0",
    "-Dcassandra.superuser_setup_delay_ms=0",
    "-Dcassandra.ring_delay_ms=5000",
    "-Dcassandra.consistent.rangemovement=false",
    // A leaving node (decommission) waits this long for batches in flight, by default twice the
    // write timeout: 20 s with ours. The ring delay is as long as anything on loopback needs.
    "-Dcassandra.batchlog.replay_timeout_in_ms=5000",
    "-Dcassandra-foreground=yes",
  ];
}
