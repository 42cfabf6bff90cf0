/**
 * Murmur3 tokens against the real server: 10,000 random partition keys over eight key types
 * (text, int, bigint, uuid, timeuuid, blob, date, and a composite (int, text)) are inserted,
 * then every `token(pk)` Cassandra reports is compared with ours, of the key serialized by the
 * driver's own codecs. Then a TokenMap of the node as `system.local` and `system_schema`
 * describe it.
 *
 * Uses only its own keyspace, `routing_test`, on the shared main node, and drops it at the end.
 */
import { Client } from "../../mod.ts";
import { encodeValue } from "../../src/protocol/types/codec.ts";
import { type DataType, primitive } from "../../src/protocol/types/datatype.ts";
import { LocalDate } from "../../src/protocol/types/local-date.ts";
import { randomUuid, timeuuid } from "../../src/protocol/types/uuid.ts";
import { murmur3Token } from "../../src/routing/murmur3.ts";
import { routingKey } from "../../src/routing/routing-key.ts";
import type { ReplicationOptions } from "../../src/routing/replication.ts";
import { TokenMap } from "../../src/routing/token-map.ts";
import { ensureCassandra } from "../support/cassandra.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { keyForHash } from "./murmur3-reference.ts";

const KS = "routing_test";
const TOTAL_KEYS = 10_000;
const CONCURRENCY = 200;

/** A partition key type under test: its columns, and how to make and name random keys. */
interface KeyKind {
  readonly table: string;
  /** Partition key columns and their types, in key order. */
  readonly columns: readonly {
    readonly name: string;
    readonly cql: string;
    readonly type: DataType;
  }[];
  /** A random key: one value per column. */
  random(): unknown[];
  /** A string naming a key, equal for the inserted values and those read back. */
  id(values: readonly unknown[]): string;
}

function randInt(lo: number, hi: number): number {
  return lo + Math.floor(Math.random() * (hi - lo + 1));
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Text of 1..40 code points from ASCII, Latin-1, CJK and astral planes (1 to 4 UTF-8 bytes). */
function randomText(): string {
  const n = randInt(1, 40);
  let s = "";
  for (let i = 0; i < n; i++) {
    const r = Math.random();
    const cp = r < 0.5
      ? randInt(0x20, 0x7e)
      : r < 0.7
      ? randInt(0xa0, 0x7ff)
      : r < 0.9
      ? randInt(0x4e00, 0x9fff)
      : randInt(0x1f300, 0x1faff);
    s += String.fromCodePoint(cp);
  }
  return s;
}

function randomBigint(): bigint {
  const b = crypto.getRandomValues(new Uint8Array(8));
  return new DataView(b.buffer).getBigInt64(0);
}

function randomInt32(): number {
  return crypto.getRandomValues(new Int32Array(1))[0];
}

const text = primitive("varchar"), int = primitive("int"), bigint = primitive("bigint");

const KINDS: KeyKind[] = [
  {
    table: "t_text",
    columns: [{ name: "pk", cql: "text", type: text }],
    random: () => [randomText()],
    id: ([v]) => v as string,
  },
  {
    table: "t_int",
    columns: [{ name: "pk", cql: "int", type: int }],
    random: () => [randomInt32()],
    id: ([v]) => String(v),
  },
  {
    table: "t_bigint",
    columns: [{ name: "pk", cql: "bigint", type: bigint }],
    random: () => [randomBigint()],
    id: ([v]) => String(v),
  },
  {
    table: "t_uuid",
    columns: [{ name: "pk", cql: "uuid", type: primitive("uuid") }],
    random: () => [randomUuid()],
    id: ([v]) => v as string,
  },
  {
    table: "t_timeuuid",
    columns: [{ name: "pk", cql: "timeuuid", type: primitive("timeuuid") }],
    random: () => [
      timeuuid(new Date(randInt(0, 4102444800000)), {
        ticks: randInt(0, 9999),
        clockSeq: randInt(0, 16383),
        node: crypto.getRandomValues(new Uint8Array(6)),
      }),
    ],
    id: ([v]) => v as string,
  },
  {
    table: "t_blob",
    columns: [{ name: "pk", cql: "blob", type: primitive("blob") }],
    // 1..64 bytes: every tail length, one to four blocks, bytes >= 0x80 in most tails.
    random: () => [crypto.getRandomValues(new Uint8Array(randInt(1, 64)))],
    id: ([v]) => hex(v as Uint8Array),
  },
  {
    table: "t_date",
    columns: [{ name: "pk", cql: "date", type: primitive("date") }],
    random: () => [LocalDate.fromDays(randInt(-0x80000000, 0x7fffffff))],
    id: ([v]) => String((v as LocalDate).days),
  },
  {
    table: "t_composite",
    columns: [{ name: "a", cql: "int", type: int }, { name: "b", cql: "text", type: text }],
    random: () => [randomInt32(), Math.random() < 0.05 ? "" : randomText()],
    id: (v) => JSON.stringify(v),
  },
];

/** Our token of a key: each value serialized by the driver's codec, then the routing key. */
function ourToken(kind: KeyKind, values: readonly unknown[]): bigint {
  const parts = kind.columns.map((c, i) => {
    const b = encodeValue(c.type, values[i], c.name);
    assert(b !== null);
    return b;
  });
  return murmur3Token(routingKey(parts));
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += limit) {
    await Promise.all(items.slice(i, i + limit).map(fn));
  }
}

Deno.test({
  name: "server: token(pk) of 10,000 random keys of 8 key types equals our Murmur3",
  async fn() {
    const node = await ensureCassandra();
    const client = new Client({ contactPoints: [`${node.host}:${node.port}`] });
    try {
      await client.execute(`DROP KEYSPACE IF EXISTS ${KS}`);
      await client.execute(
        `CREATE KEYSPACE ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      );
      for (const k of KINDS) {
        const pk = k.columns.map((c) => c.name).join(", ");
        const cols = k.columns.map((c) => `${c.name} ${c.cql}`).join(", ");
        await client.execute(`CREATE TABLE ${KS}.${k.table} (${cols}, PRIMARY KEY ((${pk})))`);
      }

      // Random keys (deduplicated per table), plus the key whose hash is Long.MIN_VALUE: its
      // token must come back as Long.MAX_VALUE.
      const perKind = Math.floor(TOTAL_KEYS / KINDS.length);
      const expected = new Map<KeyKind, Map<string, bigint>>();
      const inserts: { kind: KeyKind; values: unknown[] }[] = [];
      for (const k of KINDS) {
        const m = new Map<string, bigint>();
        expected.set(k, m);
        const add = (values: unknown[]) => {
          const id = k.id(values);
          if (m.has(id)) return;
          m.set(id, ourToken(k, values));
          inserts.push({ kind: k, values });
        };
        if (k.table === "t_blob") add([keyForHash(-(1n << 63n))]);
        if (k.table === "t_int") [0, -1, 2147483647, -2147483648].forEach((v) => add([v]));
        if (k.table === "t_bigint") [0n, -(1n << 63n), (1n << 63n) - 1n].forEach((v) => add([v]));
        while (m.size < perKind) add(k.random());
      }
      assertEquals(inserts.length, perKind * KINDS.length);
      assert(inserts.length >= TOTAL_KEYS - KINDS.length);

      const insertCql = new Map(KINDS.map((k) => {
        const names = k.columns.map((c) => c.name);
        return [
          k,
          `INSERT INTO ${KS}.${k.table} (${names.join(", ")}) VALUES (${
            names.map(() => "?").join(", ")
          })`,
        ];
      }));
      const started = performance.now();
      await inParallel(
        inserts,
        CONCURRENCY,
        ({ kind, values }) => client.execute(insertCql.get(kind)!, values),
      );
      const insertMs = performance.now() - started;

      let compared = 0;
      for (const k of KINDS) {
        const want = expected.get(k)!;
        const pk = k.columns.map((c) => c.name).join(", ");
        const seen = new Set<string>();
        const rows = client.stream(`SELECT ${pk}, token(${pk}) AS tk FROM ${KS}.${k.table}`, [], {
          pageSize: 5000,
        });
        for await (const row of rows) {
          const r = row as Record<string, unknown>;
          const values = k.columns.map((c) => r[c.name]);
          const id = k.id(values);
          const ours = want.get(id);
          assert(ours !== undefined, `${k.table}: a key we did not insert: ${id}`);
          assertEquals(r.tk, ours, `${k.table}: token of ${id}`);
          // The values read back hash alike (the codec round-trips them).
          assertEquals(ourToken(k, values), ours, `${k.table}: token of ${id} as read back`);
          seen.add(id);
          compared++;
        }
        assertEquals(seen.size, want.size, `${k.table}: rows read back`);
      }
      assertEquals(compared, inserts.length);
      const special = expected.get(KINDS.find((k) => k.table === "t_blob")!)!
        .get(hex(keyForHash(-(1n << 63n))));
      assertEquals(special, (1n << 63n) - 1n);
      console.log(
        `    ${compared} tokens equal; ${inserts.length} inserts in ${Math.round(insertMs)} ms`,
      );

      // The node as the cluster describes it, through the TokenMap.
      const local = (await client.execute(
        "SELECT partitioner, data_center, rack, tokens FROM system.local",
      )).first() as Record<string, unknown>;
      const self = {
        datacenter: local.data_center as string,
        rack: local.rack as string,
        tokens: local.tokens as string[],
      };
      const keyspaces = new Map<string, ReplicationOptions>();
      for (
        const row of (await client.execute(
          "SELECT keyspace_name, replication FROM system_schema.keyspaces",
        )).rows
      ) {
        const r = row as Record<string, unknown>;
        keyspaces.set(r.keyspace_name as string, r.replication as ReplicationOptions);
      }
      const tm = TokenMap.build(local.partitioner as string, [self], keyspaces);
      assertEquals(tm.partitioner.name, "Murmur3Partitioner");
      assertEquals(tm.ring.size, self.tokens.length);
      assertEquals(tm.strategy(KS), { kind: "simple", replicationFactor: 1 });
      assertEquals(tm.strategy("system")?.kind, "local");
      const anyKey = inserts[0];
      assert(tm.replicas(KS, ourToken(anyKey.kind, anyKey.values))[0] === self);
      assertEquals(tm.tokenRanges(KS).length, self.tokens.length);
    } finally {
      try {
        await client.execute(`DROP KEYSPACE IF EXISTS ${KS}`);
      } finally {
        await client.close();
      }
    }
  },
});
