/**
 * The routing key: the bytes a partitioner hashes into a token. For a partition key of one
 * column it is that column's serialized value; for a composite partition key it is the
 * `CompositeType` encoding Cassandra hashes: per component a 2-byte big-endian length, the
 * bytes, and an end-of-component byte of 0.
 *
 * @module
 */

/** The largest component a composite can hold: its length has two bytes. */
const MAX_COMPONENT = 0xffff;

// Composite keys are built per request, and a fresh ArrayBuffer costs about 250 ns on Deno
// whatever its size, against about 30 for a view of a shared slab (the trade
// `src/protocol/owned.ts` makes for small blobs): keys of up to 256 bytes are views of a 4 KiB
// slab that nothing writes again, so a kept key holds on to at most 4 KiB.
const SLAB_SIZE = 4096;
const SLAB_MAX_KEY = 256;
let slab = new Uint8Array(0);
let slabPos = 0;

/**
 * The routing key of a partition key given the serialized value of each of its columns, in
 * partition-key order. One component is returned as is (not copied): hashing reads it only.
 * Throws RangeError for no components, or for a composite component longer than 65535 bytes,
 * which Cassandra could not have stored either.
 */
export function routingKey(components: readonly Uint8Array[]): Uint8Array {
  const n = components.length;
  if (n === 1) return components[0];
  if (n === 0) throw new RangeError("routing key: a partition key has at least one component");
  let size = 0;
  for (let i = 0; i < n; i++) {
    const len = components[i].length;
    if (len > MAX_COMPONENT) {
      throw new RangeError(
        `routing key: component ${i} is ${len} bytes, a composite holds at most ${MAX_COMPONENT}`,
      );
    }
    size += len + 3;
  }
  let out: Uint8Array, p: number;
  if (size > SLAB_MAX_KEY) {
    out = new Uint8Array(size);
    p = 0;
  } else {
    if (slabPos + size > slab.length) {
      slab = new Uint8Array(SLAB_SIZE);
      slabPos = 0;
    }
    out = slab;
    p = slabPos;
    slabPos += size;
  }
  const start = p;
  for (let i = 0; i < n; i++) {
    const c = components[i];
    const len = c.length;
    out[p] = len >>> 8;
    out[p + 1] = len;
    p += 2;
    // Components are mostly a few bytes (an int, a uuid): a loop beats set() there.
    if (len <= 32) { for (let j = 0; j < len; j++) out[p + j] = c[j]; }
    else out.set(c, p);
    p += len;
    out[p++] = 0;
  }
  return out === slab ? slab.subarray(start, p) : out;
}
