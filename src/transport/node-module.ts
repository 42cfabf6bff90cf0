/**
 * Optional native helpers taken from a `node:` module (Node, Bun and Deno all have them), loaded
 * on first use, once, and only where a runtime's transport asks for them.
 *
 * @module
 */

/**
 * A loader for the helper `pick` takes from the module `specifier`: it resolves undefined where
 * the runtime lacks the module, or `pick` finds nothing fit (`pick` checks what it takes).
 *
 * @example
 * ```ts ignore
 * const sha = fromNodeModule("node:crypto", (m) => typeof m.createHash === "function" ? m : undefined);
 * console.log(await sha()); // the module, or undefined
 * ```
 */
export function fromNodeModule<T>(
  specifier: string,
  pick: (module: Record<string, unknown>) => T | undefined,
): () => Promise<T | undefined> {
  let cached: Promise<T | undefined> | undefined;
  const load = async (): Promise<T | undefined> => {
    try {
      // The specifier is a variable, so bundlers and type checkers do not resolve node modules
      // for runtimes that never ask for them.
      return pick(await import(specifier));
    } catch {
      return undefined;
    }
  };
  return () => cached ??= load();
}
