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
  const out = new Uint8Array(size);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const c = components[i];
    out[p] = c.length >>> 8;
    out[p + 1] = c.length;
    out.set(c, p + 2);
    p += c.length + 2;
    out[p++] = 0;
  }
  return out;
}
