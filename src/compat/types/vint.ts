/**
 * Cassandra's variable-length integers (the bytes of a `duration`), on bigints.
 *
 * @module
 */

/** Appends the signed (zig-zag) vint of `v` to `out`. */
export function pushVint(out: number[], v: bigint): void {
  const u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  const lz = 64 - (u | 1n).toString(2).length;
  const size = (639 - lz * 9) >> 6;
  if (size === 1) {
    out.push(Number(u));
    return;
  }
  const bytes: number[] = [];
  let x = u;
  for (let i = 0; i < size; i++) {
    bytes.unshift(Number(x & 0xffn));
    x >>= 8n;
  }
  if (size === 9) bytes[0] = 0xff;
  else bytes[0] |= (0xff << (8 - (size - 1))) & 0xff;
  out.push(...bytes);
}

/** Reads a signed vint at `pos.at`, advancing it. */
export function readVint(b: Uint8Array, pos: { at: number }): bigint {
  const first = b[pos.at++];
  let extra = 0;
  while (extra < 8 && (first & (0x80 >> extra)) !== 0) extra++;
  let u = BigInt(first & (0xff >> extra));
  for (let i = 0; i < extra; i++) u = (u << 8n) | BigInt(b[pos.at++] ?? 0);
  return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n));
}
