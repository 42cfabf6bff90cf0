/**
 * Picks the transport for the runtime the driver runs on. Each adapter is loaded with a dynamic
 * `import()` only once its runtime is recognised, so no runtime ever evaluates another's module:
 * Node never sees `Deno.*`, workerd never imports `node:net`.
 *
 * @module
 */

import type { Transport } from "./types.ts";

/** Runtimes the driver has a built-in transport for. */
export type RuntimeName = "deno" | "bun" | "cloudflare" | "node";

interface RuntimeGlobals {
  Deno?: unknown;
  Bun?: unknown;
  navigator?: { userAgent?: string };
  process?: { versions?: { node?: string } };
}

/**
 * Names the current runtime, or undefined when none is recognised. Bun is tested before Node
 * because Bun also sets `process.versions.node`; Deno before both because its Node compatibility
 * layer sets `process` as well.
 *
 * @example
 * ```ts
 * import { detectRuntime } from "./detect.ts";
 * console.log(detectRuntime()); // "deno" when run by Deno
 * ```
 */
export function detectRuntime(): RuntimeName | undefined {
  const g = globalThis as RuntimeGlobals;
  if (g.Deno !== undefined) return "deno";
  if (g.Bun !== undefined) return "bun";
  if (g.navigator?.userAgent === "Cloudflare-Workers") return "cloudflare";
  if (typeof g.process?.versions?.node === "string") return "node";
  return undefined;
}

let cached: Promise<Transport> | undefined;

async function load(runtime: RuntimeName | undefined): Promise<Transport> {
  switch (runtime) {
    case "deno":
      return (await import("./deno.ts")).denoTransport;
    case "bun":
      return (await import("./bun.ts")).bunTransport;
    case "cloudflare":
      return (await import("./cloudflare.ts")).cloudflareTransport();
    case "node":
      return (await import("./node.ts")).nodeTransport;
    default:
      throw new Error(
        "cql: no built-in transport for this runtime (not Deno, Bun, Node or Cloudflare " +
          "Workers); pass a Transport in the client options",
      );
  }
}

/**
 * The transport for the current runtime, loaded on first call and shared afterwards.
 *
 * @example
 * ```ts
 * import { defaultTransport } from "./detect.ts";
 * const transport = await defaultTransport();
 * console.log(transport.name); // "deno", "bun", "node" or "cloudflare"
 * ```
 */
export async function defaultTransport(): Promise<Transport> {
  cached ??= load(detectRuntime());
  try {
    return await cached;
  } catch (err) {
    // Not cached, so a later call can try again.
    cached = undefined;
    throw err;
  }
}
