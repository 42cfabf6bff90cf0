/**
 * Which byte buffers belong to the decoder that filled them. Transports may reuse the memory of
 * the chunks they deliver, so anything that outlives a read must be copied out of those; but a
 * buffer the protocol code allocated itself (a frame or segment assembled from several chunks,
 * a decompressed payload) is never written again, and large values can be handed out as views
 * of it instead of copies.
 *
 * @module
 */

const owned = new WeakSet<ArrayBufferLike>();

/** Records that nothing will write to `bytes`' memory again; returns `bytes`. */
export function markOwned(bytes: Uint8Array): Uint8Array {
  owned.add(bytes.buffer);
  return bytes;
}

/** True when `bytes` lies in memory recorded by {@link markOwned}. */
export function isOwned(bytes: Uint8Array): boolean {
  return owned.has(bytes.buffer);
}

// Small copies share slabs: a fresh ArrayBuffer per value costs 300-400 ns on Deno at any size
// and 600-800 ns on Node past 64 bytes, against 40-100 ns to copy into a slab and take a view
// (measured per value, 16 to 200 bytes). The price is Node's Buffer-pool trade: a kept small
// value keeps its whole slab (at most SLAB_SIZE bytes) alive.
const SLAB_SIZE = 4096;
const SLAB_MAX_VALUE = 256;
let slab = new Uint8Array(0);
let slabPos = 0;

/**
 * `bytes[start, end)` as a view when that is safe and pins little, otherwise as a copy. A view
 * needs memory nobody reuses, and must be at least an eighth of that memory, so a value kept
 * by the application holds on to at most eight times its own size. Copies of up to 256 bytes
 * are views of a shared 4 KiB slab that nothing writes again, so such a value holds on to at
 * most 4 KiB; `.slice()` it to keep many small values apart from the rows they came in.
 */
export function viewOrCopy(bytes: Uint8Array, start: number, end: number): Uint8Array {
  const n = end - start;
  if (n * 8 >= bytes.buffer.byteLength && isOwned(bytes)) return bytes.subarray(start, end);
  if (n > SLAB_MAX_VALUE) return bytes.slice(start, end);
  let at = slabPos;
  if (at + n > slab.length) {
    slab = new Uint8Array(SLAB_SIZE);
    at = 0;
  }
  if (n <= 32) {
    for (let i = 0; i < n; i++) slab[at + i] = bytes[start + i];
  } else {
    slab.set(bytes.subarray(start, end), at);
  }
  // 8-byte alignment lets a caller view a value as a Float64Array or BigInt64Array.
  slabPos = (at + n + 7) & ~7;
  return slab.subarray(at, at + n);
}
