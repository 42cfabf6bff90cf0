/**
 * The JVM options Cassandra itself ships in `conf/jvm-server.options` (the general section) and
 * `conf/jvm17-server.options` (G1, JPMS opens and exports, Netty), as the `cassandra` start script
 * would pass them on Java 17. Heap size and the few test-node properties are added by the launcher.
 * Lines older than 5.0 were not built for Java 17 and need more (see {@link pre5Options}).
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

/**
 * What 3.11, 4.0 and 4.1 need on Java 17 besides 5.0's options, as measured here: their memory
 * meter (jamm before 0.4) reflects into these java.base packages, which Java 17 closes.
 */
const PRE_5_OPENS = [
  "java.util.concurrent",
  "java.util.concurrent.atomic",
  "java.util.concurrent.locks",
  "java.nio",
  "java.nio.channels",
  "java.nio.channels.spi",
  "java.net",
  "java.lang.invoke",
  "java.math",
  "java.time",
  "java.util.regex",
  "java.security",
  "sun.nio.cs",
  "jdk.internal.vm.annotation",
].flatMap((p) => ["--add-opens", `java.base/${p}=ALL-UNNAMED`]);

/**
 * The extra options of a line older than 5.0: its jamm (0.3.x) as a Java agent, since that jamm
 * sizes objects through the instrumentation only an agent gets, and the opens above.
 */
export function pre5Options(jammJar: string): string[] {
  return [`-javaagent:${jammJar}`, ...PRE_5_OPENS];
}

/**
 * Options for one test node: Cassandra's own, a fixed heap, and fast-start properties; `extra`
 * (see {@link pre5Options}) goes after Cassandra's own.
 */
export function jvmOptions(heapMb: number, extra: readonly string[] = []): string[] {
  return [
    ...SERVER_OPTIONS,
    ...JVM17_OPTIONS,
    ...extra,
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
