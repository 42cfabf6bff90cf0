/**
 * Runs Cassandra's nodetool from the resolved jars against a node's local JMX port, without the
 * `nodetool` shell script (which the Maven jars do not include) and what it sets up.
 *
 * @module
 */
import { join } from "./path.ts";
import { CACHE_DIR } from "./paths.ts";

/** Output of a nodetool run. */
export interface NodetoolResult {
  /** Whatever it printed, stdout then stderr. */
  output: string;
  ms: number;
}

/** Runs `nodetool -h 127.0.0.1 -p jmxPort ...args`; throws with its output when it fails. */
export async function nodetool(
  libDir: string,
  jmxPort: number,
  args: string[],
): Promise<NodetoolResult> {
  const t0 = performance.now();
  const out = await new Deno.Command("java", {
    args: [
      ...await nodetoolJvm(),
      "-cp",
      `${libDir}/*`,
      "org.apache.cassandra.tools.NodeTool",
      "-h",
      "127.0.0.1",
      "-p",
      String(jmxPort),
      ...args,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) {
    throw new Error(`nodetool ${args.join(" ")} (JMX port ${jmxPort}) failed:\n${text.trim()}`);
  }
  return { output: text, ms: performance.now() - t0 };
}

/** The client JVM's options. */
async function nodetoolJvm(): Promise<string[]> {
  const logback = join(CACHE_DIR, "nodetool-logback.xml");
  await Deno.mkdir(CACHE_DIR, { recursive: true });
  await Deno.writeTextFile(logback, LOGBACK);
  return [
    // Small and quick to start: it only makes one JMX call.
    "-Xmx128m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-Djava.net.preferIPv4Stack=true",
    // On Java 17 nodetool dies in FileUtils' static initialiser (it reflects on direct-buffer
    // cleaners) unless these two packages are exported, as conf/jvm17-clients.options does.
    "--add-exports",
    "java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports",
    "java.base/jdk.internal.ref=ALL-UNNAMED",
    // Without a configuration logback prints every DEBUG line of Netty and the JMX client.
    `-Dlogback.configurationFile=${logback}`,
    // It appends each command line to ~/.cassandra/nodetool.history: keep that in the cache.
    `-Duser.home=${CACHE_DIR}`,
  ];
}

const LOGBACK = `<configuration>
  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%-5level %logger{0} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="ERR"/></root>
</configuration>
`;
