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

/**
 * `bytes[start, end)` as a view when that is safe and pins little, otherwise as a copy. A view
 * needs memory nobody reuses, and must be at least an eighth of that memory, so a value kept
 * by the application holds on to at most eight times its own size.
 */
export function viewOrCopy(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return (end - start) * 8 >= bytes.buffer.byteLength && isOwned(bytes)
    ? bytes.subarray(start, end)
    : bytes.slice(start, end);
}
