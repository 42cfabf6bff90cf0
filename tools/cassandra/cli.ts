/**
 * `npm run cassandra -- start|stop|status|logs|jars [flags]`: the local Cassandra for tests,
 * benchmarks and the demo.
 *
 * @module
 */
import { resolveJars } from "./jars.ts";
import { logs, start, status, stop } from "./launcher.ts";

const USAGE = `usage: npm run cassandra -- <command> [flags]

commands:
  start    start a cluster and wait until every node answers CQL
  stop     stop the nodes this launcher started
  status   say which nodes run and answer
  logs     print the tail of a node's log
  jars     resolve the Cassandra jars (--refresh to resolve again)

flags:
  --name NAME        cluster name (default main)
  --nodes N          number of nodes on 127.0.0.1 ... 127.0.0.N (default 1)
  --address IP       first node's address (default 127.0.0.1)
  --port N           CQL port (default 9042)
  --auth             PasswordAuthenticator, superuser cassandra/cassandra
  --tls              client encryption with a CA generated on the spot
  --client-auth      with --tls: require a client certificate
  --heap MB          heap per node
  --dcs A,B          data centers, assigned round-robin
  --keep-data        keep the data of the previous run
  --node N           with logs: which node (default 1)
  --lines N          with logs: how many lines (default 60)`;

function parse(args: string[]): { cmd: string; flags: Map<string, string | true> } {
  const [cmd = "", ...rest] = args;
  const flags = new Map<string, string | true>();
  const boolean = new Set(["auth", "tls", "client-auth", "keep-data", "refresh", "help"]);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const [k, v] = a.slice(2).split("=", 2);
    if (boolean.has(k)) flags.set(k, true);
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

async function main(args: string[]): Promise<number> {
  const { cmd, flags } = parse(args);
  const name = (flags.get("name") as string | undefined) ?? "main";
  switch (cmd) {
    case "start": {
      const info = await start({
        name,
        nodes: num(flags.get("nodes")),
        address: flags.get("address") as string | undefined,
        port: num(flags.get("port")),
        auth: flags.has("auth"),
        tls: flags.has("tls"),
        clientAuth: flags.has("client-auth"),
        heapMb: num(flags.get("heap")),
        dcs: (flags.get("dcs") as string | undefined)?.split(","),
        keepData: flags.has("keep-data"),
      });
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
    case "stop": {
      const n = await stop(name);
      console.log(n === 0 ? `cluster ${name}: nothing to stop` : `cluster ${name}: stopped ${n}`);
      return 0;
    }
    case "status": {
      const st = await status(name);
      if (st.length === 0) console.log(`cluster ${name}: never started`);
      for (const s of st) {
        console.log(
          `node${s.node.index} ${s.node.address}:${s.node.port} ` +
            `${s.running ? `running (pid ${s.pid})` : "not running"}, ` +
            `${s.answers ? "answers CQL" : "does not answer"}`,
        );
      }
      return st.length > 0 && st.every((s) => s.answers) ? 0 : 1;
    }
    case "logs":
      console.log(await logs(name, num(flags.get("node")) ?? 1, num(flags.get("lines")) ?? 60));
      return 0;
    case "jars": {
      const j = await resolveJars({ refresh: flags.has("refresh") });
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

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(`cassandra: ${e instanceof Error ? e.message : String(e)}`);
    Deno.exit(1);
  }
}
