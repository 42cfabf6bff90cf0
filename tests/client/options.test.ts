/** Options that cannot work are a TypeError naming the option at `new Client`, not later. */
import { Client } from "../../mod.ts";
import { assertThrows } from "../support/assert.ts";

const contactPoints = ["127.0.0.1"];

Deno.test("options: out-of-range numbers throw a TypeError naming the option", () => {
  for (
    const [name, value, expected] of [
      ["maxRequestsPerConnection", 32_769, "at most 32768"],
      ["maxRequestsPerConnection", 0, "positive integer"],
      ["maxOrphanedRequests", 0, "positive integer"],
      ["maxOrphanedRequests", 1.5, "positive integer"],
      ["connectionsPerHost", -1, "positive integer"],
    ] as const
  ) {
    const e = assertThrows(() => new Client({ contactPoints, [name]: value }), TypeError);
    if (!e.message.startsWith(name) || !e.message.includes(expected)) {
      throw new Error(`${name}=${value}: ${e.message}`);
    }
  }
  new Client({ contactPoints, maxRequestsPerConnection: 32_768, maxOrphanedRequests: 1 });
});
