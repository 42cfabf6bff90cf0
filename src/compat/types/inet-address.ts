/**
 * `types.InetAddress`: an IPv4 or IPv6 address held as 4 or 16 bytes (CQL `inet`).
 *
 * @module
 */
import { blobOf, sameBytes, toHex } from "../buffer.ts";

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const IPV6_CHARS = /^[\da-f:.]+$/i;

function badAddress(value: string): TypeError {
  return new TypeError(`Value could not be parsed as InetAddress: ${value}`);
}

/**
 * An IP address.
 *
 * @example
 * ```ts
 * import { types } from "@cql/driver/compat";
 * types.InetAddress.fromString("::ffff:10.0.0.1").toString(); // "::ffff:a00:1"
 * ```
 */
export class InetAddress {
  /** The 4 or 16 bytes. */
  readonly buffer: Uint8Array;
  /** 4 or 16. */
  readonly length: number;
  /** 4 or 6. */
  readonly version: number;

  /** Wraps 4 (IPv4) or 16 (IPv6) bytes. */
  constructor(buffer: Uint8Array) {
    if (!(buffer instanceof Uint8Array) || (buffer.length !== 4 && buffer.length !== 16)) {
      throw new TypeError("The ip address must contain 4 or 16 bytes");
    }
    this.buffer = buffer;
    this.length = buffer.length;
    this.version = buffer.length === 4 ? 4 : 6;
  }

  /** Parses dotted IPv4 or IPv6 (with `::` and an embedded IPv4-mapped tail); empty is 0.0.0.0. */
  static fromString(value: string): InetAddress {
    if (!value) return new InetAddress(blobOf([0, 0, 0, 0]));
    if (IPV4.test(value)) return new InetAddress(blobOf(value.split(".").map(Number)));
    if (!IPV6_CHARS.test(value)) throw badAddress(value);
    const parts = value.split(":");
    if (parts.length < 3) throw badAddress(value);
    const out: number[] = [];
    const v4Tail = IPV4.test(parts[parts.length - 1]);
    // Groups the "::" stands for; a second empty part (from a leading or trailing "::") adds one.
    let fill = 8 - parts.length + 1 - (v4Tail ? 1 : 0);
    let filled = false;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p) {
        if (v4Tail && i === parts.length - 1) {
          for (const x of p.split(".")) out.push(Number(x) & 0xff);
          break;
        }
        const g = parseInt(p, 16);
        out.push((g >>> 8) & 0xff, g & 0xff);
        continue;
      }
      if (filled) fill = 1;
      filled = true;
      for (let j = 0; j < fill; j++) out.push(0, 0);
    }
    const bytes = blobOf(out.slice(0, 16).concat(new Array(Math.max(0, 16 - out.length)).fill(0)));
    if (v4Tail && !isV4Mapped(bytes)) {
      throw new TypeError(
        "Only IPv4-Mapped IPv6 addresses are allowed as IPv6 address with embedded IPv4 address",
      );
    }
    return new InetAddress(bytes);
  }

  /** True when `other` is an InetAddress of the same bytes. */
  equals(other: unknown): boolean {
    return other instanceof InetAddress && sameBytes(this.buffer, other.buffer);
  }

  /** The 4 or 16 bytes. */
  getBuffer(): Uint8Array {
    return this.buffer;
  }

  /** The class name and the address. */
  inspect(): string {
    return `InetAddress: ${this.toString()}`;
  }

  /** Dotted IPv4, or IPv6 with its longest run of zero groups as `::`; "hex" gives the bytes. */
  toString(encoding?: string): string {
    const b = this.buffer;
    if (encoding === "hex") return toHex(b);
    if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
    const run = longestZeroRun(b);
    let s = "";
    for (let h = 0; h < 16; h += 2) {
      if (h === run.start) {
        s += ":";
        continue;
      }
      if (h > run.start && h < run.start + run.length) continue;
      if (s.length > 0) s += ":";
      s += ((b[h] << 8) | b[h + 1]).toString(16);
    }
    if (s.endsWith(":")) s += ":";
    return s;
  }

  /** The address string. */
  toJSON(): string {
    return this.toString();
  }
}

/**
 * The run of zero groups to write as `::`, in bytes. As in cassandra-driver, a run that is not
 * longer than the longest so far does not end (a later run then counts from its start).
 */
function longestZeroRun(b: Uint8Array): { start: number; length: number } {
  let start = -1;
  const best = { start: -1, length: 0 };
  const close = (end: number) => {
    if (start < 0) return;
    if (end - start > best.length) {
      best.length = end - start;
      best.start = start;
      start = -1;
    }
  };
  for (let i = 0; i < 16; i += 2) {
    if (b[i] === 0 && b[i + 1] === 0) {
      if (start < 0) start = i;
      if (i === 14) close(16);
      continue;
    }
    close(i);
  }
  return best;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 255 && b[11] === 255;
}
