import { assertEquals } from "../support/assert.ts";
import {
  CASSANDRA_CRC32_SEED,
  crc24,
  crc32,
  crc32Update,
  payloadCrc32,
} from "../../src/protocol/crc.ts";

// Expected values cross-checked with an independent transcription of Cassandra's Crc.crc24 (over
// the header as a little-endian long) and with zlib.crc32.
const ascii = (s: string) => new TextEncoder().encode(s);

Deno.test("CRC32 of the standard check string is 0xCBF43926", () => {
  assertEquals(crc32(ascii("123456789")), 0xcbf43926);
  assertEquals(crc32(new Uint8Array(0)), 0);
});

Deno.test("CRC32 slicing path matches on long, unaligned inputs", () => {
  const data = new Uint8Array(768).map((_, i) => i & 0xff);
  assertEquals(crc32(data), 0xb0c0df2a);
  // Chaining and sub-ranges agree with one pass.
  assertEquals(crc32Update(crc32(data, 0, 333), data, 333), 0xb0c0df2a);
  const shifted = new Uint8Array(769);
  shifted.set(data, 1);
  assertEquals(crc32(shifted, 1), 0xb0c0df2a);
});

// Bitwise reference: obviously right, far too slow for the driver.
function referenceCrc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}

Deno.test("CRC32 word path agrees with the bitwise reference at every alignment and length", () => {
  const backing = new Uint8Array(600).map((_, i) => (i * 151 + 7) & 0xff);
  for (let shift = 0; shift < 8; shift++) {
    // A subarray moves byteOffset too, so both the view and the range start are exercised.
    const view = backing.subarray(shift);
    for (const len of [0, 1, 15, 63, 64, 65, 79, 80, 127, 128, 255, 256, 511]) {
      for (const start of [0, 1, 2, 3, 5]) {
        const expected = referenceCrc32(view.subarray(start, start + len));
        assertEquals(
          crc32(view, start, start + len),
          expected,
          `shift ${shift} start ${start} len ${len}`,
        );
      }
    }
  }
});

Deno.test("Cassandra's CRC32 is seeded with FA 2D 55 CA", () => {
  assertEquals(CASSANDRA_CRC32_SEED, 0x44777ed3);
  assertEquals(payloadCrc32(ascii("123456789")), 0xe2a261a7);
});

Deno.test("CRC24 of segment headers", () => {
  // Uncompressed: 9-byte payload, self-contained -> header integer 0x020009.
  assertEquals(crc24(new Uint8Array([0x09, 0x00, 0x02]), 0, 3), 0xc1c8a4);
  // Largest payload, not self-contained.
  assertEquals(crc24(new Uint8Array([0xff, 0xff, 0x01]), 0, 3), 0xfe9138);
  // Compressed: 100 bytes compressed, 300 uncompressed, self-contained.
  assertEquals(crc24(new Uint8Array([0x64, 0x00, 0x58, 0x02, 0x04]), 0, 5), 0xb91e80);
});
