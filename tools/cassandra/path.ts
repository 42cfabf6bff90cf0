/**
 * The few path helpers the launcher needs (JSR's @std/path is not reachable from our machines).
 * POSIX only: the launcher runs on Linux and macOS.
 *
 * @module
 */

/** Joins segments with "/" and normalises "." and ".." segments. */
export function join(...parts: string[]): string {
  const abs = parts[0]?.startsWith("/") ?? false;
  const out: string[] = [];
  for (const seg of parts.join("/").split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else if (seg !== ".." || !abs) out.push(seg);
  }
  return (abs ? "/" : "") + out.join("/");
}

/** The parent folder of a path. */
export function dirname(p: string): string {
  const i = p.replace(/\/+$/, "").lastIndexOf("/");
  return i <= 0 ? (p.startsWith("/") ? "/" : ".") : p.slice(0, i);
}

/** A file: URL to a path. */
export function fromFileUrl(url: string): string {
  return decodeURIComponent(new URL(url).pathname);
}
