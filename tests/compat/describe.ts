// deno-lint-ignore-file no-explicit-any
/**
 * Transcripts for the differential tests: a value written as its class name and `toString()`
 * (recursively for arrays, plain objects and rows), so the same program run on cassandra-driver
 * and on the compat entry can be compared line by line.
 *
 * @module
 */

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** One value's description. */
export function describe(v: any, depth = 0): string {
  if (depth > 8) return "…";
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  switch (typeof v) {
    case "number":
      return `number:${Object.is(v, -0) ? "-0" : String(v)}`;
    case "string":
      return `string:${JSON.stringify(v)}`;
    case "boolean":
      return `boolean:${v}`;
    case "bigint":
      return `bigint:${v}`;
    case "function":
      return "function";
  }
  if (v instanceof Date) return `Date:${isNaN(v.getTime()) ? "invalid" : v.toISOString()}`;
  if (v instanceof Uint8Array) return `${v.constructor.name}:${hex(v)}`;
  if (Array.isArray(v)) return `[${v.map((x) => describe(x, depth + 1)).join(", ")}]`;
  if (v instanceof Map) {
    return `Map{${[...v].map(([k, x]) => `${describe(k)}=>${describe(x, depth + 1)}`).join(", ")}}`;
  }
  if (v instanceof Set) return `Set{${[...v].map((x) => describe(x, depth + 1)).join(", ")}}`;
  const name = v.constructor?.name ?? "Object";
  if (name === "Object") {
    return `{${Object.keys(v).map((k) => `${k}: ${describe(v[k], depth + 1)}`).join(", ")}}`;
  }
  if (name === "Row") {
    return `Row{${v.keys().map((k: string) => `${k}: ${describe(v[k], depth + 1)}`).join(", ")}}`;
  }
  if (name === "Tuple") {
    return `Tuple(${v.elements.map((x: any) => describe(x, depth + 1)).join(", ")}):${v}`;
  }
  return `${name}:${String(v)}`;
}

/** An error's description: class, code, message (and the query when one is attached). */
export function describeError(e: any): string {
  const parts = [`${e?.constructor?.name}`, `name=${e?.name}`];
  if (e?.code !== undefined) parts.push(`code=0x${e.code.toString(16)}`);
  // The first line: cassandra-driver formats inner errors with their stack.
  parts.push(`message=${JSON.stringify(String(e?.message).split("\n")[0])}`);
  if (e?.query !== undefined) parts.push(`query=${JSON.stringify(e.query)}`);
  if (e?.innerErrors) {
    parts.push(
      `inner={${
        Object.entries(e.innerErrors).map(([k, x]) => `${k}: ${describeError(x)}`).join("; ")
      }}`,
    );
  }
  return parts.join(" ");
}
