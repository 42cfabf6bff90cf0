/**
 * Compat rows built by a function generated per column set. The generic builder copies each
 * cell with `row[names[i]] = …`: one keyed store site shared by every column set, megamorphic
 * from the second one on (the driver's own system queries at connect are enough), so every cell
 * took V8's slow property-adding path. In the compat select profile (Node, one row of three
 * columns) that builder cost 1.4 µs a row, the largest share of what compat added over native.
 * A builder generated for one column set stores to constant names: monomorphic sites, the
 * row's shape known in advance.
 *
 * As in the native row reader, only column names reach the generated source, each as a JSON
 * string literal, so no server-sent text can become code; where code generation is forbidden
 * (Cloudflare Workers, a Content-Security-Policy without `unsafe-eval`) the generic builder
 * stays.
 *
 * @module
 */
import type { Row } from "./types/row.ts";

/** Turns one native value (never null) into its cassandra-driver form. */
export type Convert = (v: unknown) => unknown;

/** Builds a Row of columns from a native row. */
export type RowBuilder = (row: Record<string, unknown>) => Row;

// Past this many columns the generated function is large and the generic path is good enough.
const MAX_COLUMNS = 256;

// A column set gets a generated builder after this many rows: generating one costs some tens
// of microseconds, which one-off queries would never win back (the native reader's threshold).
const COMPILE_AFTER_ROWS = 64;

/** The builder any runtime can run: one keyed store per cell. */
function genericBuilder(
  names: readonly string[],
  convs: readonly (Convert | null)[],
  proto: Row,
): RowBuilder {
  const n = names.length;
  return (src) => {
    const row: Row = Object.create(proto);
    for (let i = 0; i < n; i++) {
      const name = names[i];
      const v = src[name];
      const c = convs[i];
      row[name] = v === null || v === undefined || c === null ? (v ?? null) : c(v);
    }
    return row;
  };
}

/**
 * Generates a builder for rows of these columns, or undefined when this runtime forbids code
 * generation, there are too many columns, or a name (`__proto__`) would mean something else.
 */
export function compileRowBuilder(
  names: readonly string[],
  convs: readonly (Convert | null)[],
  proto: Row,
): RowBuilder | undefined {
  const n = names.length;
  if (n === 0 || n > MAX_COLUMNS || names.includes("__proto__")) return undefined;
  let body =
    `"use strict";\nreturn function buildRow(src) {\n  const row = Object.create(P);\n  let v;\n`;
  for (let i = 0; i < n; i++) {
    const k = JSON.stringify(names[i]);
    body += `  v = src[${k}];\n` +
      (convs[i] === null
        ? `  row[${k}] = v ?? null;\n`
        : `  row[${k}] = v === null || v === undefined ? null : c${i}(v);\n`);
  }
  body += `  return row;\n};\n`;
  try {
    const factory = new Function("P", ...convs.map((_, i) => `c${i}`), body) as (
      ...args: unknown[]
    ) => RowBuilder;
    return factory(proto, ...convs);
  } catch {
    return undefined;
  }
}

/**
 * The builder of one column set: the generic one for its first rows, then a generated one
 * where the runtime allows it. `onCompiled` receives the builder to use from then on.
 */
export function rowBuilder(
  names: readonly string[],
  convs: readonly (Convert | null)[],
  proto: Row,
  onCompiled: (b: RowBuilder) => void,
): RowBuilder {
  const generic = genericBuilder(names, convs, proto);
  let built = 0;
  return (src) => {
    if (++built === COMPILE_AFTER_ROWS) {
      onCompiled(compileRowBuilder(names, convs, proto) ?? generic);
    }
    return generic(src);
  };
}
