/**
 * ByteReader's list and map readers on hostile input: a lying count fails before its array is
 * allocated, and a `__proto__` key is data (found by reading the code the fuzzers exercise).
 *
 * @module
 */
import { ByteReader, ByteWriter } from "../../src/protocol/bytes.ts";
import { ProtocolError } from "../../src/protocol/errors.ts";
import { assert, assertEquals, assertThrows } from "../support/assert.ts";

Deno.test("bytes: a string list whose count does not fit is refused before allocating", () => {
  // 65,535 strings claimed in 4 bytes: each needs at least 2.
  const r = new ByteReader(new Uint8Array([0xff, 0xff, 0x00, 0x00]));
  const e = assertThrows(() => r.stringList(), ProtocolError);
  assert(r.pos === 2, `nothing read past the count (at ${r.pos}): ${e.message}`);
  const w = new ByteWriter();
  w.stringList(["a", "", "ccc"]);
  assertEquals(new ByteReader(w.toBytes()).stringList(), ["a", "", "ccc"]);
});

Deno.test("bytes: a __proto__ key of a string map or multimap is an own property", () => {
  const w = new ByteWriter();
  w.stringMap({ a: "1" });
  const bytes = w.toBytes();
  // The same map with the key renamed by hand: [short n][string "a"] -> "__proto__".
  const k = new TextEncoder().encode("__proto__");
  const hostile = new Uint8Array([0, 2, 0, k.length, ...k, 0, 1, 0x78, ...bytes.subarray(2)]);
  const m = new ByteReader(hostile).stringMap();
  assertEquals(Object.getPrototypeOf(m), Object.prototype);
  assertEquals(Object.getOwnPropertyDescriptor(m, "__proto__")?.value, "x");
  assertEquals(m.a, "1");
  const mm = new ByteReader(
    new Uint8Array([0, 1, 0, k.length, ...k, 0, 1, 0, 1, 0x79]),
  ).stringMultimap();
  assertEquals(Object.getPrototypeOf(mm), Object.prototype);
  assertEquals(Object.getOwnPropertyDescriptor(mm, "__proto__")?.value, ["y"]);
});
