/**
 * Token-aware routing on the three-node cluster: with one replica per partition, every request
 * must reach the node that owns its token, as the server itself computes the token (`token()`)
 * and as each node reports its own tokens (`system.local`).
 */
import { Client } from "../../mod.ts";
import { assertEquals } from "../support/assert.ts";
import { addressOf, freshKeyspace, ring } from "./support.ts";
import { ownerOf, ownTokens } from "../support/ownership.ts";

for (const protocolVersion of [4, 5] as const) {
  Deno.test(`routing: with RF=1 every request goes to the node owning its token (v${protocolVersion}, single and composite keys)`, async () => {
    const info = await ring();
    const addresses = [1, 2, 3].map((i) => addressOf(info, i));
    const client = new Client({
      contactPoints: [addresses[0]],
      localDataCenter: "datacenter1",
      protocolVersion,
    });
    const ks = `cl_route_v${protocolVersion}`;
    try {
      await freshKeyspace(client, ks, 1);
      await client.execute(`CREATE TABLE ${ks}.single (k int PRIMARY KEY, v int)`);
      await client.execute(
        `CREATE TABLE ${ks}.composite (a text, b int, v int, PRIMARY KEY ((a, b)))`,
      );
      const owners = await ownTokens(addresses[0], addresses);
      const cases = [
        {
          insert: `INSERT INTO ${ks}.single (k, v) VALUES (?, ?)`,
          token: `SELECT token(k) AS t FROM ${ks}.single WHERE k = ?`,
          key: (i: number) => [i * 7919 - 400_000],
        },
        {
          insert: `INSERT INTO ${ks}.composite (a, b, v) VALUES (?, ?, ?)`,
          token: `SELECT token(a, b) AS t FROM ${ks}.composite WHERE a = ? AND b = ?`,
          key: (i: number) => [`key-${i}`, i % 13],
        },
      ];
      for (const c of cases) {
        // The first execution prepares the statements: from then on the client knows their keys.
        await client.execute(c.insert, [...c.key(-1), 0]);
        await client.execute(c.token, c.key(-1));
        const seen = new Set<string>();
        for (let i = 0; i < 1000; i++) {
          const key = c.key(i);
          const ins = await client.execute(c.insert, [...key, i]);
          const rs = await client.execute<{ t: bigint }>(c.token, key);
          const owner = ownerOf(owners, rs.first()!.t);
          assertEquals(ins.info.queriedHost, owner, `insert of ${key}`);
          assertEquals(rs.info.queriedHost, owner, `select of ${key}`);
          seen.add(owner);
        }
        assertEquals(seen.size, 3, "the keys spread over every node");
      }
    } finally {
      await client.close();
    }
  });
}

Deno.test("routing: a batch goes to a replica of its first statement; routingKey and routingIndexes route unprepared statements", async () => {
  const info = await ring();
  const addresses = [1, 2, 3].map((i) => addressOf(info, i));
  const client = new Client({ contactPoints: [addresses[0]], localDataCenter: "datacenter1" });
  try {
    await freshKeyspace(client, "cl_route_b", 1);
    await client.execute("CREATE TABLE cl_route_b.t (k int PRIMARY KEY, v int)");
    await client.execute("CREATE TABLE cl_route_b.big (k bigint PRIMARY KEY, v double)");
    const owners = await ownTokens(addresses[0], addresses);
    const insert = "INSERT INTO cl_route_b.t (k, v) VALUES (?, ?)";
    await client.execute(insert, [0, 0]);
    const tokenOf = async (k: number) =>
      (await client.execute<{ t: bigint }>("SELECT token(k) AS t FROM cl_route_b.t WHERE k = ?", [
        k,
      ]))
        .first()!.t;
    for (let k = 1; k <= 30; k++) {
      await client.execute(insert, [k, 0]);
      const owner = ownerOf(owners, await tokenOf(k));
      const b = await client.batch([{ query: insert, params: [k, 1] }, {
        query: insert,
        params: [k + 1000, 1],
      }], { type: "unlogged" });
      assertEquals(b.info.queriedHost, owner, `batch ${k}`);
      const key = new Uint8Array(4);
      new DataView(key.buffer).setInt32(0, k);
      const byKey = await client.execute(
        `SELECT v FROM cl_route_b.t WHERE k = ${k}`,
        [],
        { routingKey: key, keyspace: "cl_route_b" },
      );
      assertEquals(byKey.info.queriedHost, owner, `routingKey ${k}`);
      // Unprepared values are typed by inference: a bigint is a CQL bigint.
      const big = BigInt(k) * 1_000_003n;
      await client.execute("INSERT INTO cl_route_b.big (k, v) VALUES (?, ?)", [big, 0]);
      const bigOwner = ownerOf(
        owners,
        (await client.execute<{ t: bigint }>(
          "SELECT token(k) AS t FROM cl_route_b.big WHERE k = ?",
          [big],
        )).first()!.t,
      );
      const byIndex = await client.execute(
        "INSERT INTO cl_route_b.big (k, v) VALUES (?, ?)",
        [big, 1],
        { prepare: false, routingIndexes: [0], keyspace: "cl_route_b" },
      );
      assertEquals(byIndex.info.queriedHost, bigOwner, `routingIndexes ${k}`);
    }
  } finally {
    await client.close();
  }
});
