/**
 * The Cassandra release lines the launcher runs (those users run in production), and what
 * differs between them: where their jars go, which yaml keys they read, what the JVM needs.
 *
 * @module
 */

/** A release line; the launcher runs its newest patch release. */
export type CassandraLine = "3.11" | "4.0" | "4.1" | "5.0";

/** Every line, oldest first. */
export const CASSANDRA_LINES: readonly CassandraLine[] = ["3.11", "4.0", "4.1", "5.0"];

/** The line used when none is asked for. */
export const DEFAULT_LINE: CassandraLine = "5.0";

/** `s` as a line, or an error listing the lines there are. */
export function parseLine(s: string): CassandraLine {
  const line = CASSANDRA_LINES.find((l) => l === s);
  if (!line) throw new Error(`no Cassandra line ${s} (lines: ${CASSANDRA_LINES.join(", ")})`);
  return line;
}

/**
 * The line of a full version ("4.1.10" is 4.1). A cluster description from before lines existed
 * has a 5.0.x version, so this also reads those.
 */
export function lineOf(version: string): CassandraLine {
  const m = /^(\d+)\.(\d+)\./.exec(version);
  if (!m) throw new Error(`not a Cassandra version: ${version}`);
  return parseLine(`${m[1]}.${m[2]}`);
}

/**
 * Lines before 4.1 read the old yaml names (`*_in_ms`, `*_in_mb`, `enable_*`); 4.1 renamed
 * them (and still reads the old ones), 5.0 reads only the new ones.
 */
export function usesOldYamlKeys(line: CassandraLine): boolean {
  return line === "3.11" || line === "4.0";
}

/** 3.11 reads seeds as bare addresses: it predates ports in the seed list (4.0). */
export function seedsTakePorts(line: CassandraLine): boolean {
  return line !== "3.11";
}

/** Maven version range of a line's releases: no pre-release of it or of the next line. */
export function mavenRange(line: CassandraLine): string {
  return `[${line}.0,${line}.999]`;
}
