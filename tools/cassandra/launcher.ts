/**
 * Starts, stops and inspects local Apache Cassandra test clusters: one node or several on
 * 127.0.0.1, 127.0.0.2, ... Nodes run detached (they outlive the launcher) and are tracked by pid
 * files, so `stop` only ever stops what this launcher started. Single nodes of a running cluster
 * can be stopped, killed, paused, restarted, added and decommissioned (nodes.ts).
 *
 * @module
 */
import { type ClusterInfo, type NodeInfo, readCluster, writeCluster } from "./cluster-info.ts";
import { type ClusterSettings, jmxPortFor, nodeTokens, TOKENS_PER_NODE } from "./config.ts";
import { resolveJars } from "./jars.ts";
import { join } from "./path.ts";
import { clusterDir } from "./paths.ts";
import { answers } from "./probe.ts";
import { isPaused, runningPid, terminate } from "./process.ts";
import {
  launchNode,
  ms,
  nodeLogTail,
  nthAddress,
  probeTarget,
  waitAnswering,
  writeNodeConfig,
} from "./spawn.ts";
import { generateTls, type TlsFiles } from "./tls.ts";
import { type CassandraLine, DEFAULT_LINE, lineOf } from "./versions.ts";

export type { ClusterInfo, NodeInfo } from "./cluster-info.ts";
export { readCluster } from "./cluster-info.ts";
export { CASSANDRA_LINES, type CassandraLine, lineOf } from "./versions.ts";
export { probeTarget } from "./spawn.ts";
export {
  addNode,
  decommissionNode,
  killNode,
  pauseNode,
  resumeNode,
  startNode,
  stopNode,
} from "./nodes.ts";

/** What to start. */
export interface StartOptions {
  /** Cluster name; each name has its own folders. Default "main". */
  name?: string;
  /** Release line; its newest patch release runs. Default "5.0". */
  version?: CassandraLine;
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
  /**
   * Keep the data of a previous run instead of starting empty. When the previous run had as many
   * nodes (counting nodes added and removed since), it restarts those same nodes.
   */
  keepData?: boolean;
  /** How long to wait for every node to answer, in ms. Default 240 000. */
  timeoutMs?: number;
  /** Data centers: node i goes to `dcs[i % dcs.length]`. Default ["datacenter1"]. */
  dcs?: string[];
  /** Racks: node i goes to `racks[i % racks.length]`. Default ["rack1"]. */
  racks?: string[];
  /** Progress lines; default writes to stderr. */
  log?: (line: string) => void;
}

/** Status of one node. */
export interface NodeStatus {
  node: NodeInfo;
  pid: number | null;
  /** Its process exists (it may be paused). */
  running: boolean;
  /** Its process is stopped by SIGSTOP (pauseNode). */
  paused: boolean;
  answers: boolean;
}

const defaultLog = (line: string) => console.error(line);

/** Which nodes of a cluster run, are paused, and answer. */
export async function status(name = "main"): Promise<NodeStatus[]> {
  const info = await readCluster(name);
  if (!info) return [];
  return await Promise.all(info.nodes.map(async (node) => {
    const pid = await runningPid(node.dir);
    return {
      node,
      pid,
      running: pid !== null,
      paused: pid !== null && await isPaused(pid),
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

/**
 * Stops every node of a cluster that this launcher started, paused ones included (nodes already
 * gone are skipped). Returns how many it stopped.
 */
export async function stop(name = "main", log = defaultLog): Promise<number> {
  const info = await readCluster(name);
  if (!info) return 0;
  let stopped = 0;
  await Promise.all(info.nodes.map(async (node) => {
    const pid = await runningPid(node.dir);
    if (pid === null) return;
    const how = await terminate(pid, node.dir);
    stopped++;
    log(`${how} node${node.index} ${node.address}:${node.port} (pid ${pid})`);
  }));
  return stopped;
}

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
  const dir = clusterDir(name);

  const previous = await readCluster(name);
  if (previous) {
    const running = await alreadyRunning(previous, opts, count, first, log);
    if (running) return running;
    // Some nodes are down or half-started: start again from a clean state.
    await stop(name, log);
  }

  const line = opts.version ?? DEFAULT_LINE;
  // Another line's data is not this line's to read (older lines cannot read newer sstables).
  const nodes = opts.keepData && previous && sameNodes(previous, count, first, port) &&
      lineOf(previous.version) === line
    ? previous.nodes.map((n) => ({
      ...n,
      tokens: tokensOf(n, count),
      jmxPort: n.jmxPort ?? jmxPortFor(n.address),
    }))
    : freshNodes(dir, count, first, port, opts.dcs ?? ["datacenter1"], opts.racks ?? ["rack1"]);
  for (const n of nodes) {
    if (await answers({ host: n.address, port: n.port }, 1000)) {
      throw new Error(
        `something not started by this launcher already answers on ${n.address}:${n.port}`,
      );
    }
  }

  const jars = await resolveJars({ quiet: false, line });
  log(`cassandra ${jars.version}: jars ${jars.resolved ? "resolved" : "cached"} in ${ms(jars.ms)}`);

  let tlsFiles: TlsFiles | undefined;
  if (opts.tls) tlsFiles = await generateTls(join(dir, "tls"), nodes.map((n) => n.address));
  const settings: ClusterSettings = {
    name: `cql-${name}`,
    line,
    seeds: [nodes[0].address],
    auth: !!opts.auth,
    tls: tlsFiles && {
      keystore: tlsFiles.keystore,
      truststore: tlsFiles.truststore,
      password: tlsFiles.password,
      clientAuth: !!opts.clientAuth,
    },
  };
  const heap = opts.heapMb ?? (count === 1 ? 1024 : 768);
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
    heapMb: heap,
    startMs: 0,
    jarsMs: jars.ms,
    jarsResolved: jars.resolved,
    started: true,
  };
  await writeCluster(info);

  const timeoutMs = opts.timeoutMs ?? 240_000;
  const t0 = performance.now();
  const keepData = !!opts.keepData;
  // The seed first: the others bootstrap from it. They can then join together because
  // consistent range movement is off for test clusters.
  await writeNodeConfig(nodes[0], settings, { keepData, bootstrap: false });
  await launchNode(nodes[0], jars, heap);
  await waitAnswering(info, [nodes[0]], t0, timeoutMs, log);
  if (nodes.length > 1) {
    for (const n of nodes.slice(1)) {
      await writeNodeConfig(n, settings, { keepData, bootstrap: false });
      await launchNode(n, jars, heap);
    }
    await waitAnswering(info, nodes.slice(1), t0, timeoutMs, log);
  }
  info.startMs = performance.now() - t0;
  await writeCluster(info);
  log(`cluster ${name}: ${count} node(s) of ${jars.version} answer CQL after ${ms(info.startMs)}`);
  return info;
}

/**
 * The running cluster when every node answers and it has the settings asked for; an error when
 * it answers with other settings; null when some node is down. Nodes added or decommissioned
 * since the start count: a cluster of 3 that gained a node is not the 3-node cluster asked for.
 */
async function alreadyRunning(
  previous: ClusterInfo,
  opts: StartOptions,
  count: number,
  first: string,
  log: (line: string) => void,
): Promise<ClusterInfo | null> {
  const st = await status(previous.name);
  if (st.length === 0 || !st.every((s) => s.running && s.answers)) return null;
  const line = opts.version ?? DEFAULT_LINE;
  const differences = [
    lineOf(previous.version) !== line && `Cassandra ${previous.version}, not ${line}`,
    previous.nodes.length !== count && `${previous.nodes.length} nodes, not ${count}`,
    previous.nodes[0].address !== first && `first node ${previous.nodes[0].address}`,
    previous.auth !== !!opts.auth && `auth ${previous.auth ? "on" : "off"}`,
    !!previous.tls !== !!opts.tls && `TLS ${previous.tls ? "on" : "off"}`,
    !!previous.tls?.clientAuth !== !!opts.clientAuth &&
    `client auth ${previous.tls?.clientAuth ? "on" : "off"}`,
    placementDiffers(previous, opts) && "other data centers or racks",
  ].filter(Boolean);
  if (differences.length > 0) {
    throw new Error(
      `cluster ${previous.name} is running with other settings (${
        differences.join(", ")
      }); stop it first (npm run cassandra -- stop --name ${previous.name})`,
    );
  }
  log(`cluster ${previous.name}: ${count} node(s) already answer; nothing to start`);
  return { ...previous, startMs: 0, jarsMs: 0, jarsResolved: false, started: false };
}

/** True when the nodes' data centers or racks are not those `opts` asks for. */
function placementDiffers(previous: ClusterInfo, opts: StartOptions): boolean {
  const dcs = opts.dcs ?? ["datacenter1"], racks = opts.racks ?? ["rack1"];
  return previous.nodes.some((n, i) =>
    n.index <= previous.nodes.length && i < previous.nodes.length &&
    (n.dc !== dcs[(n.index - 1) % dcs.length] || n.rack !== racks[(n.index - 1) % racks.length])
  );
}

function sameNodes(previous: ClusterInfo, count: number, first: string, port: number): boolean {
  return previous.nodes.length === count && previous.nodes[0].address === first &&
    previous.nodes.every((n) => n.port === port);
}

/** A description from before addNode lacks tokens: those of an untouched ring of `count`. */
function tokensOf(n: NodeInfo, count: number): string[] {
  return n.tokens ?? nodeTokens(n.index - 1, count, TOKENS_PER_NODE);
}

function freshNodes(
  dir: string,
  count: number,
  first: string,
  port: number,
  dcs: string[],
  racks: string[],
): (NodeInfo & { tokens: string[] })[] {
  return Array.from({ length: count }, (_, i) => {
    const address = nthAddress(first, i);
    return {
      index: i + 1,
      address,
      port,
      dc: dcs[i % dcs.length],
      rack: racks[i % racks.length],
      dir: join(dir, `node${i + 1}`),
      tokens: nodeTokens(i, count, TOKENS_PER_NODE),
      jmxPort: jmxPortFor(address),
    };
  });
}
