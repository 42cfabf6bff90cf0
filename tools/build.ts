/**
 * `npm run build`: the Node build in `dist/` — ESM JavaScript and `.d.ts` files emitted from
 * `mod.ts` by TypeScript, as JSR's npm compatibility would give them. Type checking is `deno
 * check`'s job (it knows every runtime's globals); this step only emits, so it uses `noCheck`.
 *
 * @module
 */
import { join } from "./cassandra/path.ts";
import { REPO_ROOT } from "./cassandra/paths.ts";

const dist = join(REPO_ROOT, "dist");
const work = join(REPO_ROOT, ".cache", "build");
await Deno.remove(dist, { recursive: true }).catch(() => {});
await Deno.mkdir(work, { recursive: true });
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
  files: [join(REPO_ROOT, "mod.ts")],
};
const cfg = join(work, "tsconfig.json");
await Deno.writeTextFile(cfg, JSON.stringify(tsconfig, null, 2));
const tsc = join(REPO_ROOT, "node_modules", ".bin", "tsc");
const out = await new Deno.Command(tsc, { args: ["-p", cfg], stdout: "inherit", stderr: "inherit" })
  .output();
if (!out.success) {
  console.error("build: tsc failed");
  Deno.exit(1);
}
// Dist is a self-contained ESM package for Node: mark its .js files as modules.
await Deno.writeTextFile(
  join(dist, "package.json"),
  JSON.stringify(
    { name: "@cql/driver", type: "module", main: "./mod.js", types: "./mod.d.ts" },
    null,
    2,
  ) + "\n",
);
console.log(`build: wrote ${dist}`);
