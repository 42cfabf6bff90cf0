/**
 * Writes a node's configuration, starts its JVM detached, and waits until it answers CQL.
 *
 * @module
 */
import type { ClusterInfo, NodeInfo } from "./cluster-info.ts";
import {
  cassandraYaml,
  type ClusterSettings,
  logbackXml,
  rackDcProperties,
  seedList,
} from "./config.ts";
import { findJar } from "./jars.ts";
import { jvmOptions, pre5Options } from "./jvm-options.ts";
import { join } from "./path.ts";
import { answers, type ProbeTarget } from "./probe.ts";
import { isOurProcess, readPid, sleep } from "./process.ts";
import type { CassandraLine } from "./versions.ts";

/** The probe target for a node of a cluster, with TLS material when the cluster uses it. */
export async function probeTarget(info: ClusterInfo, node: NodeInfo): Promise<ProbeTarget> {
  if (!info.tls) return { host: node.address, port: node.port };
  return {
    host: node.address,
    port: node.port,
    caPem: await Deno.readTextFile(info.tls.caPem),
    certPem: await Deno.readTextFile(info.tls.clientCertPem),
    keyPem: await Deno.readTextFile(info.tls.clientKeyPem),
  };
}

/** The address `i` after `first` (127.x.y.z only: test nodes live on loopback). */
export function nthAddress(first: string, i: number): string {
  const parts = first.split(".").map(Number);
  if (parts.length !== 4 || parts[0] !== 127) {
    throw new Error(`test nodes live on loopback (127.x.y.z), not on ${first}`);
  }
  const last = parts[3] + i;
  if (last > 254) throw new Error(`too many nodes after ${first}`);
  return `${parts[0]}.${parts[1]}.${parts[2]}.${last}`;
}

/** `n` ms as "850 ms" or "12.3 s". */
export function ms(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;
}

/**
 * Writes the node's folders and configuration (cassandra.yaml, rack/DC file, logback), wiping
 * what a previous run left unless `keepData`.
 */
export async function writeNodeConfig(
  node: NodeInfo & { tokens: string[] },
  settings: ClusterSettings,
  opts: { keepData: boolean; bootstrap: boolean },
): Promise<void> {
  const d = node.dir;
  if (!opts.keepData) await Deno.remove(d, { recursive: true }).catch(() => {});
  for (const sub of ["conf", "logs", "data", "commitlog", "saved_caches", "hints", "cdc_raw"]) {
    await Deno.mkdir(join(d, sub), { recursive: true });
  }
  const cfg = { ...node, bootstrap: opts.bootstrap };
  await Deno.writeTextFile(join(d, "conf", "cassandra.yaml"), cassandraYaml(cfg, settings));
  await Deno.writeTextFile(join(d, "conf", "cassandra-rackdc.properties"), rackDcProperties(cfg));
  await Deno.writeTextFile(join(d, "conf", "logback.xml"), logbackXml(cfg));
}

/** Replaces the seed list in a node's existing cassandra.yaml (written for `cassandra`). */
export async function setSeeds(
  dir: string,
  seeds: string[],
  cassandra: CassandraLine = "5.0",
): Promise<void> {
  const file = join(dir, "conf", "cassandra.yaml");
  const yaml = await Deno.readTextFile(file);
  const line = `      - seeds: "${seedList(seeds, cassandra)}"`;
  await Deno.writeTextFile(file, yaml.replace(/^ *- seeds: .*$/m, line));
}

/** The jars a node runs: a folder of them (see resolveJars) and the line they are of. */
export interface NodeJars {
  dir: string;
  line: CassandraLine;
}

/** Starts the node's JVM detached from us and waits until it has written its pid. */
export async function launchNode(node: NodeInfo, jars: NodeJars, heapMb: number): Promise<void> {
  const d = node.dir;
  const libDir = jars.dir;
  const args = [
    ...jvmOptions(heapMb, jars.line === "5.0" ? [] : pre5Options(await jammJar(libDir))),
    ...jmxOptions(node.jmxPort),
    `-Dcassandra.config=file://${d}/conf/cassandra.yaml`,
    `-Dcassandra-rackdc.properties=file://${d}/conf/cassandra-rackdc.properties`,
    `-Dlogback.configurationFile=${d}/conf/logback.xml`,
    `-Dcassandra.logdir=${d}/logs`,
    `-Dcassandra.storagedir=${d}`,
    "-cp",
    `${d}/conf:${libDir}/*`,
    "org.apache.cassandra.service.CassandraDaemon",
  ];
  await Deno.remove(join(d, "pid")).catch(() => {});
  // setsid + exec: the JVM gets the shell's pid (written first), leaves our process group so it
  // outlives the launcher, and writes its console output to a file instead of our terminal.
  const script = `echo $$ > ${shq(join(d, "pid"))}; exec java ${args.map(shq).join(" ")} ` +
    `>> ${shq(join(d, "logs", "stdout.log"))} 2>&1 < /dev/null`;
  const child = new Deno.Command("setsid", {
    args: ["sh", "-c", script],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  child.unref();
  // Reap it if it exits while we are still here, so it does not linger as a zombie.
  child.status.catch(() => {});
  const deadline = Date.now() + 5000;
  while (await readPid(d) === null) {
    if (Date.now() > deadline) throw new Error(`node${node.index}: the JVM did not start`);
    await sleep(20);
  }
}

/** The jamm jar among a line's resolved jars: older lines load it as a Java agent. */
async function jammJar(libDir: string): Promise<string> {
  const version = await findJar(libDir, "jamm");
  if (!version) {
    throw new Error(`no jamm jar in ${libDir}: resolve the jars again (jars --refresh)`);
  }
  return join(libDir, `jamm-${version}.jar`);
}

/**
 * Cassandra opens its JMX server (what nodetool talks to) only when given a port; "local" binds
 * it to 127.0.0.1 without authentication. Pinning the RMI port to the same number keeps it from
 * taking a random second port, as cassandra-env.sh does.
 */
function jmxOptions(port: number | undefined): string[] {
  if (port === undefined) return [];
  return [`-Dcassandra.jmx.local.port=${port}`, `-Dcom.sun.management.jmxremote.rmi.port=${port}`];
}

function shq(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * Waits until every node in `nodes` answers CQL OPTIONS; throws with the log tail of one that
 * exits or does not answer within `timeoutMs` of `t0`.
 */
export async function waitAnswering(
  info: ClusterInfo,
  nodes: NodeInfo[],
  t0: number,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<void> {
  const pending = new Set(nodes);
  let lastReport = 0;
  while (pending.size > 0) {
    const elapsed = performance.now() - t0;
    for (const n of [...pending]) {
      const pid = await readPid(n.dir);
      if (pid === null || !await isOurProcess(pid, n.dir)) {
        throw new Error(
          `node${n.index} (${n.address}) exited while starting\n${await nodeLogTail(n.dir, 40)}`,
        );
      }
      if (await answers(await probeTarget(info, n), 1000)) {
        pending.delete(n);
        log(`node${n.index} ${n.address}:${n.port} answers CQL OPTIONS after ${ms(elapsed)}`);
      }
    }
    if (pending.size === 0) break;
    if (elapsed > timeoutMs) {
      const n = [...pending][0];
      throw new Error(
        `node${n.index} (${n.address}) did not answer within ${ms(timeoutMs)}\n${await nodeLogTail(
          n.dir,
          40,
        )}`,
      );
    }
    if (elapsed - lastReport >= 5000) {
      lastReport = elapsed;
      log(`waiting for ${[...pending].map((n) => `node${n.index}`).join(", ")} ... ${ms(elapsed)}`);
    }
    await sleep(250);
  }
}

/** The last `lines` lines of a node's system.log and of the JVM's own output. */
export async function nodeLogTail(dir: string, lines: number): Promise<string> {
  const parts: string[] = [];
  for (const f of ["logs/system.log", "logs/stdout.log"]) {
    try {
      const text = await Deno.readTextFile(join(dir, f));
      parts.push(
        `--- ${join(dir, f)} (last ${lines} lines)\n` +
          text.split("\n").slice(-lines - 1).join("\n"),
      );
    } catch { /* not written yet */ }
  }
  return parts.join("\n") || `(no log files in ${dir})`;
}
