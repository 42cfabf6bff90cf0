/** Shared test helpers: a deep equality that treats NaN, -0 and typed arrays exactly. */
import { ByteWriter, toHex } from "../../../src/protocol/bytes.ts";
import { type DataType, encodeValue, typeToString } from "../../../src/protocol/types/mod.ts";

/** Deep equality with Object.is on leaves (NaN equals NaN, -0 differs from 0). */
export function deepEq(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime());
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    const ea = [...a.entries()];
    const eb = [...(b as Map<unknown, unknown>).entries()];
    return deepEq(ea, eb);
  }
  if (Array.isArray(a)) {
    const y = b as unknown[];
    if (a.length !== y.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEq(a[i], y[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (!deepEq(ka, kb)) return false;
  for (const k of ka) {
    if (!deepEq((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

function show(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => typeof x === "bigint" ? `${x}n` : x);
  } catch {
    return String(v);
  }
}

/** Throws unless `actual` deep-equals `expected`. */
export function assertDeep(actual: unknown, expected: unknown, msg = ""): void {
  if (!deepEq(actual, expected)) {
    throw new Error(
      `${msg} not equal:\n  actual:   ${show(actual)}\n  expected: ${show(expected)}`,
    );
  }
}

/** Hex of the value bytes of `v` as `type` (no length), or "null". */
export function hexOf(type: DataType, v: unknown): string {
  const b = encodeValue(type, v, "x");
  return b === null ? "null" : toHex(b);
}

/** Throws unless `fn` throws an instance of `cls` whose message includes every `parts`. */
export function assertThrows(
  fn: () => unknown,
  cls: new (...a: never[]) => Error,
  ...parts: string[]
): Error {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof cls)) throw new Error(`expected ${cls.name}, got ${e}`);
    for (const p of parts) {
      if (!e.message.includes(p)) {
        throw new Error(`message ${JSON.stringify(e.message)} lacks ${p}`);
      }
    }
    return e;
  }
  throw new Error(`expected ${cls.name}, nothing thrown`);
}

/** Short label of a type for test names. */
export const T = typeToString;

/** A fresh writer. */
export function writer(): ByteWriter {
  return new ByteWriter(16);
}
