/**
 * Class names as cassandra-driver's: bundlers rename classes whose names collide (the native
 * driver has its own `ResponseError`, `LocalDate`, ...), and `constructor.name` and `err.name`
 * must still read "ResponseError". Each exported class is named after its export.
 *
 * @module
 */

/** Names every class among `exports` after its key. */
export function nameClasses(exports: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(exports)) {
    if (typeof value === "function" && /^[A-Z]/.test(key) && value.name !== key) {
      Object.defineProperty(value, "name", { value: key, configurable: true });
    }
  }
}
