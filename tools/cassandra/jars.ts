/**
 * Resolves cassandra-all (the newest release of one line) and its runtime dependencies from
 * Maven Central with `mvn`, into the cache, one folder per line. A marker file makes later runs
 * skip Maven entirely.
 *
 * @module
 */
import { join } from "./path.ts";
import { libDir, REPO_ROOT } from "./paths.ts";
import { type CassandraLine, DEFAULT_LINE, mavenRange } from "./versions.ts";

/** Result of {@link resolveJars}. */
export interface ResolvedJars {
  /** Folder holding every jar; the classpath is `${dir}/*`. */
  dir: string;
  /** The release line asked for. */
  line: CassandraLine;
  /** The Cassandra version resolved, e.g. "5.0.9". */
  version: string;
  /** True when Maven ran (cold), false when the cache was reused (warm). */
  resolved: boolean;
  /** Milliseconds taken. */
  ms: number;
}

/** Options of {@link resolveJars}. */
export interface ResolveOptions {
  /** Which line. Default 5.0. */
  line?: CassandraLine;
  /** Resolve again even when the cache has the jars. */
  refresh?: boolean;
  /** No progress line. */
  quiet?: boolean;
}

/** Resolutions running in this process, so concurrent callers share one Maven run per line. */
const running = new Map<CassandraLine, Promise<ResolvedJars>>();

/** Resolves a line's jars unless the cache already has them (or `refresh` is set). */
export function resolveJars(opts: ResolveOptions = {}): Promise<ResolvedJars> {
  const line = opts.line ?? DEFAULT_LINE;
  let p = running.get(line);
  if (!p) {
    p = resolve(line, opts).finally(() => running.delete(line));
    running.set(line, p);
  }
  return p;
}

async function resolve(line: CassandraLine, opts: ResolveOptions): Promise<ResolvedJars> {
  const t0 = performance.now();
  const dir = libDir(line);
  const marker = join(dir, ".resolved");
  if (!opts.refresh) {
    const version = await readMarker(marker);
    if (version) return { dir, line, version, resolved: false, ms: performance.now() - t0 };
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  if (!opts.quiet) console.error(`resolving cassandra-all ${line}.x from Maven Central ...`);
  const out = await new Deno.Command("mvn", {
    args: [
      "-q",
      "-B",
      "-f",
      join(REPO_ROOT, "tools", "cassandra", "pom.xml"),
      "dependency:copy-dependencies",
      `-DoutputDirectory=${dir}`,
      "-DincludeScope=runtime",
      `-Dcassandra.range=${mavenRange(line)}`,
      // Activates the pom's profile with the extra jars 3.11 needs.
      `-Dcassandra.line=${line}`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output().catch((e) => {
    throw new Error(`cannot run mvn (is Maven installed and on PATH?): ${e.message}`);
  });
  if (!out.success) {
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    throw new Error(`mvn failed to resolve cassandra-all ${line}.x:\n${text.slice(-4000)}`);
  }
  const version = await findJar(dir, "cassandra-all");
  if (!version || !version.startsWith(`${line}.`)) {
    throw new Error(`mvn ran but no cassandra-all-${line}.x jar is in ${dir}`);
  }
  await Deno.writeTextFile(marker, version + "\n");
  return { dir, line, version, resolved: true, ms: performance.now() - t0 };
}

/**
 * The version of `artifact` among the jars in `dir` (`<artifact>-<version>.jar`, no
 * classifier), or null when it is not there.
 */
export async function findJar(dir: string, artifact: string): Promise<string | null> {
  const re = new RegExp(`^${artifact}-([0-9][0-9.]*[0-9])\\.jar$`);
  for await (const e of Deno.readDir(dir)) {
    const m = re.exec(e.name);
    if (m) return m[1];
  }
  return null;
}

async function readMarker(marker: string): Promise<string | null> {
  try {
    return (await Deno.readTextFile(marker)).trim() || null;
  } catch {
    return null;
  }
}
