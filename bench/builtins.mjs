// @ts-check
/**
 * Loads a module by a name that `deno check` does not follow. The repo installs no @types/node,
 * and any `node:` specifier (or cassandra-driver's typings) in the checked graph makes
 * `deno check bench` fail on it; the callers describe the little they use with local types,
 * as src/transport/node.ts does. Works on Node, Bun and Deno.
 *
 * @module
 */

/**
 * Dynamic import whose specifier the module graph cannot see.
 * @param {string} name module specifier, e.g. "node:net"
 * @returns {Promise<any>}
 */
export function load(name) {
  return import(name);
}
