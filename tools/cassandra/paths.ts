/** Where the launcher keeps jars, node folders and generated certificates. @module */
import { dirname, fromFileUrl, join } from "./path.ts";

/** The repository root. */
export const REPO_ROOT: string = join(dirname(fromFileUrl(import.meta.url)), "..", "..");

/** The launcher's cache folder (git-ignored); `CQL_CASSANDRA_HOME` moves it. */
export const CACHE_DIR: string = Deno.env.get("CQL_CASSANDRA_HOME") ??
  join(REPO_ROOT, ".cache", "cassandra");

/** Resolved jars. */
export const LIB_DIR: string = join(CACHE_DIR, "lib");

/** One folder per cluster, one sub-folder per node. */
export function clusterDir(name: string): string {
  return join(CACHE_DIR, "clusters", name);
}
