/**
 * Resolves cassandra-all (newest 5.0.x) and its runtime dependencies from Maven Central with
 * `mvn`, into the cache. A marker file makes later runs skip Maven entirely.
 *
 * @module
 */
import { join } from "./path.ts";
import { LIB_DIR, REPO_ROOT } from "./paths.ts";

const MARKER = join(LIB_DIR, ".resolved");

/** Result of {@link resolveJars}. */
export interface ResolvedJars {
  /** Folder holding every jar; the classpath is `${dir}/*`. */
  dir: string;
  /** The Cassandra version resolved, e.g. "5.0.9". */
  version: string;
  /** True when Maven ran (cold), false when the cache was reused (warm). */
  resolved: boolean;
  /** Milliseconds taken. */
  ms: number;
}

/** Resolves the jars unless the cache already has them (or `refresh` is set). */
export async function resolveJars(opts: { refresh?: boolean; quiet?: boolean } = {}): Promise<
  ResolvedJars
> {
  const t0 = performance.now();
  if (!opts.refresh) {
    const version = await readMarker();
    if (version) return { dir: LIB_DIR, version, resolved: false, ms: performance.now() - t0 };
  }
  await Deno.remove(LIB_DIR, { recursive: true }).catch(() => {});
  await Deno.mkdir(LIB_DIR, { recursive: true });
  if (!opts.quiet) console.error("resolving cassandra-all 5.0.x from Maven Central ...");
  const out = await new Deno.Command("mvn", {
    args: [
      "-q",
      "-B",
      "-f",
      join(REPO_ROOT, "tools", "cassandra", "pom.xml"),
      "dependency:copy-dependencies",
      `-DoutputDirectory=${LIB_DIR}`,
      "-DincludeScope=runtime",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output().catch((e) => {
    throw new Error(`cannot run mvn (is Maven installed and on PATH?): ${e.message}`);
  });
  if (!out.success) {
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    throw new Error(`mvn failed to resolve cassandra-all:\n${text.slice(-4000)}`);
  }
  let version = "";
  for await (const e of Deno.readDir(LIB_DIR)) {
    const m = /^cassandra-all-(5\.0\.[0-9]+)\.jar$/.exec(e.name);
    if (m) version = m[1];
  }
  if (!version) throw new Error(`mvn ran but no cassandra-all-5.0.x jar is in ${LIB_DIR}`);
  await Deno.writeTextFile(MARKER, version + "\n");
  return { dir: LIB_DIR, version, resolved: true, ms: performance.now() - t0 };
}

async function readMarker(): Promise<string | null> {
  try {
    return (await Deno.readTextFile(MARKER)).trim() || null;
  } catch {
    return null;
  }
}
