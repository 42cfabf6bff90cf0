/**
 * The benchmark's own Cassandra node: started empty for every run, on an address no test uses,
 * with the heap Cassandra would give itself on this machine. `--nodes 3` runs get a cluster of
 * three of their own instead (`bench3`, on 127.0.0.55–57).
 *
 * A node that has served the test suites and earlier runs for hours spent measurably more CPU
 * per request than a fresh one (select at 512 on this machine: 23–29 ms per 1000 requests against
 * 14–17 on a fresh node), which leaves the client less of the two cores and squeezes every
 * contender towards the same figure. A fresh node per run makes one run comparable with the next.
 *
 * @module
 */

import { start, stop } from "../tools/cassandra/launcher.ts";

/**
 * Cluster name and address of the benchmark node (the tests use 127.0.0.1–127.0.0.41), and its
 * data center: the launcher's default, which the driver-bound recordings were made in too.
 */
export const BENCH_CLUSTER = {
  name: "bench",
  address: "127.0.0.51",
  nodes: 1,
  port: 9042,
  dataCenter: "datacenter1",
} as const;

/**
 * The three-node benchmark cluster (`--nodes 3`): a launcher cluster of its own, on addresses
 * of its own (127.0.0.55, .56, .57), so that it and the single node never stop or block each
 * other (the launcher refuses to start a node where something else answers). One data center.
 */
export const BENCH_CLUSTER_3 = {
  name: "bench3",
  address: "127.0.0.55",
  nodes: 3,
  port: 9042,
  dataCenter: "datacenter1",
} as const;

/** A benchmark cluster: {@link BENCH_CLUSTER} or {@link BENCH_CLUSTER_3}. */
export type BenchCluster = typeof BENCH_CLUSTER | typeof BENCH_CLUSTER_3;

/** The benchmark cluster of `nodes` nodes (1 or 3). */
export function benchCluster(nodes: number): BenchCluster {
  if (nodes === 1) return BENCH_CLUSTER;
  if (nodes === 3) return BENCH_CLUSTER_3;
  throw new Error(`no benchmark cluster of ${nodes} nodes (1 or 3)`);
}

/**
 * The heap size Cassandra's own `conf/cassandra-env.sh` picks for a machine with `ramMb` of
 * memory: max(min(ram / 2, 1 GiB), min(ram / 4, 8 GiB)).
 */
export function cassandraDefaultHeapMb(ramMb: number): number {
  const half = Math.min(Math.floor(ramMb / 2), 1024);
  const quarter = Math.min(Math.floor(ramMb / 4), 8192);
  return Math.max(half, quarter);
}

/** Total memory from /proc/meminfo, in MiB. */
async function systemMemoryMb(): Promise<number> {
  const text = await Deno.readTextFile("/proc/meminfo");
  const kb = Number(/^MemTotal:\s+(\d+) kB/m.exec(text)?.[1]);
  if (!Number.isFinite(kb) || kb <= 0) throw new Error("cannot read MemTotal from /proc/meminfo");
  return Math.floor(kb / 1024);
}

/**
 * Heap per node for a cluster of `nodes` on this machine: what `cassandra-env.sh` would pick on
 * a machine with a `nodes`-th of its memory. One node keeps Cassandra's own default (6 GiB of
 * 24); three get 2 GiB each, so together they hold the quarter of the memory one default node
 * would, and the rest stays for what a heap does not cover (direct buffers, metaspace, thread
 * stacks: about 0.5–1 GiB more per JVM), the page cache, the clients and the other clusters that
 * run on this shared machine.
 */
export async function benchHeapMb(nodes: number): Promise<number> {
  return cassandraDefaultHeapMb(Math.floor((await systemMemoryMb()) / nodes));
}

/** Stops any earlier benchmark node (or cluster) and starts an empty one. Returns its address. */
export async function startBenchNode(
  log: (s: string) => void,
  cluster: BenchCluster = BENCH_CLUSTER,
): Promise<{ host: string; port: number }> {
  await stop(cluster.name, log);
  const heapMb = await benchHeapMb(cluster.nodes);
  const info = await start({
    name: cluster.name,
    nodes: cluster.nodes,
    address: cluster.address,
    port: cluster.port,
    heapMb,
    dcs: [cluster.dataCenter],
    log,
  });
  const addresses = info.nodes.map((n) => n.address).join(", ");
  log(
    `benchmark ${cluster.nodes === 1 ? "node" : `cluster ${cluster.name}:`} ${addresses} ` +
      `(Cassandra ${info.version}, heap ${heapMb} MiB${cluster.nodes === 1 ? "" : " each"})`,
  );
  return { host: cluster.address, port: cluster.port };
}

/** Stops the benchmark node (or cluster). */
export async function stopBenchNode(
  log: (s: string) => void,
  cluster: BenchCluster = BENCH_CLUSTER,
): Promise<void> {
  await stop(cluster.name, log);
}
