/**
 * The benchmark's own Cassandra node: started empty for every run, on an address no test uses,
 * with the heap Cassandra would give itself on this machine.
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
  port: 9042,
  dataCenter: "datacenter1",
} as const;

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

/** Stops any earlier benchmark node and starts an empty one. Returns its address. */
export async function startBenchNode(
  log: (s: string) => void,
): Promise<{ host: string; port: number }> {
  await stop(BENCH_CLUSTER.name, log);
  const heapMb = cassandraDefaultHeapMb(await systemMemoryMb());
  const info = await start({
    name: BENCH_CLUSTER.name,
    address: BENCH_CLUSTER.address,
    port: BENCH_CLUSTER.port,
    heapMb,
    log,
  });
  log(`benchmark node ${BENCH_CLUSTER.address} (Cassandra ${info.version}, heap ${heapMb} MiB)`);
  return { host: BENCH_CLUSTER.address, port: BENCH_CLUSTER.port };
}

/** Stops the benchmark node. */
export async function stopBenchNode(log: (s: string) => void): Promise<void> {
  await stop(BENCH_CLUSTER.name, log);
}
