/**
 * A node's process: its pid file, whether that pid is still our Cassandra, its run state, signals,
 * and waiting for it to exit. Linux only (it reads /proc), like the rest of the launcher.
 *
 * @module
 */
import { join } from "./path.ts";

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The pid the node in `dir` wrote at its start, or null. */
export async function readPid(dir: string): Promise<number | null> {
  try {
    const pid = Number((await Deno.readTextFile(join(dir, "pid"))).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True when `pid` is alive and is the Cassandra of the node in `dir` (pids get reused). */
export async function isOurProcess(pid: number, dir: string): Promise<boolean> {
  // While the shell execs the JVM (and once a process is a zombie) its cmdline reads empty: ask
  // again for a moment before calling it gone, or a node that is starting looks as if it exited.
  for (let attempt = 0; attempt < 10; attempt++) {
    let cmdline: string;
    try {
      cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`);
    } catch {
      return false;
    }
    if (cmdline !== "") return cmdline.includes(join(dir, "conf", "cassandra.yaml"));
    await sleep(50);
  }
  return false;
}

/** The pid of the node in `dir` while its process exists (a paused one included), else null. */
export async function runningPid(dir: string): Promise<number | null> {
  const pid = await readPid(dir);
  return pid !== null && await isOurProcess(pid, dir) ? pid : null;
}

/** The state letter in /proc/PID/stat (R, S, D, T, Z, ...), or null when there is no such pid. */
export async function processState(pid: number): Promise<string | null> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    // Field 2, the command name, is in parentheses and may itself hold spaces or parentheses.
    return stat.slice(stat.lastIndexOf(")") + 2).charAt(0) || null;
  } catch {
    return null;
  }
}

/** True when the process is stopped by a signal (SIGSTOP): "T", or "t" under a tracer. */
export async function isPaused(pid: number): Promise<boolean> {
  const s = await processState(pid);
  return s === "T" || s === "t";
}

/** Sends a signal; a process that is already gone is not an error. */
export function signal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/**
 * Waits until the process has exited (a zombie nobody reaped yet counts as exited: it holds no
 * port and no file). False when it is still there after `timeoutMs`.
 */
export async function waitGone(pid: number, dir: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await processState(pid);
    if (state === null || state === "Z" || state === "X" || !await isOurProcess(pid, dir)) {
      return true;
    }
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

/**
 * Stops the node's process: SIGTERM (Cassandra drains and exits), SIGKILL when it is still there
 * after `graceMs`. Returns how it ended. Removes the pid file.
 */
export async function terminate(
  pid: number,
  dir: string,
  graceMs = 30_000,
): Promise<"stopped" | "killed"> {
  signal(pid, "SIGTERM");
  // A paused process keeps SIGTERM pending until it runs again: wake it, or we would wait forever.
  signal(pid, "SIGCONT");
  let how: "stopped" | "killed" = "stopped";
  if (!await waitGone(pid, dir, graceMs)) {
    how = "killed";
    await kill(pid, dir);
  }
  await Deno.remove(join(dir, "pid")).catch(() => {});
  return how;
}

/** SIGKILL, then waits until the process is gone. Removes the pid file. */
export async function kill(pid: number, dir: string): Promise<void> {
  signal(pid, "SIGKILL");
  if (!await waitGone(pid, dir, 30_000)) throw new Error(`pid ${pid} outlived SIGKILL for 30 s`);
  await Deno.remove(join(dir, "pid")).catch(() => {});
}
