/**
 * Consistency levels ([consistency] in the spec, section 3) and their wire codes.
 *
 * @module
 */

/** Wire code of each consistency level. */
export const Consistency = {
  ANY: 0x0000,
  ONE: 0x0001,
  TWO: 0x0002,
  THREE: 0x0003,
  QUORUM: 0x0004,
  ALL: 0x0005,
  LOCAL_QUORUM: 0x0006,
  EACH_QUORUM: 0x0007,
  SERIAL: 0x0008,
  LOCAL_SERIAL: 0x0009,
  LOCAL_ONE: 0x000a,
} as const;

/** A consistency level name, e.g. `"LOCAL_QUORUM"`. */
export type ConsistencyName = keyof typeof Consistency;

const BY_CODE: readonly ConsistencyName[] = (() => {
  const out: ConsistencyName[] = [];
  for (const [name, code] of Object.entries(Consistency)) out[code] = name as ConsistencyName;
  return out;
})();

/**
 * The name of a consistency code as found in server messages. A code this driver does not know
 * (a newer server) renders as `"UNKNOWN(0x..)"` rather than failing the whole message.
 */
export function consistencyName(code: number): string {
  return BY_CODE[code] ?? `UNKNOWN(0x${code.toString(16)})`;
}

/** Returns true when `s` names a consistency level. */
export function isConsistencyName(s: string): s is ConsistencyName {
  return Object.hasOwn(Consistency, s);
}

/**
 * The wire code for a level given by name or code. Throws TypeError on an unknown name or an
 * out-of-range code: that is a caller bug, not something to send to a server.
 */
export function consistencyCode(level: ConsistencyName | number): number {
  if (typeof level === "number") {
    if (!Number.isInteger(level) || level < 0 || level > 0xffff) {
      throw new TypeError(`bad consistency code ${level}`);
    }
    return level;
  }
  // Every request names its level, nearly always the same one: remember the last.
  if (level === lastName) return lastCode;
  if (!isConsistencyName(level)) throw new TypeError(`unknown consistency level "${level}"`);
  lastName = level;
  lastCode = Consistency[level];
  return lastCode;
}

let lastName: string | undefined;
let lastCode = 0;
