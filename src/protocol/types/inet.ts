/**
 * IP address strings for CQL `inet`: parsing to 4 or 16 bytes and canonical formatting
 * (RFC 5952 for IPv6).
 *
 * @module
 */

const V4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const GROUP_RE = /^[0-9a-fA-F]{1,4}$/;

function parseV4Into(s: string, out: Uint8Array, off: number): boolean {
  const m = V4_RE.exec(s);
  if (m === null) return false;
  for (let i = 0; i < 4; i++) {
    const v = Number(m[i + 1]);
    if (v > 255) return false;
    out[off + i] = v;
  }
  return true;
}

/** Parses one side of a `::` into 16-bit groups; an IPv4 tail counts as two. */
function parseGroups(part: string, allowV4Tail: boolean): number[] | null {
  if (part === "") return [];
  const items = part.split(":");
  const groups: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (allowV4Tail && i === items.length - 1 && it.includes(".")) {
      const b = new Uint8Array(4);
      if (!parseV4Into(it, b, 0)) return null;
      groups.push((b[0] << 8) | b[1], (b[2] << 8) | b[3]);
    } else {
      if (!GROUP_RE.test(it)) return null;
      groups.push(parseInt(it, 16));
    }
  }
  return groups;
}

/**
 * Parses an IPv4 (`10.0.0.1`) or IPv6 (`::1`, `fe80::1`, `::ffff:10.0.0.1`) address into 4 or
 * 16 bytes. Throws TypeError otherwise (zone ids and brackets are not accepted).
 */
export function parseInet(s: string): Uint8Array {
  const v4 = new Uint8Array(4);
  if (parseV4Into(s, v4, 0)) return v4;
  const bad = () => new TypeError(`not an IP address: ${JSON.stringify(s)}`);
  const halves = s.split("::");
  let groups: number[] | null;
  if (halves.length === 1) {
    groups = parseGroups(s, true);
    if (groups === null || groups.length !== 8) throw bad();
  } else if (halves.length === 2) {
    const left = parseGroups(halves[0], false);
    const right = parseGroups(halves[1], true);
    if (left === null || right === null || left.length + right.length > 7) throw bad();
    groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  } else {
    throw bad();
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i] >> 8;
    out[2 * i + 1] = groups[i] & 0xff;
  }
  return out;
}

/**
 * Formats 4 or 16 bytes at `off`: dotted quad for IPv4; for IPv6 lower-case hex with the
 * longest run of two or more zero groups written as `::`, and IPv4-mapped addresses as
 * `::ffff:a.b.c.d`.
 */
export function formatInet(b: Uint8Array, off: number, len: 4 | 16): string {
  if (len === 4) return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
  let mapped = b[off + 10] === 0xff && b[off + 11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (b[off + i] !== 0) mapped = false;
  if (mapped) return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[off + 2 * i] << 8) | b[off + 2 * i + 1]);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) => g.slice(from, to).map((x) => x.toString(16)).join(":");
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}
