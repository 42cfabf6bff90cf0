/**
 * Cold start: the time from spawning a fresh process to the first query's rows (import,
 * connect, one SELECT), cql on Deno, Bun and Node against cassandra-driver on Node, each with
 * its defaults, median of `--runs` fresh processes per contender, in rotated order. Run by hand;
 * prints a table and writes bench/results/cold-start-<nodes>nodes-<keyspaces>ks.json.
 *
 *   node_modules/.bin/deno run -A bench/cold-start.ts [--nodes 1|3] [--keyspaces 100]
 *     [--runs 10] [--keep-node] [--host H --port P]
 *
 * `--keyspaces N` first makes N keyspaces of 10 tables each (`cold_ks_<i>`, kept between runs,
 * so a second run reuses them): cassandra-driver reads the whole schema during `connect()`
 * (`isMetadataSyncEnabled` defaults to true), cql after it, in the background. Without
 * `--host` the run starts the benchmark node (or, with `--nodes 3`, the three-node benchmark
 * cluster) of bench/node.ts and stops it at the end unless `--keep-node`.
 *
 * @module
 */
import { Client } from "../mod.ts";
import { benchCluster, startBenchNode, stopBenchNode } from "./node.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const WORKER = new URL("./workers/cold-start.mjs", import.meta.url).pathname;
const TABLES_PER_KEYSPACE = 10;

function flag(name: string): string | undefined {
  const at = Deno.args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  const found = Deno.args[at];
  if (found.includes("=")) return found.slice(found.indexOf("=") + 1);
  const next = Deno.args[at + 1];
  return next !== undefined && !next.startsWith("--") ? next : "true";
}

interface Contender {
  name: string;
  driver: "cql" | "cassandra-driver";
  cmd: string[];
}

interface Sample {
  firstAnswerMs: number;
  importMs: number;
  connectMs: number;
  queryMs: number;
  cpuMs: number;
}

const bin = (name: string) => `${ROOT}node_modules/.bin/${name}`;
const CONTENDERS: Contender[] = [
  { name: "cql deno", driver: "cql", cmd: [Deno.execPath(), "run", "-A", WORKER] },
  { name: "cql bun", driver: "cql", cmd: [bin("bun"), WORKER] },
  { name: "cql node", driver: "cql", cmd: ["node", WORKER] },
  { name: "cassandra-driver node", driver: "cassandra-driver", cmd: ["node", WORKER] },
];

/** Makes `count` keyspaces of ten tables each where they are missing. */
async function ensureKeyspaces(contact: string, dc: string, count: number): Promise<void> {
  if (count === 0) return;
  const client = new Client({ contactPoints: [contact], localDataCenter: dc });
  await client.connect();
  const t0 = performance.now();
  let made = 0;
  try {
    let next = 0;
    // Two at a time: concurrent schema changes on one coordinator, each awaited for agreement.
    const worker = async () => {
      while (next < count) {
        const ks = `cold_ks_${next++}`;
        const have = await client.execute(
          "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
          [ks],
        );
        if (have.rows.length >= TABLES_PER_KEYSPACE) continue;
        await client.execute(
          `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = ` +
            `{'class': 'SimpleStrategy', 'replication_factor': 1}`,
        );
        for (let t = 0; t < TABLES_PER_KEYSPACE; t++) {
          await client.execute(
            `CREATE TABLE IF NOT EXISTS ${ks}.t${t} (k int, c timeuuid, a text, ` +
              `b map<text, int>, s int static, PRIMARY KEY (k, c))`,
          );
        }
        made++;
      }
    };
    await Promise.all([worker(), worker()]);
  } finally {
    await client.close();
  }
  const tables = await countTables(contact, dc);
  console.log(
    `schema: ${count} keyspaces of ${TABLES_PER_KEYSPACE} tables (${made} made in ${
      ((performance.now() - t0) / 1000).toFixed(0)
    } s); ${tables} tables in all`,
  );
}

async function countTables(contact: string, dc: string): Promise<number> {
  const client = new Client({ contactPoints: [contact], localDataCenter: dc });
  try {
    const rs = await client.execute("SELECT keyspace_name FROM system_schema.tables");
    return rs.rows.length;
  } finally {
    await client.close();
  }
}

async function once(c: Contender, contact: string, dc: string): Promise<Sample> {
  const job = JSON.stringify({ driver: c.driver, contactPoints: [contact], localDataCenter: dc });
  const spawnedAt = Date.now();
  const out = await new Deno.Command(c.cmd[0], {
    args: [...c.cmd.slice(1), job],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(`${c.name} failed: ${new TextDecoder().decode(out.stderr).slice(-2000)}`);
  }
  const r = JSON.parse(text.split("\n").pop()!);
  if (!/^\d+\.\d+/.test(r.release)) throw new Error(`${c.name}: no release_version: ${text}`);
  return {
    firstAnswerMs: r.rowsAt - spawnedAt,
    importMs: r.importMs,
    connectMs: r.connectMs,
    queryMs: r.queryMs,
    cpuMs: r.cpuMs,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main(): Promise<void> {
  const nodes = Number(flag("nodes") ?? 1);
  const keyspaces = Number(flag("keyspaces") ?? 0);
  const runs = Number(flag("runs") ?? 10);
  const cluster = benchCluster(nodes);
  const external = flag("host") !== undefined;
  let host = flag("host") ?? cluster.address;
  let port = Number(flag("port") ?? cluster.port);
  if (!/^127\./.test(host)) throw new Error("the benchmark only talks to 127.0.0.x");
  const dc = cluster.dataCenter;
  const build = await new Deno.Command(Deno.execPath(), { args: ["task", "build"], cwd: ROOT })
    .output();
  if (!build.success) throw new Error("npm run build failed");
  if (!external) ({ host, port } = await startBenchNode(console.log, cluster));
  try {
    const contact = `${host}:${port}`;
    await ensureKeyspaces(contact, dc, keyspaces);
    const samples = new Map<string, Sample[]>(CONTENDERS.map((c) => [c.name, []]));
    // One unmeasured start each: the OS page cache then holds every runtime and module.
    for (const c of CONTENDERS) await once(c, contact, dc);
    for (let run = 0; run < runs; run++) {
      for (let i = 0; i < CONTENDERS.length; i++) {
        const c = CONTENDERS[(run + i) % CONTENDERS.length];
        samples.get(c.name)!.push(await once(c, contact, dc));
      }
    }
    const peer = median(samples.get("cassandra-driver node")!.map((s) => s.firstAnswerMs));
    const peerCpu = median(samples.get("cassandra-driver node")!.map((s) => s.cpuMs));
    const rows = CONTENDERS.map((c) => {
      const s = samples.get(c.name)!;
      const first = s.map((x) => x.firstAnswerMs);
      return {
        contender: c.name,
        firstAnswerMs: median(first),
        minMs: Math.min(...first),
        maxMs: Math.max(...first),
        importMs: median(s.map((x) => x.importMs)),
        connectMs: median(s.map((x) => x.connectMs)),
        queryMs: median(s.map((x) => x.queryMs)),
        cpuMs: median(s.map((x) => x.cpuMs)),
        vsCassandraDriver: median(first) / peer,
        cpuVsCassandraDriver: median(s.map((x) => x.cpuMs)) / peerCpu,
      };
    });
    const tables = await countTables(contact, dc);
    console.log(
      `\ncold start, ${nodes} node(s), ${tables} tables in the schema, median of ${runs} ` +
        `fresh processes (ms)`,
    );
    const head = ["contender", "first answer", "min-max", "import", "connect", "query", "CPU"];
    const lines = rows.map((r) => [
      r.contender,
      `${r.firstAnswerMs.toFixed(0)} (${r.vsCassandraDriver.toFixed(2)}x)`,
      `${r.minMs.toFixed(0)}-${r.maxMs.toFixed(0)}`,
      r.importMs.toFixed(0),
      r.connectMs.toFixed(0),
      r.queryMs.toFixed(0),
      `${r.cpuMs.toFixed(0)} (${r.cpuVsCassandraDriver.toFixed(2)}x)`,
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    for (const l of [head, ...lines]) {
      console.log(
        l.map((x, i) => i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i])).join("  "),
      );
    }
    await Deno.mkdir(`${ROOT}bench/results`, { recursive: true });
    const file = `${ROOT}bench/results/cold-start-${nodes}nodes-${keyspaces}ks.json`;
    await Deno.writeTextFile(
      file,
      JSON.stringify({ date: new Date().toISOString(), nodes, tables, runs, rows }, null, 2) +
        "\n",
    );
    console.log(`\nwrote ${file.slice(ROOT.length)}`);
  } finally {
    if (!external && flag("keep-node") === undefined) await stopBenchNode(console.log, cluster);
  }
}

await main();
