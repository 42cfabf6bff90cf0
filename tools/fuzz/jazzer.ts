/**
 * Runs the coverage-guided fuzz targets of tests/fuzz/targets/ under Jazzer.js
 * (`@jazzer.js/core`, libFuzzer inside Node).
 *
 *   deno run -A tools/fuzz/jazzer.ts <frame|segment|lz4|rows|planted> [--runs N] [--time S]
 *     [--seed N] [--fresh] [--replay crash-file] [-- libFuzzer args]
 *
 * `--fresh` fuzzes from the seeds alone (a new, temporary corpus); `--replay` runs one input.
 *
 * Steps, each reusable from tests/fuzz/jazzer.test.ts and bench/fuzz-jazzer.ts:
 *
 * 1. {@link prepareRuntime}: Jazzer's prebuilt addon needs glibc 2.38 and GLIBCXX_3.4.32. On
 *    Linux x64 with an older glibc (Debian bookworm has 2.36) Node is started through the
 *    dynamic loader of Debian trixie, with trixie's libc6, libstdc++6 and libgcc-s1, downloaded
 *    once from deb.debian.org into `.cache/fuzz/glibc/` and verified: the signed InRelease
 *    (gpgv and the Debian keyring, when the machine has them) gives the SHA-256 of the package
 *    index, the index gives the SHA-256 of each .deb. Elsewhere Node runs as it is.
 * 2. {@link buildTargets}: esbuild bundles the driver code under test (src/protocol,
 *    src/compression, through tests/fuzz/targets/driver.ts) into `.cache/fuzz/build/driver.cjs`,
 *    the one file Jazzer instruments (`--includes` names it), and each target into a CommonJS
 *    bundle of its own that requires it; a small ES module entry awaits the target's `ready`
 *    (the LZ4 WebAssembly loads asynchronously) before Jazzer takes its `fuzz`.
 * 3. {@link runJazzer}: seeds from tests/fuzz/seeds.ts, then Jazzer with `--sync`, libFuzzer's
 *    `-rss_limit_mb` and Node's `--max-old-space-size` (a runaway allocation fails the run),
 *    crash files in `.cache/fuzz/artifacts/<target>/`, and the final figures parsed.
 *
 * @module
 */
import { dirname, fromFileUrl, join } from "../cassandra/path.ts";
import { type SeedTarget, writeSeeds } from "../../tests/fuzz/seeds.ts";

/** The repository root. */
export const REPO_ROOT: string = join(dirname(fromFileUrl(import.meta.url)), "..", "..");
/**
 * Builds, seeds, corpora and crash files live here (git-ignored, as all of `.cache/`);
 * `CQL_FUZZ_DIR` moves them, e.g. to run the short test beside a long run.
 */
export const FUZZ_DIR: string = Deno.env.get("CQL_FUZZ_DIR") ?? join(REPO_ROOT, ".cache", "fuzz");
const BUILD_DIR = join(FUZZ_DIR, "build");
/** The downloaded C and C++ runtime: one copy for every FUZZ_DIR. */
const GLIBC_DIR = join(REPO_ROOT, ".cache", "fuzz", "glibc");

/** The real targets, in the order the test and the long run take them. */
export const TARGETS = ["frame", "segment", "lz4", "rows"] as const;
/** A target name: a real one, or the planted-fault variant of the frame target. */
export type Target = (typeof TARGETS)[number] | "planted";

/** How to start Node: a command prefix (the foreign loader) and the Node binary. */
export interface Runtime {
  /** Arguments in front of the Node binary: empty, or trixie's ld.so and its library path. */
  prefix: string[];
  /** Absolute path of `node`. */
  node: string;
  /** Human-readable: what was set up and why. */
  note: string;
}

/** The Debian mirror; `CQL_FUZZ_DEBIAN_MIRROR` replaces it. */
const MIRROR = Deno.env.get("CQL_FUZZ_DEBIAN_MIRROR") ?? "https://deb.debian.org/debian";
const SUITE = "trixie";
const PACKAGES = ["libc6", "libstdc++6", "libgcc-s1"];
/** What Jazzer.js 4.0.0's fuzzer-linux-x64.node asks of the C library. */
const NEEDED_GLIBC: [number, number] = [2, 38];

async function output(cmd: string, args: string[]): Promise<string | null> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    return r.success ? new TextDecoder().decode(r.stdout) : null;
  } catch {
    return null;
  }
}

async function run(cmd: string, args: string[], cwd?: string): Promise<void> {
  const r = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  if (!r.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (exit ${r.code}): ${new TextDecoder().decode(r.stderr)}`,
    );
  }
}

/** The system's glibc version, or null when it is not glibc (or cannot be told). */
async function glibcVersion(): Promise<[number, number] | null> {
  const s = (await output("getconf", ["GNU_LIBC_VERSION"])) ??
    (await output("ldd", ["--version"]));
  const m = s?.match(/(?:glibc|GLIBC|GNU libc)[^\d]*(\d+)\.(\d+)/);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

async function which(name: string): Promise<string> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    const p = join(dir || ".", name);
    try {
      const st = await Deno.stat(p);
      if (st.isFile) return await Deno.realPath(p);
    } catch { /* not here */ }
  }
  throw new Error(`${name} is not on the PATH`);
}

async function sha256(b: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", b as Uint8Array<ArrayBuffer>));
  return [...d].map((x) => x.toString(16).padStart(2, "0")).join("");
}

async function download(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Fields of the Packages stanzas of `names`. */
function stanzas(index: string, names: string[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const block of index.split(/\n\n+/)) {
    const fields: Record<string, string> = {};
    for (const line of block.split("\n")) {
      const m = line.match(/^([A-Za-z0-9-]+): (.*)$/);
      if (m) fields[m[1]] = m[2];
    }
    if (names.includes(fields.Package) && fields.Architecture === "amd64") {
      out.set(fields.Package, fields);
    }
  }
  return out;
}

/**
 * Downloads and unpacks trixie's loader and libraries into `dir`, verifying each step. Throws
 * with a message that says what failed (network, signature, checksum, unpacking).
 */
async function fetchGlibc(dir: string, log: (s: string) => void): Promise<void> {
  const base = `${MIRROR}/dists/${SUITE}`;
  log(`fuzz: fetching Debian ${SUITE}'s libc6, libstdc++6, libgcc-s1 from ${MIRROR}`);
  const inRelease = await download(`${base}/InRelease`);
  const tmp = await Deno.makeTempDir({ prefix: "cql-jazzer-" });
  try {
    const keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
    const haveGpgv = (await output("gpgv", ["--version"])) !== null;
    const haveKeyring = await Deno.stat(keyring).then(() => true, () => false);
    if (haveGpgv && haveKeyring) {
      await Deno.writeFile(join(tmp, "InRelease"), inRelease);
      await run("gpgv", ["--keyring", keyring, join(tmp, "InRelease")]).catch((e) => {
        throw new Error(`the signature of ${base}/InRelease does not verify: ${e.message}`);
      });
      log("fuzz: InRelease signature verified (gpgv, debian-archive-keyring)");
    } else {
      log("fuzz: no gpgv or Debian keyring here: InRelease is not signature-checked");
    }
    const release = new TextDecoder().decode(inRelease);
    const want = "main/binary-amd64/Packages.xz";
    const line = release.split("\n").find((l) =>
      /^ [0-9a-f]{64} +\d+ /.test(l) && l.endsWith(` ${want}`)
    );
    if (line === undefined) throw new Error(`${want} has no SHA256 in ${base}/InRelease`);
    const indexSha = line.trim().split(/ +/)[0];
    const xz = await download(`${base}/${want}`);
    if ((await sha256(xz)) !== indexSha) throw new Error(`${want}: SHA-256 mismatch`);
    await Deno.writeFile(join(tmp, "Packages.xz"), xz);
    await run("xz", ["-d", join(tmp, "Packages.xz")]);
    const index = await Deno.readTextFile(join(tmp, "Packages"));
    const found = stanzas(index, PACKAGES);
    const root = join(tmp, "root");
    await Deno.mkdir(root);
    const versions: Record<string, string> = {};
    for (const name of PACKAGES) {
      const s = found.get(name);
      if (s === undefined) throw new Error(`${name} is not in the ${SUITE} package index`);
      const deb = await download(`${MIRROR}/${s.Filename}`);
      if ((await sha256(deb)) !== s.SHA256) throw new Error(`${s.Filename}: SHA-256 mismatch`);
      const file = join(tmp, `${name}.deb`);
      await Deno.writeFile(file, deb);
      await unpackDeb(file, root, tmp);
      versions[name] = s.Version;
      log(`fuzz: ${name} ${s.Version} (${s.Filename}, SHA-256 checked)`);
    }
    const lib = join(root, "usr", "lib", "x86_64-linux-gnu");
    await Deno.stat(join(lib, "ld-linux-x86-64.so.2"));
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    await Deno.mkdir(dirname(dir), { recursive: true });
    await Deno.rename(lib, dir);
    // Written last: a folder without it is an interrupted download, fetched again next time.
    await Deno.writeTextFile(join(dir, "ready.json"), JSON.stringify({ suite: SUITE, versions }));
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** Unpacks a .deb with dpkg-deb, or with ar and tar where dpkg is not installed. */
async function unpackDeb(file: string, root: string, tmp: string): Promise<void> {
  if ((await output("dpkg-deb", ["--version"])) !== null) {
    await run("dpkg-deb", ["-x", file, root]);
    return;
  }
  const work = await Deno.makeTempDir({ dir: tmp });
  await run("ar", ["x", file], work);
  const data = [...Deno.readDirSync(work)].find((e) => e.name.startsWith("data.tar"));
  if (data === undefined) throw new Error(`${file} has no data.tar member`);
  await run("tar", ["-xf", join(work, data.name), "-C", root]);
}

/**
 * Decides how Node must be started for Jazzer's addon, fetching trixie's C and C++ runtime
 * on first use when the system's glibc is too old. Cached: later calls do not download.
 */
export async function prepareRuntime(log: (s: string) => void = console.error): Promise<Runtime> {
  const node = await which("node");
  if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64") {
    return { prefix: [], node, note: `${Deno.build.os}/${Deno.build.arch}: node as it is` };
  }
  const v = await glibcVersion();
  const old = v !== null &&
    (v[0] < NEEDED_GLIBC[0] || (v[0] === NEEDED_GLIBC[0] && v[1] < NEEDED_GLIBC[1]));
  if (!old) {
    return { prefix: [], node, note: `glibc ${v?.join(".") ?? "(not glibc)"}: node as it is` };
  }
  const ready = await Deno.readTextFile(join(GLIBC_DIR, "ready.json")).catch(() => null);
  if (ready === null) await fetchGlibc(GLIBC_DIR, log);
  const info = JSON.parse(await Deno.readTextFile(join(GLIBC_DIR, "ready.json")));
  return {
    prefix: [join(GLIBC_DIR, "ld-linux-x86-64.so.2"), "--library-path", GLIBC_DIR],
    node,
    note: `glibc ${v!.join(".")} < ${NEEDED_GLIBC.join(".")}: node under Debian ${info.suite}'s ` +
      `loader (libc6 ${info.versions.libc6}, libstdc++6 ${info.versions["libstdc++6"]})`,
  };
}

/** The bundle Jazzer instruments: the driver code (tests/fuzz/targets/driver.ts), alone. */
const DRIVER_BUNDLE = join(BUILD_DIR, "driver.cjs");
/** The harness self-check (tests/fuzz/targets/guard-check.ts), bundled beside the targets. */
export const GUARD_CHECK_BUNDLE: string = join(BUILD_DIR, "guard-check.cjs");

/**
 * Bundles the driver code into `driver.cjs` and each target (all of them: esbuild takes well
 * under a second) into `<target>.cjs`, which loads `driver.cjs` rather than including it.
 */
export async function buildTargets(): Promise<void> {
  const names: (Target | "guard-check")[] = [...TARGETS, "planted", "guard-check"];
  await Deno.mkdir(BUILD_DIR, { recursive: true });
  const esbuild = join(REPO_ROOT, "node_modules", ".bin", "esbuild");
  const src = (t: string) => join(REPO_ROOT, "tests", "fuzz", "targets", `${t}.ts`);
  const common = [
    "--bundle",
    "--platform=node",
    "--format=cjs",
    "--target=node20",
    // Jazzer reads inline source maps: findings then point into the TypeScript sources.
    "--sourcemap=inline",
    "--log-level=error",
  ];
  await run(esbuild, [src("driver"), ...common, `--outfile=${DRIVER_BUNDLE}`], REPO_ROOT);
  await run(esbuild, [
    ...names.map(src),
    ...common,
    "--external:./driver.ts",
    `--outdir=${BUILD_DIR}`,
    "--out-extension:.js=.cjs",
  ], REPO_ROOT);
  for (const t of names) {
    const file = join(BUILD_DIR, `${t}.cjs`);
    const code = await Deno.readTextFile(file);
    if (!code.includes('require("./driver.ts")')) {
      throw new Error(`${file} does not load the driver`);
    }
    await Deno.writeTextFile(
      file,
      code.replaceAll('require("./driver.ts")', 'require("./driver.cjs")'),
    );
    // The entry is an ES module so that it can await `ready`; it loads the target with
    // require, through the hook that instruments CommonJS (which instruments driver.cjs only).
    await Deno.writeTextFile(
      join(BUILD_DIR, `${t}.entry.mjs`),
      `// Generated by tools/fuzz/jazzer.ts.\nimport { createRequire } from "node:module";\n` +
        `const target = createRequire(import.meta.url)("./${t}.cjs");\n` +
        `await target.ready;\nexport const fuzz = target.fuzz;\n`,
    );
  }
}

/** Options of {@link runJazzer}. */
export interface RunOptions {
  target: Target;
  /** libFuzzer's -runs: stop after this many executions (seeds included). */
  runs?: number;
  /** libFuzzer's -max_total_time, in seconds. */
  maxTotalTime?: number;
  /** libFuzzer's -seed (default: chosen by libFuzzer). */
  seed?: number;
  /**
   * Start from the seeds only, in a new empty corpus folder (the CI test: runs are alike), or
   * keep the corpus grown by earlier runs in `.cache/fuzz/corpus/<target>/` (the default).
   */
  fresh?: boolean;
  /** libFuzzer's -rss_limit_mb (default 1024). */
  rssLimitMb?: number;
  /** Node's --max-old-space-size (default 512). */
  heapMb?: number;
  /** Run this one input (a crash file) instead of fuzzing: libFuzzer's individual-file mode. */
  replay?: string;
  /** More libFuzzer arguments. */
  extra?: string[];
  /**
   * Jazzer's bug detectors (prototype pollution, command injection, …), default on. Off, a
   * decoder target runs about five times as many inputs a second: the long runs' choice, since
   * what they check (decodes or ProtocolError, no allocation past the limit) is the targets'
   * own; the CI run keeps them on.
   */
  detectors?: boolean;
  /** Where Jazzer's output goes as it comes (default: nowhere; it is returned). */
  echo?: (chunk: string) => void;
  /** Progress messages of the setup (default stderr). */
  log?: (s: string) => void;
}

/** What a run did. */
export interface RunResult {
  target: Target;
  /** Jazzer's exit code: 0 clean, non-zero on a finding or a failure to start. */
  code: number;
  /** Executions, from "Done N runs" (or libFuzzer's final stats). */
  runs: number | null;
  /** Seconds, from "Done N runs in S second(s)". */
  seconds: number | null;
  /** Executions per second, from libFuzzer's final stats. */
  execPerSec: number | null;
  /** Coverage counters after loading the seeds (INITED) and at the end: instrumented edges. */
  covInit: number | null;
  cov: number | null;
  /** libFuzzer features at the end. */
  ft: number | null;
  /** Corpus entries at the end. */
  corp: number | null;
  /** Peak RSS, from libFuzzer's final stats. */
  peakRssMb: number | null;
  /** Crash, timeout and out-of-memory files written by this run. */
  artifacts: string[];
  /** How Node was started. */
  runtime: string;
  /** The command line. */
  command: string[];
  /** Everything Jazzer printed. */
  output: string;
  /** Wall time of the run, in seconds. */
  wallSeconds: number;
}

function lastNumber(out: string, re: RegExp): number | null {
  const m = [...out.matchAll(re)].pop();
  return m ? Number(m[1]) : null;
}

/** Reads libFuzzer's figures from a run's output. */
export function parseStats(out: string): Pick<
  RunResult,
  "runs" | "seconds" | "execPerSec" | "covInit" | "cov" | "ft" | "corp" | "peakRssMb"
> {
  const done = [...out.matchAll(/Done (\d+) runs in (\d+) second/g)].pop();
  return {
    runs: done ? Number(done[1]) : lastNumber(out, /stat::number_of_executed_units:\s+(\d+)/g),
    seconds: done ? Number(done[2]) : null,
    execPerSec: lastNumber(out, /stat::average_exec_per_sec:\s+(\d+)/g),
    covInit: lastNumber(out, /INITED cov: (\d+)/g),
    cov: lastNumber(out, /\bcov: (\d+)/g),
    ft: lastNumber(out, /\bft: (\d+)/g),
    corp: lastNumber(out, /\bcorp: (\d+)/g),
    peakRssMb: lastNumber(out, /stat::peak_rss_mb:\s+(\d+)/g),
  };
}

/** Seeds, corpus and artifact folders of a target. */
export function folders(target: Target): { seeds: string; corpus: string; artifacts: string } {
  return {
    seeds: join(FUZZ_DIR, "seeds", target),
    corpus: join(FUZZ_DIR, "corpus", target),
    artifacts: join(FUZZ_DIR, "artifacts", target),
  };
}

/**
 * Runs Jazzer on one target (call {@link buildTargets} first). Never throws for what Jazzer
 * does: a finding or a failure to start is a non-zero `code` with the output to show.
 */
export async function runJazzer(opts: RunOptions): Promise<RunResult> {
  const rt = await prepareRuntime(opts.log);
  const dirs = folders(opts.target);
  await writeSeeds(opts.target as SeedTarget, dirs.seeds);
  const corpus = opts.fresh
    ? await Deno.makeTempDir({ prefix: `cql-fuzz-${opts.target}-` })
    : dirs.corpus;
  await Deno.mkdir(corpus, { recursive: true });
  await Deno.mkdir(dirs.artifacts, { recursive: true });
  const before = new Set([...Deno.readDirSync(dirs.artifacts)].map((e) => e.name));
  const libFuzzer = [
    ...(opts.runs !== undefined ? [`-runs=${opts.runs}`] : []),
    ...(opts.maxTotalTime !== undefined ? [`-max_total_time=${opts.maxTotalTime}`] : []),
    ...(opts.seed !== undefined ? [`-seed=${opts.seed}`] : []),
    `-rss_limit_mb=${opts.rssLimitMb ?? 1024}`,
    `-artifact_prefix=${dirs.artifacts}/`,
    "-print_final_stats=1",
    ...(opts.extra ?? []),
  ];
  const command = [
    ...rt.prefix,
    rt.node,
    `--max-old-space-size=${opts.heapMb ?? 512}`,
    join(REPO_ROOT, "node_modules", "@jazzer.js", "core", "dist", "cli.js"),
    join(BUILD_DIR, `${opts.target}.entry.mjs`),
    // The first folder receives new inputs; the seeds are read only.
    ...(opts.replay !== undefined ? [opts.replay] : [corpus, dirs.seeds]),
    "--sync",
    // Jazzer's remote-code-execution detector reports any Function body that contains its
    // canary "jaz_zer", even inside a string literal. compileRowReader (row-reader.ts) puts
    // column names into generated source by design, each as a JSON string literal, so a column
    // named "jaz_zer" is a false report; the rows target checks instead that the generated
    // reader decodes exactly as the generic one does. The other detectors stay on.
    opts.detectors === false
      ? "--disable_bug_detectors=.*"
      : "--disable_bug_detectors=remote-code-execution",
    `--includes=${DRIVER_BUNDLE}`,
    // The planted fault sits in the target's own code: instrumented, its comparison is a
    // hint the fuzzer can follow, as it would be for a fault in the driver.
    ...(opts.target === "planted" ? [`--includes=${join(BUILD_DIR, "planted.cjs")}`] : []),
    "--",
    ...libFuzzer,
  ];
  const t0 = performance.now();
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    cwd: REPO_ROOT,
    env: { CQL_FUZZ_LZ4_WASM: join(REPO_ROOT, "node_modules", "lz4-wasm", "lz4_wasm_bg.wasm") },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  const read = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of s) {
      const text = dec.decode(chunk, { stream: true });
      out += text;
      opts.echo?.(text);
    }
  };
  const [status] = await Promise.all([child.status, read(child.stdout), read(child.stderr)]);
  const wallSeconds = (performance.now() - t0) / 1000;
  if (opts.fresh) await Deno.remove(corpus, { recursive: true }).catch(() => {});
  const artifacts = [...Deno.readDirSync(dirs.artifacts)]
    .map((e) => e.name)
    .filter((n) => !before.has(n))
    .map((n) => join(dirs.artifacts, n));
  return {
    target: opts.target,
    code: status.code,
    ...parseStats(out),
    artifacts,
    runtime: rt.note,
    command,
    output: out,
    wallSeconds,
  };
}

function usage(): never {
  console.error(
    "usage: deno run -A tools/fuzz/jazzer.ts <frame|segment|lz4|rows|planted> [--runs N] " +
      "[--time S] [--seed N] [--fresh] [--replay crash-file] [-- libFuzzer args]",
  );
  Deno.exit(2);
}

async function main(args: string[]): Promise<number> {
  const sep = args.indexOf("--");
  const own = sep >= 0 ? args.slice(0, sep) : args;
  const extra = sep >= 0 ? args.slice(sep + 1) : [];
  const target = own[0] as Target;
  if (![...TARGETS, "planted"].includes(target)) usage();
  const opt = (name: string) => {
    const i = own.indexOf(name);
    if (i < 0) return undefined;
    const n = Number(own[i + 1]);
    if (!Number.isInteger(n) || n < 0) usage();
    return n;
  };
  await buildTargets();
  const r = await runJazzer({
    target,
    runs: opt("--runs"),
    maxTotalTime: opt("--time"),
    seed: opt("--seed"),
    fresh: own.includes("--fresh"),
    replay: own.includes("--replay") ? own[own.indexOf("--replay") + 1] : undefined,
    extra,
    echo: (s) => Deno.stderr.writeSync(new TextEncoder().encode(s)),
  });
  console.log(
    `\n${r.target}: exit ${r.code}, ${r.runs ?? "?"} runs in ${r.seconds ?? "?"} s ` +
      `(${r.execPerSec ?? "?"} exec/s), cov ${r.covInit ?? "?"} -> ${r.cov ?? "?"}, ` +
      `ft ${r.ft ?? "?"}, corpus ${r.corp ?? "?"}, peak RSS ${r.peakRssMb ?? "?"} MB`,
  );
  console.log(`runtime: ${r.runtime}`);
  for (const a of r.artifacts) console.log(`artifact: ${a}`);
  return r.code;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
