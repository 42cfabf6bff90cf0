/**
 * `types.Uuid`: a 16-byte UUID held as a blob, as cassandra-driver represents uuid values.
 *
 * @module
 */
import { fromHex, randomBlob, sameBytes, toHex } from "../buffer.ts";

/** A callback receiving an error or a value, as cassandra-driver's callback APIs do. */
export type ValueCallback<T> = (err: Error | null, value?: T) => void;

/**
 * A UUID (CQL `uuid`).
 *
 * @example
 * ```ts
 * import { types } from "@cql/driver/compat";
 * const id = types.Uuid.fromString("c1b3d0b8-6a4e-4d8e-9e3e-000000000001");
 * id.toString(); // "c1b3d0b8-6a4e-4d8e-9e3e-000000000001"
 * ```
 */
export class Uuid {
  /** The 16 bytes. */
  readonly buffer: Uint8Array;

  /** Wraps 16 bytes (not copied). */
  constructor(buffer: Uint8Array) {
    if (!buffer || buffer.length !== 16) {
      throw new Error("You must provide a buffer containing 16 bytes");
    }
    this.buffer = buffer;
  }

  /** Parses the 36-character form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
  static fromString(value: string): Uuid {
    if (typeof value !== "string" || value.length !== 36) {
      throw new Error(
        "Invalid string representation of Uuid, it should be in the 00000000-0000-0000-0000-000000000000",
      );
    }
    return new Uuid(fromHex(value.replace(/-/g, "")));
  }

  /** A random (version 4) UUID; with a callback, passes it there instead of returning it. */
  static random(): Uuid;
  /** Passes a random (version 4) UUID to `callback`. */
  static random(callback: ValueCallback<Uuid>): void;
  static random(callback?: ValueCallback<Uuid>): Uuid | void {
    const b = randomBlob(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const u = new Uuid(b);
    if (callback) {
      callback(null, u);
      return;
    }
    return u;
  }

  /** The 16 bytes. */
  getBuffer(): Uint8Array {
    return this.buffer;
  }

  /** True when `other` is a Uuid with the same bytes. */
  equals(other: unknown): boolean {
    return other instanceof Uuid && sameBytes(this.buffer, other.buffer);
  }

  /** The 36-character lower-case form. */
  toString(): string {
    const h = toHex(this.buffer);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${
      h.slice(20, 32)
    }`;
  }

  /** The class name and the string form. */
  inspect(): string {
    return `${this.constructor.name}: ${this.toString()}`;
  }

  /** The string form. */
  toJSON(): string {
    return this.toString();
  }
}
