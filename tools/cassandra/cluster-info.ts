/**
 * A cluster's saved description, `cluster.json` in its folder: what `start` wrote and what the
 * per-node commands read and update.
 *
 * @module
 */
import { join } from "./path.ts";
import { clusterDir } from "./paths.ts";

/** A node of a started cluster. */
export interface NodeInfo {
  index: number;
  address: string;
  port: number;
  dc: string;
  rack: string;
  dir: string;
  /** Its initial tokens (Murmur3, decimal). Absent in descriptions older than addNode. */
  tokens?: string[];
  /** Its local JMX port on 127.0.0.1 (nodetool). Absent for nodes started without JMX. */
  jmxPort?: number;
}

/** What `start` reports and what `cluster.json` keeps. */
export interface ClusterInfo {
  name: string;
  /** The Cassandra version its nodes run, e.g. "4.1.10"; its line is `lineOf(version)`. */
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
  /** Heap per node in MiB, for nodes restarted or added later. */
  heapMb?: number;
  /** Milliseconds the start took (resolving jars excluded), 0 when already running. */
  startMs: number;
  /** Milliseconds resolving jars took, and whether Maven ran. */
  jarsMs: number;
  jarsResolved: boolean;
  /** False when every node already answered and nothing was started. */
  started: boolean;
}

function clusterFile(name: string): string {
  return join(clusterDir(name), "cluster.json");
}

/** Reads a cluster's saved description, or null when it was never started. */
export async function readCluster(name = "main"): Promise<ClusterInfo | null> {
  try {
    return JSON.parse(await Deno.readTextFile(clusterFile(name)));
  } catch {
    return null;
  }
}

/** Saves a cluster's description (write, then rename: a reader never sees half a file). */
export async function writeCluster(info: ClusterInfo): Promise<void> {
  await Deno.mkdir(clusterDir(info.name), { recursive: true });
  const tmp = `${clusterFile(info.name)}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(info, null, 2));
  await Deno.rename(tmp, clusterFile(info.name));
}

/** The cluster's description, or an error naming the command that creates it. */
export async function requireCluster(name: string): Promise<ClusterInfo> {
  const info = await readCluster(name);
  if (!info) throw new Error(`cluster ${name} was never started (npm run cassandra -- start)`);
  return info;
}

/** Node `index` of the cluster, or an error listing the nodes it has. */
export function requireNode(info: ClusterInfo, index: number): NodeInfo {
  const node = info.nodes.find((n) => n.index === index);
  if (!node) {
    throw new Error(
      `cluster ${info.name} has no node ${index} (nodes: ${
        info.nodes.map((n) => n.index).join(", ")
      })`,
    );
  }
  return node;
}
