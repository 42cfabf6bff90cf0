/**
 * `types.Vector`: the value of a CQL `vector<T, n>`.
 *
 * @module
 */

/**
 * A fixed-length vector; its elements are also readable by index (`v[0]`).
 *
 * @example
 * ```ts
 * import { types } from "@cql/driver/compat";
 * const v = new types.Vector(new Float32Array([1, 2, 3]), "float");
 * v.toString(); // "[1,2,3]"
 * ```
 */
export class Vector {
  /** The elements. */
  elements: unknown[];
  /** The number of elements. */
  length: number;
  /** The element type name ("float"), when known. */
  subtype: string | null | undefined;
  /** Elements by index. */
  [index: number]: unknown;

  /** From a Float32Array or an array (at least one element) and the element type name. */
  constructor(elements: Float32Array | unknown[], subtype?: string | null) {
    if (elements instanceof Float32Array) this.elements = Array.from(elements);
    else if (Array.isArray(elements)) this.elements = elements;
    else throw new TypeError("Vector must be constructed with a Float32Array or an Array");
    if (this.elements.length === 0) throw new TypeError("Vector must contain at least one value");
    this.length = this.elements.length;
    this.subtype = subtype;
    return new Proxy(this, {
      get(target, key, receiver) {
        if (typeof key === "string" && Number.isInteger(Number(key))) {
          return target.elements[Number(key)];
        }
        return Reflect.get(target, key, receiver);
      },
      set(target, key, value, receiver) {
        if (typeof key === "string" && Number.isInteger(Number(key))) {
          target.elements[Number(key)] = value;
          return true;
        }
        return Reflect.set(target, key, value, receiver);
      },
    });
  }

  /** "[a,b,...]". */
  toString(): string {
    return `[${this.elements.toString()}]`;
  }

  /** The element at `index`. */
  at(index: number): unknown {
    return this.elements[index];
  }

  /** Calls `callback` for each element. */
  forEach(callback: (value: unknown, index: number, array: unknown[]) => void): void {
    this.elements.forEach(callback);
  }

  /** The element type name, when known. */
  getSubtype(): string | null {
    return this.subtype ?? null;
  }

  /** The elements. */
  [Symbol.iterator](): IterableIterator<unknown> {
    return this.elements[Symbol.iterator]();
  }
}
