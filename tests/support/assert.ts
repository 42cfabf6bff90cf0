/**
 * The few assertions the tests need (JSR's @std/assert is not reachable from our machines).
 *
 * @module
 */

/** Thrown by a failed assertion. */
export class AssertionError extends Error {
  override name = "AssertionError";
}

/** Fails unless `cond` is truthy. */
export function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new AssertionError(msg);
}

function show(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  try {
    return Deno.inspect(v, { depth: 8, strAbbreviateSize: 200 });
  } catch {
    return String(v);
  }
}

/** Structural equality: primitives (NaN equals NaN, -0 differs from 0), arrays, typed arrays, Maps, Sets, Dates, plain objects and class instances by own fields. */
export function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) {
    return a.getTime() === (b as Date).getTime() ||
      (isNaN(a.getTime()) && isNaN((b as Date).getTime()));
  }
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<unknown>, y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    if (a.size !== m.size) return false;
    const ea = [...a.entries()], eb = [...m.entries()];
    return ea.every(([k, v], i) => equal(k, eb[i][0]) && equal(v, eb[i][1]));
  }
  if (a instanceof Set) {
    const ea = [...a], eb = [...(b as Set<unknown>)];
    return ea.length === eb.length && ea.every((v, i) => equal(v, eb[i]));
  }
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Fails unless `actual` structurally equals `expected`. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  if (!equal(actual, expected)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}expected ${show(expected)}, got ${show(actual)}`,
    );
  }
}

/** Fails unless `fn` throws (or rejects with) an instance of `type`; returns the error. */
export async function assertRejects<E extends Error>(
  fn: () => unknown,
  type: new (...args: never[]) => E,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof type)) {
      throw new AssertionError(`expected ${type.name}, got ${show(e)}`);
    }
    if (includes && !e.message.includes(includes)) {
      throw new AssertionError(`expected message containing "${includes}", got "${e.message}"`);
    }
    return e;
  }
  throw new AssertionError(`expected ${type.name}, nothing was thrown`);
}

/** Synchronous variant of {@link assertRejects}. */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  type: new (...args: never[]) => E,
  includes?: string,
): E {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof type)) throw new AssertionError(`expected ${type.name}, got ${show(e)}`);
    if (includes && !e.message.includes(includes)) {
      throw new AssertionError(`expected message containing "${includes}", got "${e.message}"`);
    }
    return e;
  }
  throw new AssertionError(`expected ${type.name}, nothing was thrown`);
}
