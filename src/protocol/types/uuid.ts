/**
 * UUID strings: formatting, parsing, and generation of random (v4) and time-based (v1) UUIDs.
 *
 * @module
 */

// Character codes of each byte's two hex digits.
const HI = new Uint8Array(256);
const LO = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  HI[i] = "0123456789abcdef".charCodeAt(i >> 4);
  LO[i] = "0123456789abcdef".charCodeAt(i & 15);
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DASH = 0x2d;

/** Formats 16 bytes at `off` as a lower-case `8-4-4-4-12` UUID string. */
export function formatUuid(b: Uint8Array, off = 0): string {
  // One flat string from 36 character codes: concatenating 20 pieces built a rope that cost
  // 3.5x as much (uuid columns are common, so this is on the row-decoding path).
  const x0 = b[off], x1 = b[off + 1], x2 = b[off + 2], x3 = b[off + 3];
  const x4 = b[off + 4], x5 = b[off + 5], x6 = b[off + 6], x7 = b[off + 7];
  const x8 = b[off + 8], x9 = b[off + 9], x10 = b[off + 10], x11 = b[off + 11];
  const x12 = b[off + 12], x13 = b[off + 13], x14 = b[off + 14], x15 = b[off + 15];
  return String.fromCharCode(
    HI[x0],
    LO[x0],
    HI[x1],
    LO[x1],
    HI[x2],
    LO[x2],
    HI[x3],
    LO[x3],
    DASH,
    HI[x4],
    LO[x4],
    HI[x5],
    LO[x5],
    DASH,
    HI[x6],
    LO[x6],
    HI[x7],
    LO[x7],
    DASH,
    HI[x8],
    LO[x8],
    HI[x9],
    LO[x9],
    DASH,
    HI[x10],
    LO[x10],
    HI[x11],
    LO[x11],
    HI[x12],
    LO[x12],
    HI[x13],
    LO[x13],
    HI[x14],
    LO[x14],
    HI[x15],
    LO[x15],
  );
}

/** True when `s` is a UUID in `8-4-4-4-12` hex form (either case). */
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

function hexVal(c: number): number {
  // '0'-'9', 'A'-'F', 'a'-'f'; callers validated the string first.
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}

/**
 * Writes the 16 bytes of a UUID string into `out` at `off`. Throws TypeError unless `s` is in
 * `8-4-4-4-12` hex form.
 */
export function parseUuidInto(s: string, out: Uint8Array, off: number): void {
  if (!UUID_RE.test(s)) throw new TypeError(`not a UUID: ${JSON.stringify(s)}`);
  let j = 0;
  for (let i = 0; i < 16; i++) {
    if (s.charCodeAt(j) === 0x2d) j++;
    out[off + i] = (hexVal(s.charCodeAt(j)) << 4) | hexVal(s.charCodeAt(j + 1));
    j += 2;
  }
}

/** The 16 bytes of a UUID string; throws TypeError on a malformed string. */
export function parseUuid(s: string): Uint8Array {
  const out = new Uint8Array(16);
  parseUuidInto(s, out, 0);
  return out;
}

/** The version nibble of a UUID string (1 for time-based, 4 for random). */
export function uuidVersion(s: string): number {
  if (!UUID_RE.test(s)) throw new TypeError(`not a UUID: ${JSON.stringify(s)}`);
  return hexVal(s.charCodeAt(14));
}

/** A random (version 4) UUID, lower-case. */
export function randomUuid(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return formatUuid(b);
}

/** 100-ns intervals between the Gregorian reform (UUID epoch, 1582-10-15) and 1970-01-01. */
const GREGORIAN_OFFSET = 0x01b21dd213814000n;

/** Options for {@link timeuuid}. */
export interface TimeuuidOptions {
  /**
   * Sub-millisecond ticks (100 ns units, 0 to 9999) to use instead of the automatic counter.
   */
  ticks?: number;
  /** A 6-byte node id; default: random per process, with the multicast bit set (RFC 4122). */
  node?: Uint8Array;
  /** A 14-bit clock sequence; default: random per process. */
  clockSeq?: number;
}

let processNode: Uint8Array | undefined;
let processClockSeq = -1;
let lastMs = NaN;
let lastTicks = 0;

/**
 * A time-based (version 1) UUID for `date` (default: now). UUIDs made in the same millisecond
 * differ and increase, using the sub-millisecond 100-ns ticks as a counter; the node id and
 * clock sequence are random per process unless given.
 *
 * @example
 * ```ts
 * const id = timeuuid();
 * timeuuidToDate(id); // about now
 * ```
 */
export function timeuuid(date: Date = new Date(), options: TimeuuidOptions = {}): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new TypeError("timeuuid: invalid Date");
  if (processNode === undefined) {
    const node = new Uint8Array(6);
    crypto.getRandomValues(node);
    node[0] |= 0x01;
    processNode = node;
    const cs = new Uint16Array(1);
    crypto.getRandomValues(cs);
    processClockSeq = cs[0] & 0x3fff;
  }
  let ticks: number;
  let clockSeq = options.clockSeq ?? processClockSeq;
  if (options.ticks !== undefined) {
    if (!Number.isInteger(options.ticks) || options.ticks < 0 || options.ticks > 9999) {
      throw new TypeError(`timeuuid: ticks must be 0 to 9999, got ${options.ticks}`);
    }
    ticks = options.ticks;
  } else if (ms === lastMs) {
    ticks = ++lastTicks;
    if (ticks > 9999) {
      // More than 10000 ids in one millisecond: move to a fresh clock sequence to stay unique.
      processClockSeq = (processClockSeq + 1) & 0x3fff;
      clockSeq = options.clockSeq ?? processClockSeq;
      ticks = lastTicks = 0;
    }
  } else {
    lastMs = ms;
    ticks = lastTicks = 0;
  }
  const node = options.node ?? processNode;
  if (node.length !== 6) throw new TypeError("timeuuid: node must be 6 bytes");
  if (!Number.isInteger(clockSeq) || clockSeq < 0 || clockSeq > 0x3fff) {
    throw new TypeError(`timeuuid: clockSeq must be 0 to 16383, got ${clockSeq}`);
  }
  const t = BigInt(ms) * 10000n + BigInt(ticks) + GREGORIAN_OFFSET;
  if (t < 0n || t >= 1n << 60n) throw new TypeError("timeuuid: date outside the UUID time range");
  const low = Number(t & 0xffffffffn);
  const mid = Number((t >> 32n) & 0xffffn);
  const hi = Number(t >> 48n);
  const b = new Uint8Array(16);
  b[0] = low >>> 24;
  b[1] = (low >>> 16) & 0xff;
  b[2] = (low >>> 8) & 0xff;
  b[3] = low & 0xff;
  b[4] = mid >>> 8;
  b[5] = mid & 0xff;
  b[6] = 0x10 | (hi >>> 8);
  b[7] = hi & 0xff;
  b[8] = 0x80 | (clockSeq >>> 8);
  b[9] = clockSeq & 0xff;
  b.set(node, 10);
  return formatUuid(b);
}

/**
 * The time (millisecond precision) of a version 1 UUID; throws TypeError for other versions or
 * malformed strings.
 */
export function timeuuidToDate(s: string): Date {
  const b = parseUuid(s);
  if (b[6] >> 4 !== 1) throw new TypeError(`not a time-based (version 1) UUID: ${s}`);
  const t = (BigInt(b[6] & 0x0f) << 56n) | (BigInt(b[7]) << 48n) | (BigInt(b[4]) << 40n) |
    (BigInt(b[5]) << 32n) | (BigInt(b[0]) << 24n) | (BigInt(b[1]) << 16n) |
    (BigInt(b[2]) << 8n) | BigInt(b[3]);
  const d = t - GREGORIAN_OFFSET;
  // Floor division so times before 1970 land on the right millisecond.
  const ms = d >= 0n ? d / 10000n : -((-d + 9999n) / 10000n);
  return new Date(Number(ms));
}
