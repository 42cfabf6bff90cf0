/**
 * `npm run build`: the npm package in `dist/`, ready for `npm pack` / `npm publish` from there.
 *
 * - ESM and `.d.ts`: emitted by TypeScript from every entry point of deno.json's `exports`, as
 *   JSR's npm compatibility would give them (`dist/mod.js`, `dist/src/...`). Type checking is
 *   `deno check`'s job (it knows every runtime's globals); this step only emits (`noCheck`).
 * - CommonJS: the same files converted one by one by esbuild into `dist/cjs/` (a `package.json`
 *   there says `"type": "commonjs"`), with the `.d.ts` files copied beside them, so TypeScript
 *   reads the `require` side's types as CommonJS too. One file per module (not a bundle per
 *   entry point) keeps one instance of each module however many entry points a program loads.
 *   Lazy `import()`s become `require()`s, and `import.meta.resolve` (lz4.ts finds the `lz4-wasm`
 *   file with it) becomes `require.resolve` as a `file:` URL.
 * - `package.json`: name and version from deno.json, `exports` with `types`, `import` and
 *   `require` for each entry point of deno.json, `dependencies` from deno.json's `npm:` imports
 *   (each must be the version package.json's devDependencies pin), `engines`, `sideEffects`;
 *   README.md and LICENSE copied in.
 *
 * @module
 */
import { dirname, join } from "./cassandra/path.ts";
import { REPO_ROOT } from "./cassandra/paths.ts";

/** The parts of deno.json the build reads. */
interface DenoJson {
  name: string;
  version: string;
  license: string;
  exports: string | Record<string, string>;
  imports?: Record<string, string>;
}

/** The parts of the repository's package.json the build reads. */
interface RepoPackageJson {
  description: string;
  engines: Record<string, string>;
  devDependencies: Record<string, string>;
}

/**
 * npm packages that some entry point uses but users bring themselves (an entry that integrates
 * with their copy): they become optional peer dependencies instead of dependencies, so give them
 * a range in deno.json's imports (`npm:name@^1.9.0`).
 */
const PEERS: ReadonlySet<string> = new Set(["@opentelemetry/api"]);

/**
 * Every top-level statement of src/ only builds module-local values (lookup tables, frozen
 * constants, classes, lazy loaders): none touches a global or registers anything, so a bundler
 * may drop any module whose exports a program does not use. Checked by bundling `import "mod.ts"`
 * with esbuild and reading what it cannot drop.
 */
const SIDE_EFFECTS = false;

const dist = join(REPO_ROOT, "dist");
const cjsDir = join(dist, "cjs");
const work = join(REPO_ROOT, ".cache", "build");
const bin = (name: string) => join(REPO_ROOT, "node_modules", ".bin", name);

function fail(message: string): never {
  console.error(`build: ${message}`);
  Deno.exit(1);
}

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "inherit", stderr: "inherit" }).output();
  if (!out.success) fail(`${cmd.split("/").pop()} failed`);
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await Deno.readTextFile(path)) as T;
}

/** Files under `dir` (relative to it) whose names end with `suffix`, skipping `skip`. */
async function filesUnder(dir: string, suffix: string, skip: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(join(dir, rel))) {
      const path = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory && join(dir, path) !== skip) await walk(path);
      else if (e.isFile && e.name.endsWith(suffix)) found.push(path);
    }
  };
  await walk("");
  return found.sort();
}

const deno = await readJson<DenoJson>(join(REPO_ROOT, "deno.json"));
const repoPkg = await readJson<RepoPackageJson>(join(REPO_ROOT, "package.json"));
const entries = typeof deno.exports === "string" ? { ".": deno.exports } : deno.exports;
for (const [key, file] of Object.entries(entries)) {
  if (!/^\.\/[\w./-]+\.ts$/.test(file)) fail(`export "${key}" is not a relative .ts file: ${file}`);
}

// Dependencies: deno.json's npm: imports, which JSR users get; npm users get the same versions.
const dependencies: Record<string, string> = {};
const peerDependencies: Record<string, string> = {};
for (const [name, target] of Object.entries(deno.imports ?? {})) {
  const m = /^npm:((?:@[^/@]+\/)?[^/@]+)@([^/]+)$/.exec(target);
  if (!m) continue;
  const [, pkg, version] = m;
  if (pkg !== name) fail(`deno.json maps "${name}" to another package (${target})`);
  // The version the repository tests with must be the one (or the base of the range) users get.
  const pinned = repoPkg.devDependencies[pkg];
  if (pinned !== version.replace(/^[~^]/, "")) {
    fail(`deno.json wants ${pkg}@${version}, package.json's devDependencies pin ${pinned}`);
  }
  (PEERS.has(pkg) ? peerDependencies : dependencies)[pkg] = version;
}

await Deno.remove(dist, { recursive: true }).catch(() => {});
await Deno.mkdir(work, { recursive: true });

// 1. ESM + declarations.
const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "ESNext",
    moduleResolution: "Bundler",
    lib: ["ES2023", "DOM"],
    rootDir: REPO_ROOT,
    outDir: dist,
    declaration: true,
    rewriteRelativeImportExtensions: true,
    allowImportingTsExtensions: true,
    noCheck: true,
    strict: true,
    skipLibCheck: true,
    types: [],
  },
  files: Object.values(entries).map((f) => join(REPO_ROOT, f)),
};
const cfg = join(work, "tsconfig.json");
await Deno.writeTextFile(cfg, JSON.stringify(tsconfig, null, 2));
await run(bin("tsc"), ["-p", cfg]);

// 2. CommonJS, module by module. The files that use import.meta get the require-based stand-in
// for import.meta.resolve (the only import.meta use src/ has); any other use fails the build.
const esmFiles = await filesUnder(dist, ".js", cjsDir);
const withMeta: string[] = [];
for (const f of esmFiles) {
  const text = await Deno.readTextFile(join(dist, f));
  if (!text.includes("import.meta")) continue;
  if (/import\.meta\b(?!\.resolve\b)/.test(text)) {
    fail(`${f} uses import.meta beyond import.meta.resolve(), which has no CommonJS equivalent`);
  }
  withMeta.push(f);
}
const plain = esmFiles.filter((f) => !withMeta.includes(f));
const esbuildArgs = [
  "--format=cjs",
  "--platform=node",
  "--target=es2022",
  // import() of the lazily loaded modules (transports, lz4) becomes require(): same instances.
  "--supported:dynamic-import=false",
  `--outdir=${cjsDir}`,
  `--outbase=${dist}`,
  "--log-level=warning",
];
const resolveShim = "__cqlImportMetaResolve";
const resolveViaRequire = '(s) => require("node:url").pathToFileURL(require.resolve(s)).href';
if (plain.length > 0) {
  await run(bin("esbuild"), [...plain.map((f) => join(dist, f)), ...esbuildArgs]);
}
if (withMeta.length > 0) {
  await run(bin("esbuild"), [
    ...withMeta.map((f) => join(dist, f)),
    ...esbuildArgs,
    `--define:import.meta.resolve=${resolveShim}`,
    `--banner:js=const ${resolveShim} = ${resolveViaRequire};`,
  ]);
}
await Deno.writeTextFile(join(cjsDir, "package.json"), '{ "type": "commonjs" }\n');
for (const f of await filesUnder(dist, ".d.ts", cjsDir)) {
  await Deno.mkdir(dirname(join(cjsDir, f)), { recursive: true });
  await Deno.copyFile(join(dist, f), join(cjsDir, f));
}

// 3. The package's manifest and documents.
const base = (file: string) => file.replace(/\.ts$/, "");
const exportsMap: Record<string, unknown> = {};
for (const [key, file] of Object.entries(entries)) {
  const b = base(file).slice(2);
  exportsMap[key] = {
    import: { types: `./${b}.d.ts`, default: `./${b}.js` },
    require: { types: `./cjs/${b}.d.ts`, default: `./cjs/${b}.js` },
  };
}
exportsMap["./package.json"] = "./package.json";
const root = entries["."] === undefined ? undefined : base(entries["."]).slice(2);
const manifest = {
  name: deno.name,
  version: deno.version,
  description: repoPkg.description,
  license: deno.license,
  type: "module",
  // For resolvers that predate `exports` (TypeScript's node10, old bundlers).
  ...(root === undefined ? {} : { main: `./cjs/${root}.js`, types: `./cjs/${root}.d.ts` }),
  exports: exportsMap,
  engines: { node: repoPkg.engines.node },
  sideEffects: SIDE_EFFECTS,
  dependencies,
  ...(Object.keys(peerDependencies).length === 0 ? {} : {
    peerDependencies,
    peerDependenciesMeta: Object.fromEntries(
      Object.keys(peerDependencies).map((p) => [p, { optional: true }]),
    ),
  }),
};
await Deno.writeTextFile(join(dist, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
for (const doc of ["README.md", "LICENSE"]) {
  await Deno.copyFile(join(REPO_ROOT, doc), join(dist, doc));
}
console.log(`build: wrote ${dist} (${deno.name}@${deno.version}, ${esmFiles.length} modules)`);
