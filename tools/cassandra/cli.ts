/**
 * `npm run cassandra -- <command> [flags]`: the local Cassandra for tests, benchmarks and the
 * demo. See USAGE.
 *
 * @module
 */
import { resolveJars } from "./jars.ts";
import { type CassandraLine, parseLine } from "./versions.ts";
import {
  addNode,
  decommissionNode,
  killNode,
  logs,
  pauseNode,
  readCluster,
  resumeNode,
  start,
  startNode,
  status,
  stop,
  stopNode,
} from "./launcher.ts";

const USAGE = `usage: npm run cassandra -- <command> [flags]

commands:
  start    start a cluster and wait until every node answers CQL
           (--node N: start that node again, with its data)
  stop     stop the nodes this launcher started (--node N: only that one)
  kill     --node N: SIGKILL that node
  pause    --node N: SIGSTOP that node (it stops answering, its sockets stay open)
  resume   --node N: SIGCONT a paused node
  add      bootstrap one more node into the running cluster (--dc, --rack)
  decommission  --node N: stream that node's data away, stop it, forget it
  status   say which nodes run, are paused and answer
  logs     print the tail of a node's log
  jars     resolve the Cassandra jars of --version (--refresh to resolve again)

flags:
  --name NAME        cluster name (default main)
  --version LINE     with start, jars: Cassandra 3.11, 4.0, 4.1 or 5.0 (default 5.0), the
                     newest patch release of that line from Maven Central
  --nodes N          number of nodes on 127.0.0.1 ... 127.0.0.N (default 1)
  --address IP       first node's address (default 127.0.0.1)
  --port N           CQL port (default 9042)
  --auth             PasswordAuthenticator, superuser cassandra/cassandra
  --tls              client encryption with a CA generated on the spot
  --client-auth      with --tls: require a client certificate
  --heap MB          heap per node
  --dcs A,B          data centers, assigned round-robin
  --racks A,B        racks, assigned round-robin (node i gets the i-th, cycling)
  --keep-data        keep the data of the previous run
  --node N           which node (logs: default 1)
  --dc DC, --rack R  with add: where the new node goes (default: node 1's)
  --lines N          with logs: how many lines (default 60)`;

const BOOLEAN_FLAGS = new Set(["auth", "tls", "client-auth", "keep-data", "refresh", "help"]);

/** A command line split into the command and its flags (`--k v`, `--k=v`, or a boolean `--k`). */
export function parseArgs(args: string[]): { cmd: string; flags: Map<string, string | true> } {
  const [cmd = "", ...rest] = args;
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf("=");
    const k = eq < 0 ? a.slice(2) : a.slice(2, eq);
    const v = eq < 0 ? undefined : a.slice(eq + 1);
    if (BOOLEAN_FLAGS.has(k)) flags.set(k, true);
    else if (v !== undefined) flags.set(k, v);
    else if (i + 1 < rest.length) flags.set(k, rest[++i]);
    else throw new Error(`--${k} needs a value`);
  }
  return { cmd, flags };
}

function num(v: string | true | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`not a positive whole number: ${v}`);
  return n;
}

function str(v: string | true | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function line(v: string | true | undefined): CassandraLine | undefined {
  const s = str(v);
  return s === undefined ? undefined : parseLine(s);
}

/** The --node a per-node command cannot do without. */
function requiredNode(cmd: string, flags: Map<string, string | true>): number {
  const n = num(flags.get("node"));
  if (n === undefined) throw new Error(`${cmd} needs --node N`);
  return n;
}

async function main(args: string[]): Promise<number> {
  const { cmd, flags } = parseArgs(args);
  const name = str(flags.get("name")) ?? "main";
  const node = num(flags.get("node"));
  switch (cmd) {
    case "start":
      if (node !== undefined) {
        const took = await startNode(name, node);
        console.log(`node${node}: ${took === 0 ? "already answers" : `back after ${secs(took)}`}`);
        return 0;
      }
      return await startCluster(name, flags);
    case "stop": {
      if (node !== undefined) {
        await stopNode(name, node);
        return 0;
      }
      const n = await stop(name);
      console.log(n === 0 ? `cluster ${name}: nothing to stop` : `cluster ${name}: stopped ${n}`);
      return 0;
    }
    case "kill":
      await killNode(name, requiredNode(cmd, flags));
      console.log(`node${node}: killed`);
      return 0;
    case "pause":
      await pauseNode(name, requiredNode(cmd, flags));
      console.log(`node${node}: paused`);
      return 0;
    case "resume":
      await resumeNode(name, requiredNode(cmd, flags));
      console.log(`node${node}: resumed`);
      return 0;
    case "add": {
      const t0 = performance.now();
      const n = await addNode(name, { dc: str(flags.get("dc")), rack: str(flags.get("rack")) });
      console.log(
        `node${n.index} ${n.address}:${n.port} dc=${n.dc} rack=${n.rack} joined after ${
          secs(performance.now() - t0)
        }`,
      );
      return 0;
    }
    case "decommission": {
      const t0 = performance.now();
      await decommissionNode(name, requiredNode(cmd, flags));
      console.log(`node${node}: decommissioned after ${secs(performance.now() - t0)}`);
      return 0;
    }
    case "status":
      return await printStatus(name);
    case "logs":
      console.log(await logs(name, node ?? 1, num(flags.get("lines")) ?? 60));
      return 0;
    case "jars": {
      const j = await resolveJars({
        refresh: flags.has("refresh"),
        line: line(flags.get("version")),
      });
      console.log(
        `cassandra ${j.version} in ${j.dir} (${j.resolved ? "resolved" : "cached"}, ${
          Math.round(j.ms)
        } ms)`,
      );
      return 0;
    }
    default:
      console.log(USAGE);
      return cmd === "" || cmd === "help" || flags.has("help") ? 0 : 2;
  }
}

async function startCluster(name: string, flags: Map<string, string | true>): Promise<number> {
  const info = await start({
    name,
    version: line(flags.get("version")),
    nodes: num(flags.get("nodes")),
    address: str(flags.get("address")),
    port: num(flags.get("port")),
    auth: flags.has("auth"),
    tls: flags.has("tls"),
    clientAuth: flags.has("client-auth"),
    heapMb: num(flags.get("heap")),
    dcs: str(flags.get("dcs"))?.split(","),
    racks: str(flags.get("racks"))?.split(","),
    keepData: flags.has("keep-data"),
  });
  console.log(`cluster ${info.name}: cassandra ${info.version}`);
  for (const n of info.nodes) {
    console.log(`node${n.index} ${n.address}:${n.port} dc=${n.dc} rack=${n.rack}`);
  }
  if (info.auth) console.log("auth: PasswordAuthenticator, superuser cassandra/cassandra");
  if (info.tls) {
    console.log(`tls: CA ${info.tls.caPem}`);
    console.log(`     client cert ${info.tls.clientCertPem} key ${info.tls.clientKeyPem}`);
  }
  return 0;
}

async function printStatus(name: string): Promise<number> {
  const st = await status(name);
  if (st.length === 0) console.log(`cluster ${name}: never started`);
  else console.log(`cluster ${name}: cassandra ${(await readCluster(name))?.version ?? "?"}`);
  for (const s of st) {
    const run = s.running ? `running (pid ${s.pid})${s.paused ? ", paused" : ""}` : "not running";
    console.log(
      `node${s.node.index} ${s.node.address}:${s.node.port} ${run}, ` +
        `${s.answers ? "answers CQL" : "does not answer"}`,
    );
  }
  return st.length > 0 && st.every((s) => s.answers) ? 0 : 1;
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(`cassandra: ${e instanceof Error ? e.message : String(e)}`);
    Deno.exit(1);
  }
}
