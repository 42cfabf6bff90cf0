/**
 * Starts, stops and inspects local Apache Cassandra test clusters: one node or several on
 * 127.0.0.1, 127.0.0.2, ... Nodes run detached (they outlive the launcher) and are tracked by pid
 * files, so `stop` only ever stops what this launcher started.
 *
 * @module
 */
import {
  cassandraYaml,
  type ClusterSettings,
  logbackXml,
  type NodeConfig,
  nodeTokens,
  rackDcProperties,
} from "./config.ts";
import { resolveJars } from "./jars.ts";
import { jvmOptions } from "./jvm-options.ts";
import { join } from "./path.ts";
import { clusterDir } from "./paths.ts";
import { answers, type ProbeTarget } from "./probe.ts";
import { generateTls, type TlsFiles } from "./tls.ts";

/** What to start. */
export interface StartOptions {
  /** Cluster name; each name has its own folders. Default "main". */
  name?: string;
  /** Number of nodes. Default 1. */
  nodes?: number;
  /** First node's address; the others count up from it. Default "127.0.0.1". */
  address?: string;
  /** CQL native port of every node. Default 9042. */
  port?: number;
  /** PasswordAuthenticator with the default superuser cassandra/cassandra. */
  auth?: boolean;
  /** Client encryption with a CA generated on the spot. */
  tls?: boolean;
  /** With `tls`: require a client certificate signed by that CA. */
  clientAuth?: boolean;
  /** Heap per node in MiB. Default 1024 for one node, 768 each for more. */
  heapMb?: number;
  /** Keep the data of a previous run instead of starting empty. */
  keepData?: boolean;
  /** How long to wait for every node to answer, in ms. Default 240 000. */
  timeoutMs?: number;
  /** Data centers: node i goes to `dcs[i % dcs.length]`. Default ["datacenter1"]. */
  dcs?: string[];
  /** Progress lines; default writes to stderr. */
  log?: (line: string) => void;
}

/** A node of a started cluster. */
export interface NodeInfo {
  index: number;
  address: string;
  port: number;
  dc: string;
  rack: string;
  dir: string;
}

/** What `start` reports and what `cluster.json` keeps. */
export interface ClusterInfo {
  name: string;
  version: string;
  auth: boolean;
  nodes: NodeInfo[];
  tls?: {
    caPem: string;
    clientCertPem: string;
    clientKeyPem: string;
    otherCaPem: string;
    clientAuth: boolean;
  };
  /** Milliseconds the start took (resolving jars excluded), 0 when already running. */
  startMs: number;
  /** Milliseconds resolving jars took, and whether Maven ran. */
  jarsMs: number;
  jarsResolved: boolean;
  /** False when every node already answered and nothing was started. */
  started: boolean;
}

/** Status of one node. */
export interface NodeStatus {
  node: NodeInfo;
  pid: number | null;
  running: boolean;
  answers: boolean;
}

const defaultLog = (line: string) => console.error(line);

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

function nthAddress(first: string, i: number): string {
  const parts = first.split(".").map(Number);
  if (parts.length !== 4 || parts[0] !== 127) {
    throw new Error(`test nodes live on loopback (127.x.y.z), not on ${first}`);
  }
  const last = parts[3] + i;
  if (last > 254) throw new Error(`too many nodes after ${first}`);
  return `${parts[0]}.${parts[1]}.${parts[2]}.${last}`;
}

/** Reads a cluster's saved description, or null when it was never started. */
export async function readCluster(name = "main"): Promise<ClusterInfo | null> {
  try {
    return JSON.parse(await Deno.readTextFile(join(clusterDir(name), "cluster.json")));
  } catch {
    return null;
  }
}

async function readPid(dir: string): Promise<number | null> {
  try {
    const pid = Number((await Deno.readTextFile(join(dir, "pid"))).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True when `pid` is alive and is the Cassandra of the node in `dir` (pids get reused). */
async function isOurProcess(pid: number, dir: string): Promise<boolean> {
  // While the shell execs the JVM (and once a process is a zombie) its cmdline reads empty: ask
  // again for a moment before calling it gone, or a node that is starting looks as if it exited.
  for (let attempt = 0; attempt < 10; attempt++) {
    let cmdline: string;
    try {
      cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`);
    } catch {
      return false;
    }
    if (cmdline !== "") return cmdline.includes(join(dir, "conf", "cassandra.yaml"));
    await sleep(50);
  }
  return false;
}

/** Which nodes of a cluster run and answer. */
export async function status(name = "main"): Promise<NodeStatus[]> {
  const info = await readCluster(name);
  if (!info) return [];
  return await Promise.all(info.nodes.map(async (node) => {
    const pid = await readPid(node.dir);
    const running = pid !== null && await isOurProcess(pid, node.dir);
    return {
      node,
      pid: running ? pid : null,
      running,
      answers: await answers(await probeTarget(info, node), 1500),
    };
  }));
}

/** The last `lines` lines of a node's log (system.log, then the JVM's own output). */
export async function logs(name = "main", index = 1, lines = 60): Promise<string> {
  const info = await readCluster(name);
  const node = info?.nodes.find((n) => n.index === index);
  if (!node) return `no node ${index} in cluster ${name}`;
  return await nodeLogTail(node.dir, lines);
}

async function nodeLogTail(dir: string, lines: number): Promise<string> {
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

/** Stops every node of a cluster that this launcher started. Returns how many it stopped. */
export async function stop(name = "main", log = defaultLog): Promise<number> {
  const info = await readCluster(name);
  if (!info) return 0;
  let stopped = 0;
  await Promise.all(info.nodes.map(async (node) => {
    const pid = await readPid(node.dir);
    if (pid === null || !await isOurProcess(pid, node.dir)) return;
    Deno.kill(pid, "SIGTERM");
    const deadline = Date.now() + 30_000;
    while (await isOurProcess(pid, node.dir)) {
      if (Date.now() > deadline) {
        Deno.kill(pid, "SIGKILL");
        break;
      }
      await sleep(200);
    }
    await Deno.remove(join(node.dir, "pid")).catch(() => {});
    stopped++;
    log(`stopped node${node.index} ${node.address}:${node.port} (pid ${pid})`);
  }));
  return stopped;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a cluster and waits until every node answers a CQL OPTIONS request. Idempotent: when
 * every node of the cluster already answers, it returns at once.
 */
export async function start(opts: StartOptions = {}): Promise<ClusterInfo> {
  const name = opts.name ?? "main";
  const count = opts.nodes ?? 1;
  const first = opts.address ?? "127.0.0.1";
  const port = opts.port ?? 9042;
  const log = opts.log ?? defaultLog;
  const dcs = opts.dcs ?? ["datacenter1"];
  const dir = clusterDir(name);

  const previous = await readCluster(name);
  if (previous) {
    const st = await status(name);
    if (st.length > 0 && st.every((s) => s.running && s.answers)) {
      const same = previous.nodes.length === count && previous.nodes[0].address === first &&
        previous.auth === !!opts.auth && !!previous.tls === !!opts.tls &&
        !!previous.tls?.clientAuth === !!opts.clientAuth;
      if (!same) {
        throw new Error(
          `cluster ${name} is running with other settings; stop it first (npm run cassandra -- stop --name ${name})`,
        );
      }
      log(`cluster ${name}: ${count} node(s) already answer; nothing to start`);
      return { ...previous, startMs: 0, jarsMs: 0, jarsResolved: false, started: false };
    }
    // Some nodes are down or half-started: start again from a clean state.
    await stop(name, log);
  }

  const nodes: NodeInfo[] = [];
  for (let i = 0; i < count; i++) {
    const address = nthAddress(first, i);
    nodes.push({
      index: i + 1,
      address,
      port,
      dc: dcs[i % dcs.length],
      rack: "rack1",
      dir: join(dir, `node${i + 1}`),
    });
  }
  for (const n of nodes) {
    if (await answers({ host: n.address, port: n.port }, 1000)) {
      throw new Error(
        `something not started by this launcher already answers on ${n.address}:${n.port}`,
      );
    }
  }

  const jars = await resolveJars({ quiet: false });
  log(`cassandra ${jars.version}: jars ${jars.resolved ? "resolved" : "cached"} in ${ms(jars.ms)}`);

  let tlsFiles: TlsFiles | undefined;
  if (opts.tls) tlsFiles = await generateTls(join(dir, "tls"), nodes.map((n) => n.address));
  const settings: ClusterSettings = {
    name: `cql-${name}`,
    seeds: [nodes[0].address],
    auth: !!opts.auth,
    tls: tlsFiles && {
      keystore: tlsFiles.keystore,
      truststore: tlsFiles.truststore,
      password: tlsFiles.password,
      clientAuth: !!opts.clientAuth,
    },
  };
  const info: ClusterInfo = {
    name,
    version: jars.version,
    auth: !!opts.auth,
    nodes,
    tls: tlsFiles && {
      caPem: tlsFiles.caPem,
      clientCertPem: tlsFiles.clientCertPem,
      clientKeyPem: tlsFiles.clientKeyPem,
      otherCaPem: tlsFiles.otherCaPem,
      clientAuth: !!opts.clientAuth,
    },
    startMs: 0,
    jarsMs: jars.ms,
    jarsResolved: jars.resolved,
    started: true,
  };
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "cluster.json"), JSON.stringify(info, null, 2));

  const heap = opts.heapMb ?? (count === 1 ? 1024 : 768);
  const timeoutMs = opts.timeoutMs ?? 240_000;
  const t0 = performance.now();
  // The seed first: the others bootstrap from it. They can then join together because
  // consistent range movement is off for test clusters.
  await spawnNode(nodes[0], count, settings, jars.dir, heap, !!opts.keepData);
  await waitAnswering(info, [nodes[0]], t0, timeoutMs, log);
  if (nodes.length > 1) {
    for (const n of nodes.slice(1)) {
      await spawnNode(n, count, settings, jars.dir, heap, !!opts.keepData);
    }
    await waitAnswering(info, nodes.slice(1), t0, timeoutMs, log);
  }
  info.startMs = performance.now() - t0;
  await Deno.writeTextFile(join(dir, "cluster.json"), JSON.stringify(info, null, 2));
  log(`cluster ${name}: ${count} node(s) answer CQL after ${ms(info.startMs)}`);
  return info;
}

function ms(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;
}

async function spawnNode(
  node: NodeInfo,
  count: number,
  settings: ClusterSettings,
  libDir: string,
  heapMb: number,
  keepData: boolean,
): Promise<void> {
  const d = node.dir;
  if (!keepData) await Deno.remove(d, { recursive: true }).catch(() => {});
  for (const sub of ["conf", "logs", "data", "commitlog", "saved_caches", "hints", "cdc_raw"]) {
    await Deno.mkdir(join(d, sub), { recursive: true });
  }
  const cfg: NodeConfig = { ...node, tokens: nodeTokens(node.index - 1, count, 8) };
  await Deno.writeTextFile(join(d, "conf", "cassandra.yaml"), cassandraYaml(cfg, settings));
  await Deno.writeTextFile(join(d, "conf", "cassandra-rackdc.properties"), rackDcProperties(cfg));
  await Deno.writeTextFile(join(d, "conf", "logback.xml"), logbackXml(cfg));
  const args = [
    ...jvmOptions(heapMb),
    `-Dcassandra.config=file://${d}/conf/cassandra.yaml`,
    `-Dcassandra-rackdc.properties=file://${d}/conf/cassandra-rackdc.properties`,
    `-Dlogback.configurationFile=${d}/conf/logback.xml`,
    `-Dcassandra.logdir=${d}/logs`,
    `-Dcassandra.storagedir=${d}`,
    "-cp",
    `${d}/conf:${libDir}/*`,
    "org.apache.cassandra.service.CassandraDaemon",
  ];
  // setsid + exec: the JVM gets the shell's pid (written first), leaves our process group so it
  // outlives the launcher, and writes its console output to a file instead of our terminal.
  const script = `echo $$ > ${shq(join(d, "pid"))}; exec java ${args.map(shq).join(" ")} ` +
    `> ${shq(join(d, "logs", "stdout.log"))} 2>&1 < /dev/null`;
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

function shq(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

async function waitAnswering(
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
