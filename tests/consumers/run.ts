/**
 * The consumer tests: the package as users receive it, imported by name ("@cql/driver") from a
 * fresh temporary folder outside the repository, so nothing resolves through the repository's
 * node_modules. `node_modules/.bin/deno run -A tests/consumers/run.ts` after `npm run build`
 * (tools/test.ts runs both as the "consumers" suite); prints one line per consumer and
 * `N passed, N failed`, and exits non-zero when any failed.
 *
 * - Deno: an app whose deno.json maps `@cql/driver` to `jsr:@cql/driver@^0.1.0` and `links` the
 *   checkout, which is how a JSR install resolves. Its own DENO_DIR, and JSR_URL pointing at a
 *   closed port: the run proves the app needs nothing from JSR, only lz4-wasm from npm (declared
 *   in the checkout's deno.json).
 * - Node ESM, Node CommonJS (`require`) and Bun: one app that `npm install`s the tarball that
 *   `npm pack` made of dist/.
 * - workerd: a Worker bundled by esbuild from that app's installed package, lz4-wasm's `.wasm`
 *   shipped as a module of the Worker.
 *
 * Each runs tests/consumers/app/exercise.mjs with `compression: "lz4"` (one query, one stream of
 * several pages) against the node through a tap (tap.ts) that reads every connection's STARTUP:
 * each must ask for LZ4, and since the server then compresses everything it sends, the rows
 * coming back at all shows that decompression works in that runtime.
 *
 * Then the programs of examples/ run in the same apps (Deno in the JSR-linked one, Bun and Node
 * ESM/CommonJS in the npm one, the Worker bundled from it into workerd, its NDJSON answer read as
 * a stream), each checked by what it prints or answers.
 *
 * @module
 */
import { join } from "../../tools/cassandra/path.ts";
import { REPO_ROOT } from "../../tools/cassandra/paths.ts";
import { freePort } from "../workerd/support.ts";
import { startTap, type StartupOptions } from "./tap.ts";

/** What the consumer programs report (as `RESULT {json}` on stdout, or the Worker's answer). */
interface Report {
  releaseVersion?: unknown;
  streamed?: unknown;
  named?: unknown;
  protocolVersion?: unknown;
  /** Where "@cql/driver" resolved from, in the runtimes that can say. */
  resolved?: unknown;
}

interface Consumer {
  name: string;
  /** Runs the program against `contact` and returns its report. */
  run(contact: string): Promise<Report>;
  /** Checks where the package (and lz4-wasm) came from; returns a problem or undefined. */
  where?(resolved: unknown): Promise<string | undefined>;
}

/** Must match exercise.mjs: the stream has to span more than two pages. */
const PAGE_SIZE = 50;
const TIMEOUT_MS = 120_000;
const target = Deno.env.get("CQL_TEST_HOST") ?? "127.0.0.1:9042";
const bin = (name: string) => join(REPO_ROOT, "node_modules", ".bin", name);
const appFile = (name: string) => join(REPO_ROOT, "tests", "consumers", "app", name);
const text = new TextDecoder();

/**
 * The environment of every child: this one's (certificates, proxies) without what would point
 * into the repository: module paths, Deno's cache, and the npm_* settings of `npm test` itself.
 */
function env(extra: Record<string, string> = {}): Record<string, string> {
  const keep = Deno.env.toObject();
  for (const k of Object.keys(keep)) {
    if (k === "NODE_PATH" || k === "DENO_DIR" || k === "INIT_CWD" || /^npm_/i.test(k)) {
      delete keep[k];
    }
  }
  return { ...keep, ...extra };
}

async function exec(
  cmd: string,
  args: string[],
  cwd: string,
  extraEnv: Record<string, string> = {},
): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    env: env(extraEnv),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).output();
  const stdout = text.decode(out.stdout);
  if (!out.success) {
    const tail = (text.decode(out.stderr) + stdout).trim().split("\n").slice(-15).join("\n");
    throw new Error(`\`${cmd.split("/").pop()} ${args.join(" ")}\` failed (${out.code}):\n${tail}`);
  }
  return stdout;
}

/** Runs a consumer program and parses its `RESULT {json}` line. */
async function program(
  cmd: string,
  args: string[],
  cwd: string,
  extraEnv?: Record<string, string>,
): Promise<Report> {
  const stdout = await exec(cmd, args, cwd, extraEnv);
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`no RESULT line in the output:\n${stdout}`);
  return JSON.parse(line.slice("RESULT ".length)) as Report;
}

/** The `npm pack --json` entry of the tarball. */
interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
}

/** Packs dist/ into `dir`, installs the tarball into `dir/npm-app` and copies the programs. */
async function npmApp(dir: string): Promise<string> {
  const dist = join(REPO_ROOT, "dist");
  const packed = (JSON.parse(
    await exec("npm", ["pack", "--json", "--pack-destination", dir], dist),
  ) as Packed[])[0];
  console.log(
    `# npm pack dist/: ${packed.filename}, ${(packed.size / 1000).toFixed(1)} kB packed, ` +
      `${(packed.unpackedSize / 1000).toFixed(1)} kB unpacked, ${packed.entryCount} files`,
  );
  const app = join(dir, "npm-app");
  await Deno.mkdir(app);
  await Deno.writeTextFile(
    join(app, "package.json"),
    JSON.stringify({ name: "cql-consumer", private: true }) + "\n",
  );
  for (
    const f of ["exercise.mjs", "node.mjs", "node.cjs", "worker.mjs", "compat.mjs", "compat.cjs"]
  ) {
    await Deno.copyFile(appFile(f), join(app, f));
  }
  await exec("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--prefer-offline",
    "--loglevel=error",
    join(dir, packed.filename),
  ], app);
  return app;
}

/** The Deno app: its own deno.json linking the checkout as the JSR package. */
async function denoApp(dir: string): Promise<string> {
  const app = join(dir, "deno-app");
  await Deno.mkdir(app);
  const config = {
    imports: { "@cql/driver": "jsr:@cql/driver@^0.1.0" },
    links: [REPO_ROOT],
  };
  await Deno.writeTextFile(join(app, "deno.json"), JSON.stringify(config, null, 2) + "\n");
  for (const f of ["exercise.mjs", "deno.mjs"]) await Deno.copyFile(appFile(f), join(app, f));
  return app;
}

function workerdConfig(port: number): string {
  // The "internet" service is the Worker's default outbound; its sockets reach loopback only
  // when the network allows it.
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "lz4.wasm", wasm = embed "lz4.wasm"),
  ],
  compatibilityDate = "2025-01-01",
);
`;
}

/** Bundles `entry` (a Worker in `app`, importing the installed package) into `out/worker.js`. */
async function bundleWorker(app: string, entry: string, out: string): Promise<void> {
  await exec(bin("esbuild"), [
    entry,
    "--bundle",
    "--format=esm",
    "--platform=browser",
    "--external:./lz4.wasm",
    `--outfile=${join(out, "worker.js")}`,
    "--log-level=warning",
  ], app);
}

/** Serves the Worker of `out/config.capnp` (written from `config(port)`) while `use` runs. */
async function withWorkerd<T>(
  out: string,
  config: (port: number) => string,
  use: (url: string, log: () => string) => Promise<T>,
): Promise<T> {
  const port = freePort();
  await Deno.writeTextFile(join(out, "config.capnp"), config(port));
  const child = new Deno.Command(bin("workerd"), {
    args: ["serve", "config.capnp"],
    cwd: out,
    env: env(),
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream());
  let log = "";
  const reading = stderr.pipeTo(new WritableStream({ write: (s) => void (log += s) }));
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let attempt = 0;; attempt++) {
      try {
        await (await fetch(`${url}/ready`, { method: "HEAD" })).body?.cancel();
        break;
      } catch (e) {
        if (attempt >= 200) throw new Error(`workerd did not answer on ${url}: ${e}\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return await use(url, () => log);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await reading.catch(() => {});
  }
}

/** Bundles the Worker from the installed package, serves it in workerd and asks it to run. */
async function runWorker(app: string, dir: string, contact: string): Promise<Report> {
  const out = join(dir, "worker");
  await bundleWorker(app, "worker.mjs", out);
  await Deno.copyFile(
    join(app, "node_modules", "lz4-wasm", "lz4_wasm_bg.wasm"),
    join(out, "lz4.wasm"),
  );
  return await withWorkerd(out, workerdConfig, async (url, log) => {
    const res = await fetch(url, {
      method: "POST",
      body: JSON.stringify({ contact }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = await res.text();
    if (!res.ok) throw new Error(`the Worker answered HTTP ${res.status}: ${body}\n${log()}`);
    return JSON.parse(body) as Report;
  });
}

/** What is wrong with a consumer's report and its connections' STARTUPs, or undefined. */
function problems(r: Report, startups: StartupOptions[]): string[] {
  const found: string[] = [];
  if (typeof r.releaseVersion !== "string" || !r.releaseVersion.startsWith("5.")) {
    found.push(`release_version ${JSON.stringify(r.releaseVersion)}, expected "5.x"`);
  }
  if (typeof r.streamed !== "number" || r.streamed <= 2 * PAGE_SIZE) {
    found.push(`the stream yielded ${r.streamed} rows, expected more than ${2 * PAGE_SIZE}`);
  } else if (r.named !== r.streamed) {
    found.push(`${r.named} of ${r.streamed} streamed rows had a column_name`);
  }
  if (startups.length === 0) found.push("no connection reached the node through the tap");
  const plain = startups.filter((s) => s?.COMPRESSION !== "lz4");
  if (plain.length > 0) {
    found.push(
      `${plain.length} of ${startups.length} connections did not ask for LZ4 in STARTUP: ` +
        JSON.stringify(plain),
    );
  }
  return found;
}

/** A program of examples/, run where the package is installed; returns what is wrong with it. */
interface Example {
  name: string;
  run(contact: string): Promise<string[]>;
}

const exampleFile = (name: string) => join(REPO_ROOT, "examples", name);
/** What the deno, bun, node-esm and node-cjs examples print: their three rows, in order. */
const GREETINGS = ["0: hello", "1: hallo", "2: bonjour"];

/** The printed lines must start with the three greetings, in order (then `more`). */
function greeted(stdout: string, more: string[] = []): string[] {
  const lines = stdout.trim().split("\n");
  const want = [...GREETINGS, ...more];
  return JSON.stringify(lines) === JSON.stringify(want)
    ? []
    : [`printed ${JSON.stringify(lines)}, expected ${JSON.stringify(want)}`];
}

/** workerd config of the example Worker: CQL_CONTACT as a text binding, as wrangler's vars. */
function exampleWorkerConfig(contact: string) {
  return (port: number) =>
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  bindings = [ (name = "CQL_CONTACT", text = "${contact}") ],
  compatibilityDate = "2025-01-01",
);
`;
}

/** The example Worker's NDJSON answer for system_schema: one line per table, read as a stream. */
async function runExampleWorker(app: string, dir: string, contact: string): Promise<string[]> {
  const out = join(dir, "example-worker");
  await Deno.copyFile(exampleFile("worker/worker.mjs"), join(app, "example-worker.mjs"));
  await bundleWorker(app, "example-worker.mjs", out);
  return await withWorkerd(out, exampleWorkerConfig(contact), async (url, log) => {
    const res = await fetch(`${url}/?keyspace=system_schema`, {
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) return [`HTTP ${res.status}: ${await res.text()}\n${log()}`];
    const type = res.headers.get("content-type");
    let chunks = 0;
    let body = "";
    for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) {
      chunks++;
      body += chunk;
    }
    const rows = body.trim().split("\n").map((l) => JSON.parse(l));
    const found: string[] = [];
    if (type !== "application/x-ndjson") found.push(`content-type ${type}`);
    if (!rows.every((r) => r.keyspace_name === "system_schema")) {
      found.push("a row of another keyspace");
    }
    const tables = rows.map((r) => r.table_name);
    if (!tables.includes("tables") || !tables.includes("columns")) {
      found.push(`tables ${JSON.stringify(tables)} lack system_schema.tables or .columns`);
    }
    if (chunks < 2) found.push(`the body came in ${chunks} chunk(s), not streamed`);
    return found;
  });
}

async function main(): Promise<number> {
  const t0 = performance.now();
  const dir = await Deno.makeTempDir({ prefix: "cql-consumers-" });
  if (dir.startsWith(REPO_ROOT)) throw new Error(`${dir} is inside the repository`);
  const denoDir = join(dir, "deno-dir");
  // Set up lazily, once: a failed setup fails each consumer that needs it, with its reason.
  let npm: Promise<string> | undefined;
  const npmReady = () => (npm ??= npmApp(dir));
  let deno: Promise<string> | undefined;
  const denoReady = () => (deno ??= denoApp(dir));
  /** `resolved` must be the installed package's `sub` file inside the npm app. */
  const installed = (sub: string) => async (resolved: unknown) => {
    const want = `file://${await npmReady()}/node_modules/@cql/driver/${sub}`;
    const got = String(resolved).startsWith("/") ? `file://${resolved}` : String(resolved);
    return got === want ? undefined : `"@cql/driver" resolved to ${resolved}, not ${want}`;
  };
  const consumers: Consumer[] = [
    {
      name: "Deno (jsr:@cql/driver linked to the checkout)",
      run: async (contact) =>
        await program(Deno.execPath(), ["run", "-A", "deno.mjs", contact], await denoReady(), {
          DENO_DIR: denoDir,
          DENO_NO_UPDATE_CHECK: "1",
          // A closed port: anything fetched from JSR would fail the run.
          JSR_URL: "http://127.0.0.1:1/",
        }),
      async where(resolved) {
        if (resolved !== `file://${REPO_ROOT}/mod.ts`) {
          return `"@cql/driver" resolved to ${resolved}, not the linked checkout`;
        }
        // The dependency came from the checkout's deno.json, not from its node_modules.
        const pkg = join(denoDir, "npm", "registry.npmjs.org", "lz4-wasm", "0.9.2");
        return await Deno.stat(join(pkg, "lz4_wasm_bg.wasm")).then(
          () => undefined,
          () => `lz4-wasm was not installed into the app's DENO_DIR (${pkg})`,
        );
      },
    },
    {
      name: "Node ESM (npm install of the packed tarball)",
      run: async (contact) => await program("node", ["node.mjs", contact], await npmReady()),
      where: installed("mod.js"),
    },
    {
      name: "Node CommonJS (require)",
      run: async (contact) => await program("node", ["node.cjs", contact], await npmReady()),
      where: installed("cjs/mod.js"),
    },
    {
      name: "Bun (npm install of the packed tarball)",
      run: async (contact) => await program(bin("bun"), ["node.mjs", contact], await npmReady()),
      where: installed("mod.js"),
    },
    {
      name: "workerd (Worker bundled by esbuild from the installed package)",
      run: async (contact) => await runWorker(await npmReady(), dir, contact),
    },
  ];
  let passed = 0;
  let failed = 0;
  try {
    for (const c of consumers) {
      const t = performance.now();
      const tap = startTap(target);
      let found: string[];
      let note = "";
      try {
        const report = await c.run(tap.contact);
        const startups = tap.startups();
        found = problems(report, startups);
        const where = await c.where?.(report.resolved);
        if (where) found.push(where);
        note =
          `${startups.length} connection(s) asked for LZ4, protocol v${report.protocolVersion}, ` +
          `release ${report.releaseVersion}, ${report.streamed} rows streamed`;
      } catch (e) {
        found = [e instanceof Error ? e.message : String(e)];
      } finally {
        await tap.close();
      }
      const ms = Math.round(performance.now() - t);
      if (found.length === 0) {
        passed++;
        console.log(`ok     [consumer] ${c.name} (${ms} ms) -- ${note}`);
      } else {
        failed++;
        console.log(`FAILED [consumer] ${c.name} (${ms} ms)\n  ${found.join("\n  ")}`);
      }
    }
    const examples: Example[] = [
      {
        name: "examples/deno (JSR link)",
        run: async (contact) => {
          const app = await denoReady();
          await Deno.copyFile(exampleFile("deno/main.ts"), join(app, "example.ts"));
          return greeted(
            await exec(Deno.execPath(), ["run", "-A", "example.ts", contact], app, {
              DENO_DIR: denoDir,
              DENO_NO_UPDATE_CHECK: "1",
              JSR_URL: "http://127.0.0.1:1/",
            }),
          );
        },
      },
      {
        name: "examples/bun",
        run: async (contact) => {
          const app = await npmReady();
          await Deno.copyFile(exampleFile("bun/index.ts"), join(app, "example-bun.ts"));
          return greeted(await exec(bin("bun"), ["example-bun.ts", contact], app));
        },
      },
      {
        name: "examples/node-esm",
        run: async (contact) => {
          const app = await npmReady();
          await Deno.copyFile(exampleFile("node-esm/index.mjs"), join(app, "example-esm.mjs"));
          return greeted(await exec("node", ["example-esm.mjs", contact], app));
        },
      },
      {
        name: "examples/node-cjs",
        run: async (contact) => {
          const app = await npmReady();
          await Deno.copyFile(exampleFile("node-cjs/index.cjs"), join(app, "example-cjs.cjs"));
          return greeted(await exec("node", ["example-cjs.cjs", contact], app), [
            "server said: InvalidQueryError",
          ]);
        },
      },
      {
        name: "examples/worker (NDJSON stream, in workerd)",
        run: async (contact) => await runExampleWorker(await npmReady(), dir, contact),
      },
    ];
    // The compat entry, as cassandra-driver programs import it once their import is changed.
    examples.push(
      ...(["compat.mjs", "compat.cjs"] as const).map((file) => ({
        name: `@cql/driver/compat from Node (${file.endsWith("cjs") ? "require" : "import"})`,
        run: async (contact: string) => {
          const app = await npmReady();
          const r = await program("node", [file, contact], app) as Record<string, unknown>;
          const found: string[] = [];
          if (typeof r.releaseVersion !== "string" || !r.releaseVersion.startsWith("5.")) {
            found.push(`release_version ${JSON.stringify(r.releaseVersion)}`);
          }
          if (r.viaCallback !== "local") found.push(`callback form gave ${r.viaCallback}`);
          if (r.long !== "9007199254740993") found.push(`types.Long gave ${r.long}`);
          if (r.sameClient !== true) found.push("the default export's Client is another class");
          const sub = file.endsWith("cjs") ? "cjs/src/compat/mod.js" : "src/compat/mod.js";
          const want = `${app}/node_modules/@cql/driver/${sub}`;
          if (String(r.resolved).replace(/^file:\/\//, "") !== want) {
            found.push(`resolved to ${r.resolved}, not ${want}`);
          }
          return found;
        },
      })),
    );
    for (const x of examples) {
      const t = performance.now();
      let found: string[];
      try {
        found = await x.run(target);
      } catch (e) {
        found = [e instanceof Error ? e.message : String(e)];
      }
      const ms = Math.round(performance.now() - t);
      if (found.length === 0) {
        passed++;
        console.log(`ok     [example] ${x.name} (${ms} ms)`);
      } else {
        failed++;
        console.log(`FAILED [example] ${x.name} (${ms} ms)\n  ${found.join("\n  ")}`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  console.log(`# consumers took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

Deno.exit(await main());
