/**
 * `types.Tuple`: the value of a CQL `tuple<...>`.
 *
 * @module
 */

/**
 * An ordered, fixed-length list of values of different types.
 *
 * @example
 * ```ts
 * import { types } from "@cql/driver/compat";
 * const t = new types.Tuple("a", 1);
 * t.get(1); // 1
 * t.toString(); // "(a,1)"
 * ```
 */
export class Tuple {
  /** The values. */
  readonly elements: unknown[];
  /** The number of values. */
  readonly length: number;

  /** A tuple of the arguments (at least one). */
  constructor(...args: unknown[]) {
    if (args.length === 0) throw new TypeError("Tuple must contain at least one value");
    this.elements = args;
    this.length = args.length;
  }

  /** A tuple of the array's values. */
  static fromArray(elements: readonly unknown[]): Tuple {
    return new Tuple(...elements);
  }

  /** The value at `index`. */
  get(index: number): unknown {
    return this.elements[index || 0];
  }

  /** "(a,b,...)" of the values' strings. */
  toString(): string {
    return `(${
      this.elements.map((x) => String((x as { toString(): string }).toString())).join(",")
    })`;
  }

  /** The values. */
  toJSON(): unknown[] {
    return this.elements;
  }

  /** A copy of the values. */
  values(): unknown[] {
    return this.elements.slice(0);
  }
}
