/**
 * `deno run -A tools/docs.ts [--output DIR]`: the API reference as HTML, generated from the JSDoc
 * of every entry point in deno.json's `exports` (what JSR shows), into `.cache/docs/` by default
 * (git-ignored; open `index.html`).
 *
 * It first runs `deno doc --lint` on the same entry points and fails on any diagnostic (a public
 * symbol without JSDoc, a type that is used but not exported, a missing return type), then
 * `deno doc --html`, and fails if either prints anything beyond its one summary line: a reference
 * that builds with warnings is one whose gaps nobody reads.
 *
 * @module
 */
import { dirname, fromFileUrl, join } from "./cassandra/path.ts";

const ROOT = join(dirname(fromFileUrl(import.meta.url)), "..");

/** The summary lines `deno doc` prints on success; anything else counts as a warning. */
const QUIET: readonly RegExp[] = [/^Checked \d+ files?$/, /^Written \d+ files? to /];

/** The parts of deno.json this tool reads. */
interface DenoJson {
  name: string;
  exports: string | Record<string, string>;
}

function fail(message: string): never {
  console.error(`docs: ${message}`);
  Deno.exit(1);
}

/** The entry points of deno.json's `exports`, as paths relative to the repository root. */
async function entryPoints(): Promise<{ name: string; entries: string[] }> {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))) as DenoJson;
  const entries = typeof config.exports === "string"
    ? [config.exports]
    : Object.values(config.exports);
  if (entries.length === 0) fail("deno.json has no exports");
  return { name: config.name, entries };
}

/** The output directory: `--output DIR` (relative to the current directory) or `.cache/docs`. */
function outputDir(args: readonly string[]): string {
  const i = args.indexOf("--output");
  if (i === -1) return join(ROOT, ".cache", "docs");
  const dir = args[i + 1];
  if (dir === undefined || dir.startsWith("--")) fail("--output needs a directory");
  // `deno doc` runs in the repository root; the folder given is the caller's.
  return dir.startsWith("/") ? dir : join(Deno.cwd(), dir);
}

/** Runs `deno doc` with `args`; returns the lines it printed that are not its summary. */
async function denoDoc(args: string[]): Promise<{ ok: boolean; noise: string[] }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const noise = text.split("\n").map((l) => l.trimEnd()).filter((l) =>
    l !== "" && !QUIET.some((q) => q.test(l))
  );
  return { ok: out.success, noise };
}

async function main(): Promise<void> {
  const { name, entries } = await entryPoints();
  const output = outputDir(Deno.args);

  const lint = await denoDoc(["--lint", ...entries]);
  if (!lint.ok || lint.noise.length > 0) {
    console.error(lint.noise.join("\n"));
    fail(`deno doc --lint ${entries.join(" ")} reported problems`);
  }

  // Stale pages of renamed or removed symbols must not survive a rebuild.
  await Deno.remove(output, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  const html = await denoDoc(["--html", `--name=${name}`, `--output=${output}`, ...entries]);
  if (!html.ok || html.noise.length > 0) {
    console.error(html.noise.join("\n"));
    fail(`deno doc --html reported problems`);
  }
  console.log(`docs: API reference of ${entries.join(", ")} in ${join(output, "index.html")}`);
}

await main();
