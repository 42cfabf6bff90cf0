/**
 * Running a test Worker in a real workerd: bundle it with Bun's bundler, write a config that lets
 * its sockets reach loopback, serve it on a free 127.0.0.1 port and wait until it answers. Shared
 * by the transport test (workerd_test.ts) and the conformance runner (conformance/run-workerd.ts).
 *
 * @module
 */

const root = new URL("../../", import.meta.url).pathname;

/** A port nothing listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, cwd: root, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** A module shipped next to the bundle, importable by the Worker under `name`. */
export interface ExtraModule {
  name: string;
  /** Repo-relative path of the file to copy. */
  from: string;
  /** capnp module kind: only what the tests need. */
  kind: "wasm";
}

/** A Worker being served by workerd. */
export interface ServedWorker {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** Stops workerd and removes the bundle. */
  close(): Promise<void>;
}

function config(port: number, extra: ExtraModule[]): string {
  const modules = [
    `(name = "worker.js", esModule = embed "worker.js")`,
    ...extra.map((m) => `(name = "${m.name}", ${m.kind} = embed "${m.name}")`),
  ];
  // The "internet" service is the Worker's default outbound; workerd only lets sockets (and
  // fetch) reach loopback and private addresses when its network allows them.
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ ${modules.join(", ")} ],
  compatibilityDate = "2025-01-01",
);
`;
}

/**
 * Bundles `entry` (repo-relative) for the browser target, which keeps `cloudflare:sockets` and
 * non-literal dynamic imports external, and serves it. Resolves once workerd answers HTTP.
 */
export async function serveWorker(
  entry: string,
  extra: ExtraModule[] = [],
): Promise<ServedWorker> {
  const dir = await Deno.makeTempDir({ prefix: "cql-workerd-" });
  let child: Deno.ChildProcess | undefined;
  const close = async () => {
    if (child) {
      child.kill("SIGTERM");
      await child.status;
      child = undefined;
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    await run(`${root}node_modules/.bin/bun`, [
      "build",
      entry,
      "--target=browser",
      "--format=esm",
      `--outfile=${dir}/worker.js`,
    ]);
    for (const m of extra) await Deno.copyFile(`${root}${m.from}`, `${dir}/${m.name}`);
    const port = freePort();
    await Deno.writeTextFile(`${dir}/config.capnp`, config(port, extra));
    child = new Deno.Command(`${root}node_modules/.bin/workerd`, {
      args: ["serve", "config.capnp"],
      cwd: dir,
      stdout: "null",
      stderr: "inherit",
    }).spawn();
    const url = `http://127.0.0.1:${port}`;
    for (let attempt = 0;; attempt++) {
      try {
        // Any HTTP answer means workerd is up; the Worker's own answer is not looked at.
        await (await fetch(`${url}/__ready`)).body?.cancel();
        break;
      } catch (e) {
        if (attempt >= 200) throw new Error(`workerd did not answer on ${url}: ${e}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return { url, close };
  } catch (e) {
    await close();
    throw e;
  }
}
