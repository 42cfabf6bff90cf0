/**
 * Row readers generated per column set. A row built by one shared store site per column
 * position (`row[names[c]] = …`) makes V8's inline caches megamorphic as soon as a process has
 * decoded two column sets (the driver's own system.local query at connect is enough): in the
 * driver-bound scan profile the megamorphic keyed store and object clone stubs took 12-14% of
 * Node's CPU. A reader generated for one column set stores to constant property names from an
 * object literal, so each reader has its own monomorphic sites and its decoder calls can be
 * inlined.
 *
 * Only the column names reach the generated source, each as a JSON string literal (JSON is a
 * subset of JavaScript string syntax since ES2019), so no server-sent text can become code.
 * Runtimes that forbid code generation (Cloudflare Workers, a Content-Security-Policy without
 * `unsafe-eval`) make {@link compileRowReader} return undefined, and the caller keeps its
 * generic path.
 *
 * @module
 */
import type { Decoder } from "./codec-util.ts";

/**
 * Reads one row starting at `p`, ending no later than `end`, and stores the offset after it
 * in `at[0]`. Throws whatever `truncated` throws when a cell does not fit.
 */
export type RowReader = (
  buf: Uint8Array,
  dv: DataView,
  p: number,
  end: number,
  at: Int32Array,
) => Record<string, unknown>;

// Past this many columns the generated function is large and the generic path is good enough.
const MAX_COLUMNS = 256;

/**
 * Generates a reader for rows of these columns, or undefined when this runtime forbids code
 * generation, there are too many columns, or a name (`__proto__`) would mean something else
 * in an object literal. `truncated` must throw.
 */
export function compileRowReader(
  names: readonly string[],
  decs: readonly Decoder[],
  truncated: () => never,
): RowReader | undefined {
  const n = names.length;
  if (n === 0 || n > MAX_COLUMNS || names.includes("__proto__")) {
    return undefined;
  }
  const keys = names.map((name) => JSON.stringify(name));
  const params = decs.map((_, c) => `d${c}`);
  let body = `"use strict";\nreturn function readRow(buf, dv, p, end, at) {\n`;
  body += `  const row = {${keys.map((k) => `${k}: null`).join(", ")}};\n  let len = 0;\n`;
  for (let c = 0; c < n; c++) {
    body += `  if (p + 4 > end) truncated();\n  len = dv.getInt32(p);\n  p += 4;\n` +
      `  if (len >= 0) {\n    if (len > end - p) truncated();\n` +
      `    row[${keys[c]}] = d${c}(buf, dv, p, len);\n    p += len;\n  }\n`;
  }
  body += `  at[0] = p;\n  return row;\n};\n`;
  try {
    // Throws where code generation is forbidden; once per column set, so no probe is kept.
    const factory = new Function(...params, "truncated", body) as (
      ...args: unknown[]
    ) => RowReader;
    return factory(...decs, truncated);
  } catch {
    return undefined;
  }
}
