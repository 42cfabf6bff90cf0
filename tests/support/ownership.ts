/**
 * Who owns a token, judged by the server: each node's own tokens (asked of that node alone) and
 * the ring's rule (the first ring token at or after it, wrapping around). Shared by the routing
 * tests of the cluster suite and of the version matrix.
 *
 * @module
 */
import { AllowListPolicy, Client, RoundRobinPolicy } from "../../mod.ts";
import { assertEquals } from "./assert.ts";

/** Each node's own tokens, asked of that node alone. */
export async function ownTokens(
  contact: string,
  addresses: string[],
): Promise<Map<bigint, string>> {
  const owners = new Map<bigint, string>();
  for (const address of addresses) {
    const c = new Client({
      contactPoints: [contact],
      loadBalancing: new AllowListPolicy(new RoundRobinPolicy(), [address]),
    });
    try {
      const rs = await c.execute<{ tokens: string[] }>("SELECT tokens FROM system.local");
      assertEquals(rs.info.queriedHost, address);
      for (const t of rs.first()!.tokens) owners.set(BigInt(t), address);
    } finally {
      await c.close();
    }
  }
  return owners;
}

/** The owner of `token`: the node of the first ring token at or after it, wrapping around. */
export function ownerOf(owners: Map<bigint, string>, token: bigint): string {
  const ring = [...owners.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return owners.get(ring.find((x) => x >= token) ?? ring[0])!;
}
