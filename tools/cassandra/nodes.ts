/**
 * One node of a running cluster at a time: stop, kill, pause, resume and restart it, add a node
 * that bootstraps into the ring, or decommission one. For tests of how a client copes with a
 * cluster that changes under it.
 *
 * @module
 */
import {
  type ClusterInfo,
  type NodeInfo,
  requireCluster,
  requireNode,
  writeCluster,
} from "./cluster-info.ts";
import {
  addedNodeTokens,
  type ClusterSettings,
  jmxPortFor,
  nodeTokens,
  TOKENS_PER_NODE,
} from "./config.ts";
import { resolveJars } from "./jars.ts";
import { lineOf } from "./versions.ts";
import { nodetool } from "./nodetool.ts";
import { join } from "./path.ts";
import { clusterDir } from "./paths.ts";
import { answers, type Credentials, selectJson } from "./probe.ts";
import { isPaused, kill, runningPid, signal, sleep, terminate } from "./process.ts";
import {
  launchNode,
  ms,
  nthAddress,
  probeTarget,
  setSeeds,
  waitAnswering,
  writeNodeConfig,
} from "./spawn.ts";

const defaultLog = (line: string) => console.error(line);

/**
 * Stops node `index` of cluster `name` the way an operator would: SIGTERM, and SIGKILL when it
 * is still there after 30 s. Resolves once the process is gone; does nothing when it is not
 * running. Its data stays: {@link startNode} brings it back.
 */
export async function stopNode(
  name: string,
  index: number,
  log: (l: string) => void = defaultLog,
): Promise<void> {
  const node = requireNode(await requireCluster(name), index);
  const pid = await runningPid(node.dir);
  if (pid === null) {
    log(`node${index} ${node.address}:${node.port} is not running`);
    return;
  }
  const how = await terminate(pid, node.dir);
  log(`${how} node${index} ${node.address}:${node.port} (pid ${pid})`);
}

/**
 * Kills node `index` of cluster `name` with SIGKILL (a crash: no drain, no goodbye to the
 * others) and resolves once the process is gone. Does nothing when it is not running.
 */
export async function killNode(name: string, index: number): Promise<void> {
  const node = requireNode(await requireCluster(name), index);
  const pid = await runningPid(node.dir);
  if (pid !== null) await kill(pid, node.dir);
}

/**
 * Freezes node `index` of cluster `name` with SIGSTOP: its sockets stay open but nothing answers,
 * like a node stuck in a long GC pause. Resolves once the process is stopped.
 */
export async function pauseNode(name: string, index: number): Promise<void> {
  const pid = await requirePid(name, index);
  signal(pid, "SIGSTOP");
  await until(() => isPaused(pid), `node${index} of cluster ${name} to stop`);
}

/** Lets node `index` of cluster `name` run again after {@link pauseNode} (SIGCONT). */
export async function resumeNode(name: string, index: number): Promise<void> {
  const pid = await requirePid(name, index);
  signal(pid, "SIGCONT");
  await until(async () => !await isPaused(pid), `node${index} of cluster ${name} to resume`);
}

/**
 * Starts node `index` of cluster `name` again after {@link stopNode} or {@link killNode}, with
 * its data, and waits until it answers a CQL OPTIONS request. Returns the milliseconds that
 * took; 0 when it already ran and answered. A paused node is an error: resume it instead.
 */
export async function startNode(
  name: string,
  index: number,
  opts: { timeoutMs?: number; log?: (l: string) => void } = {},
): Promise<number> {
  const log = opts.log ?? defaultLog;
  const info = await requireCluster(name);
  const node = requireNode(info, index);
  const t0 = performance.now();
  const pid = await runningPid(node.dir);
  if (pid !== null && await isPaused(pid)) {
    throw new Error(`node${index} of cluster ${name} is paused: resume it rather than start it`);
  }
  if (pid !== null && await answers(await probeTarget(info, node), 1500)) return 0;
  // A node still starting is waited for like one started here.
  if (pid === null) await relaunch(info, node);
  await waitAnswering(info, [node], t0, opts.timeoutMs ?? 240_000, log);
  const took = performance.now() - t0;
  log(`node${index} ${node.address}:${node.port} is back after ${ms(took)}`);
  return took;
}

/** Starts the JVM of a node that ran before, with its configuration and data. */
async function relaunch(info: ClusterInfo, node: NodeInfo): Promise<void> {
  const yamlFile = join(node.dir, "conf", "cassandra.yaml");
  const yaml = await Deno.readTextFile(yamlFile).catch(() => {
    throw new Error(`node${node.index} has no configuration (${yamlFile}): start the cluster`);
  });
  // Every listed node becomes a seed, so this one restarts whichever of the others are up, even
  // when node 1 (the seed at the cluster's start) is down or gone, or alone. Only a node that
  // bootstraps must not be its own seed: a seed never bootstraps, so one killed while joining
  // would come back without its data.
  const selfSeed = !/^auto_bootstrap: true$/m.test(yaml);
  const seeds = info.nodes.filter((n) => n !== node || selfSeed).map((n) => n.address);
  await setSeeds(node.dir, seeds.length > 0 ? seeds : [node.address], lineOf(info.version));
  if (node.jmxPort === undefined) {
    node.jmxPort = jmxPortFor(node.address);
    await writeCluster(info);
  }
  const jars = await resolveJars({ quiet: true, line: lineOf(info.version) });
  await launchNode(node, jars, heapOf(info));
}

/**
 * Adds a node to the running cluster `name`: on the address after the last node's, on the same
 * CQL port, in `dc` (default: node 1's) and `rack` (default: node 1's). It bootstraps (streams
 * its ranges' data from the others) with tokens halfway between existing ones. Resolves once it
 * answers CQL and every other answering node lists it, with its tokens, in system.peers (it is
 * in the ring, NORMAL). The node is in cluster.json from before it starts; when it fails to
 * join it is killed and removed again.
 */
export async function addNode(
  name: string,
  opts: { dc?: string; rack?: string; timeoutMs?: number; log?: (l: string) => void } = {},
): Promise<NodeInfo> {
  const log = opts.log ?? defaultLog;
  const timeoutMs = opts.timeoutMs ?? 240_000;
  const t0 = performance.now();
  const info = await requireCluster(name);
  if (info.tls) {
    throw new Error(
      `cluster ${name} uses TLS: its server certificate names only the first nodes' addresses`,
    );
  }
  const others = await answeringNodes(info);
  if (others.length === 0) throw new Error(`no node of cluster ${name} answers: start it first`);
  const node = nextNode(info, opts.dc, opts.rack);
  if (await answers({ host: node.address, port: node.port }, 1000)) {
    throw new Error(`something already answers on ${node.address}:${node.port}`);
  }
  const settings: ClusterSettings = {
    name: `cql-${name}`,
    line: lineOf(info.version),
    seeds: info.nodes.map((n) => n.address),
    auth: info.auth,
  };
  await writeNodeConfig(node, settings, { keepData: false, bootstrap: true });
  // Listed before it starts, so that stop() finds it whatever happens next.
  info.nodes.push(node);
  await writeCluster(info);
  const jars = await resolveJars({ quiet: true, line: lineOf(info.version) });
  log(`node${node.index} ${node.address}: bootstrapping into cluster ${name}`);
  try {
    await launchNode(node, jars, heapOf(info));
    await waitAnswering(info, [node], t0, timeoutMs, log);
    await untilPeers(info, others, node, true, t0 + timeoutMs);
  } catch (e) {
    const pid = await runningPid(node.dir);
    if (pid !== null) await kill(pid, node.dir);
    info.nodes = info.nodes.filter((n) => n !== node);
    await writeCluster(info);
    throw e;
  }
  log(`node${node.index} ${node.address}:${node.port} joined the ring after ${ms(elapsed(t0))}`);
  return node;
}

/** The node addNode adds: next index, next address, tokens between the existing ones. */
function nextNode(
  info: ClusterInfo,
  dc: string | undefined,
  rack: string | undefined,
): NodeInfo & { tokens: string[] } {
  const first = info.nodes[0];
  const last = info.nodes.reduce((a, b) => (b.index > a.index ? b : a));
  const index = last.index + 1;
  const address = nthAddress(last.address, 1);
  const existing = info.nodes.flatMap((n) =>
    n.tokens ?? nodeTokens(n.index - 1, info.nodes.length, TOKENS_PER_NODE)
  );
  return {
    index,
    address,
    port: first.port,
    dc: dc ?? first.dc,
    rack: rack ?? first.rack,
    dir: join(clusterDir(info.name), `node${index}`),
    tokens: addedNodeTokens(existing, TOKENS_PER_NODE),
    jmxPort: jmxPortFor(address),
  };
}

/**
 * Decommissions node `index` of cluster `name` (nodetool decommission: it streams its data to
 * the nodes that take over its ranges and leaves the ring), then stops its process, deletes its
 * data and removes it from cluster.json. Resolves once no other answering node lists it in
 * system.peers. The node's logs stay in its folder.
 */
export async function decommissionNode(
  name: string,
  index: number,
  opts: { log?: (l: string) => void } = {},
): Promise<void> {
  const log = opts.log ?? defaultLog;
  const t0 = performance.now();
  const info = await requireCluster(name);
  const node = requireNode(info, index);
  if (info.nodes.length === 1) throw new Error(`node${index} is the last node of cluster ${name}`);
  if (node.jmxPort === undefined) {
    throw new Error(
      `node${index} of cluster ${name} runs without JMX (started by an older launcher): ` +
        `restart it (stop --node ${index}, start --node ${index}) first`,
    );
  }
  const pid = await requirePid(name, index);
  if (await isPaused(pid)) throw new Error(`node${index} of cluster ${name} is paused`);
  const jars = await resolveJars({ quiet: true, line: lineOf(info.version) });
  log(`node${index} ${node.address}: decommissioning`);
  // --force: without it Cassandra refuses to leave when fewer nodes than a keyspace's replication
  // factor would remain, which in a test ring of 3 is already true of system_distributed (RF 3).
  await nodetool(jars.dir, node.jmxPort, ["decommission", "--force"]);
  log(`node${index} ${node.address}: left the ring after ${ms(elapsed(t0))}`);
  await terminate(pid, node.dir);
  // Kept, its data would make a node later added on this address refuse to start ("this node
  // was decommissioned").
  for (const sub of ["data", "commitlog", "saved_caches", "hints", "cdc_raw"]) {
    await Deno.remove(join(node.dir, sub), { recursive: true }).catch(() => {});
  }
  const now = await requireCluster(name);
  now.nodes = now.nodes.filter((n) => n.index !== index);
  await writeCluster(now);
  await untilPeers(now, await answeringNodes(now), node, false, performance.now() + 60_000);
  log(`node${index} ${node.address}: decommissioned in ${ms(elapsed(t0))}`);
}

/** Nodes of the cluster whose process runs and which answer CQL. */
async function answeringNodes(info: ClusterInfo): Promise<NodeInfo[]> {
  const up = await Promise.all(info.nodes.map(async (n) => {
    const pid = await runningPid(n.dir);
    return pid !== null && !await isPaused(pid) && await answers(await probeTarget(info, n), 1500);
  }));
  return info.nodes.filter((_, i) => up[i]);
}

/**
 * Waits until every node of `observers` lists `node` in system.peers with tokens (`present`) or
 * does not list it at all (`!present`).
 */
async function untilPeers(
  info: ClusterInfo,
  observers: NodeInfo[],
  node: NodeInfo,
  present: boolean,
  deadline: number,
): Promise<void> {
  const credentials: Credentials | undefined = info.auth
    ? { username: "cassandra", password: "cassandra" }
    : undefined;
  for (const o of observers.filter((o) => o.address !== node.address)) {
    const target = await probeTarget(info, o);
    for (;;) {
      const rows = await selectJson(
        target,
        "SELECT JSON peer, tokens FROM system.peers",
        credentials,
      ).catch(() => null);
      const row = rows?.find((r) => r.peer === node.address);
      const done = present ? Array.isArray(row?.tokens) && row.tokens.length > 0 : !row;
      if (rows && done) break;
      if (performance.now() > deadline) {
        throw new Error(
          `node${o.index} ${o.address} still ${present ? "does not list" : "lists"} ` +
            `${node.address} in system.peers`,
        );
      }
      await sleep(250);
    }
  }
}

async function requirePid(name: string, index: number): Promise<number> {
  const node = requireNode(await requireCluster(name), index);
  const pid = await runningPid(node.dir);
  if (pid === null) throw new Error(`node${index} of cluster ${name} is not running`);
  return pid;
}

/** Signals are delivered asynchronously: wait until the process shows their effect. */
async function until(cond: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!await cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function heapOf(info: ClusterInfo): number {
  return info.heapMb ?? (info.nodes.length === 1 ? 1024 : 768);
}

function elapsed(t0: number): number {
  return performance.now() - t0;
}
