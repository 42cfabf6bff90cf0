/** Where the launcher keeps jars, node folders and generated certificates. @module */
import { dirname, fromFileUrl, join } from "./path.ts";

/** The repository root. */
export const REPO_ROOT: string = join(dirname(fromFileUrl(import.meta.url)), "..", "..");

/** The launcher's cache folder (git-ignored); `CQL_CASSANDRA_HOME` moves it. */
export const CACHE_DIR: string = Deno.env.get("CQL_CASSANDRA_HOME") ??
  join(REPO_ROOT, ".cache", "cassandra");

/** Resolved jars of the default line (5.0); other lines have their own folder, see libDir. */
export const LIB_DIR: string = join(CACHE_DIR, "lib");

/**
 * The jars folder of a release line ("3.11", "4.0", ...): `lib-<line>`, except 5.0, which keeps
 * the `lib` it had before there were other lines.
 */
export function libDir(line: string): string {
  return line === "5.0" ? LIB_DIR : join(CACHE_DIR, `lib-${line}`);
}

/** One folder per cluster, one sub-folder per node. */
export function clusterDir(name: string): string {
  return join(CACHE_DIR, "clusters", name);
}
