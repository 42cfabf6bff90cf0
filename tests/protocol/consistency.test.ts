/** Consistency levels by name and by code, the remembered last name included. */
import { assertEquals, assertThrows } from "../support/assert.ts";
import { Consistency, consistencyCode } from "../../src/protocol/consistency.ts";

Deno.test("consistencyCode: names and codes, the same name again, then others", () => {
  assertEquals(consistencyCode("ONE"), 0x0001);
  assertEquals(consistencyCode("ONE"), 0x0001);
  assertEquals(consistencyCode("LOCAL_QUORUM"), 0x0006);
  assertEquals(consistencyCode("ONE"), 0x0001);
  for (const [name, code] of Object.entries(Consistency)) {
    assertEquals(consistencyCode(name as keyof typeof Consistency), code);
    assertEquals(consistencyCode(name as keyof typeof Consistency), code);
  }
  assertEquals(consistencyCode(0x0a), 0x0a);
  // An unknown name fails whatever was asked before it, and does not poison what follows.
  assertThrows(() => consistencyCode("QUORUMM" as "QUORUM"), TypeError);
  assertThrows(() => consistencyCode("QUORUMM" as "QUORUM"), TypeError);
  assertThrows(() => consistencyCode("toString" as "QUORUM"), TypeError);
  assertThrows(() => consistencyCode(-1), TypeError);
  assertEquals(consistencyCode("QUORUM"), 0x0004);
});
