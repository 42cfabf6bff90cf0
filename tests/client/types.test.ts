/**
 * Every CQL type round-trips through the public Client, prepared and unprepared, in every
 * configuration of the matrix (protocol v4/v5 × LZ4 × auth).
 */
import {
  Client,
  Decimal,
  Duration,
  LocalDate,
  LocalTime,
  randomUuid,
  timeuuid,
  unset,
} from "../../mod.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { Keyspace, matrix, optionsFor, plain } from "./helpers.ts";

const ks = new Keyspace("types", (k) => [
  `CREATE TYPE ${k}.address (street text, zip int, tags frozen<set<text>>)`,
  `CREATE TYPE ${k}.person (name text, addr frozen<address>, phones frozen<list<text>>)`,
  `CREATE TABLE ${k}.all_types (
    id text PRIMARY KEY,
    c_ascii ascii, c_bigint bigint, c_blob blob, c_boolean boolean, c_date date,
    c_decimal decimal, c_double double, c_duration duration, c_float float, c_inet inet,
    c_int int, c_smallint smallint, c_text text, c_time time, c_timestamp timestamp,
    c_timeuuid timeuuid, c_tinyint tinyint, c_uuid uuid, c_varchar varchar, c_varint varint,
    c_list list<int>, c_set set<text>, c_map map<text, int>,
    c_nested list<frozen<map<text, frozen<set<int>>>>>,
    c_tuple tuple<int, text, double>,
    c_udt frozen<person>,
    c_vector vector<float, 3>)`,
  `CREATE TABLE ${k}.counters (id text PRIMARY KEY, c counter)`,
]);

const COLUMNS = [
  "c_ascii",
  "c_bigint",
  "c_blob",
  "c_boolean",
  "c_date",
  "c_decimal",
  "c_double",
  "c_duration",
  "c_float",
  "c_inet",
  "c_int",
  "c_smallint",
  "c_text",
  "c_time",
  "c_timestamp",
  "c_timeuuid",
  "c_tinyint",
  "c_uuid",
  "c_varchar",
  "c_varint",
  "c_list",
  "c_set",
  "c_map",
  "c_nested",
  "c_tuple",
  "c_udt",
  "c_vector",
] as const;

type Values = Record<(typeof COLUMNS)[number], unknown>;

/** A row with a typical value in every column. */
function sample(): Values {
  return {
    c_ascii: "hello ascii",
    c_bigint: 9007199254740993n, // beyond 2^53: must stay exact
    c_blob: new Uint8Array([0, 1, 2, 127, 128, 255]),
    c_boolean: true,
    c_date: new LocalDate(2024, 2, 29),
    c_decimal: Decimal.fromString("-12.3400"),
    c_double: 3.141592653589793,
    c_duration: new Duration(14, 3, 1234567890n),
    c_float: 1.5,
    c_inet: "192.168.1.10",
    c_int: -42,
    c_smallint: -1234,
    c_text: "héllo wörld ✓ 😀 日本",
    c_time: LocalTime.of(13, 45, 21, 123456789),
    c_timestamp: new Date(1700000000123),
    c_timeuuid: timeuuid(),
    c_tinyint: -7,
    c_uuid: randomUuid(),
    c_varchar: "varchar",
    c_varint: -(10n ** 30n) - 1n,
    c_list: [3, 1, 2],
    c_set: ["a", "b", "c"],
    c_map: new Map([["x", 1], ["y", 2]]),
    c_nested: [
      new Map([["k1", [1, 2, 3]], ["k2", []]]),
      new Map([["k3", [-1]]]),
    ],
    c_tuple: [7, "seven", 7.5],
    c_udt: {
      name: "Ann",
      addr: { street: "Main St", zip: 12345, tags: ["home", "x"] },
      phones: ["+1 555", "+44 20"],
    },
    c_vector: new Float32Array([1.5, -2.25, 3]),
  };
}

/** Boundary values, low end. */
function minimums(): Values {
  return {
    c_ascii: "",
    c_bigint: -(2n ** 63n),
    c_blob: new Uint8Array(0),
    c_boolean: false,
    c_date: LocalDate.fromDays(-(2 ** 31)),
    c_decimal: new Decimal(-(10n ** 50n) - 7n, 60),
    c_double: -Infinity,
    c_duration: new Duration(-14, -3, -1234567890123n),
    c_float: Math.fround(-3.4028234663852886e38),
    c_inet: "0.0.0.0",
    c_int: -2147483648,
    c_smallint: -32768,
    c_text: "",
    c_time: new LocalTime(0n),
    c_timestamp: new Date("0001-01-01T00:00:00.001Z"),
    c_timeuuid: timeuuid(new Date(0)),
    c_tinyint: -128,
    c_uuid: "00000000-0000-0000-0000-000000000000",
    c_varchar: "\u0000nul",
    c_varint: -(2n ** 1000n) - 1n,
    c_list: [-2147483648, 0],
    c_set: [""],
    c_map: new Map([["", -2147483648]]),
    c_nested: [new Map([["", []]])],
    c_tuple: [-2147483648, "", -Number.MAX_VALUE],
    c_udt: { name: "", addr: { street: "", zip: -2147483648, tags: [] }, phones: [] },
    c_vector: new Float32Array([Math.fround(-3.4028234663852886e38), -0, Math.fround(1e-45)]),
  };
}

/** Boundary values, high end. */
function maximums(): Values {
  const blob = new Uint8Array(300 * 1024);
  for (let i = 0; i < blob.length; i++) blob[i] = (i * 7919) & 0xff;
  return {
    c_ascii: "~".repeat(1000),
    c_bigint: 2n ** 63n - 1n,
    c_blob: blob, // bigger than one v5 segment (128 KiB)
    c_boolean: true,
    c_date: LocalDate.fromDays(2 ** 31 - 1),
    c_decimal: Decimal.fromString(
      "123456789012345678901234567890.123456789012345678901234567890",
    ),
    c_double: Number.MAX_VALUE,
    c_duration: new Duration(2147483647, 2147483647, 2n ** 63n - 1n),
    c_float: Math.fround(3.4028234663852886e38),
    c_inet: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    c_int: 2147483647,
    c_smallint: 32767,
    c_text: "ü😀".repeat(50_000),
    c_time: new LocalTime(86399999999999n),
    c_timestamp: new Date(253402300799999), // 9999-12-31T23:59:59.999Z
    c_timeuuid: timeuuid(new Date(4102444800000)),
    c_tinyint: 127,
    c_uuid: "ffffffff-ffff-ffff-ffff-ffffffffffff",
    // A leading BOM is data: it must come back (TextDecoder drops it unless told not to).
    c_varchar: "\uFEFF" + "z".repeat(10) + "\uFFFD",
    c_varint: 2n ** 1000n,
    c_list: [2147483647],
    c_set: ["zzz"],
    c_map: new Map([["max", 2147483647]]),
    c_nested: [new Map([["a", [-2147483648, 2147483647]]])],
    c_tuple: [2147483647, "max", Number.MAX_VALUE],
    c_udt: { name: "max", addr: null, phones: null },
    c_vector: new Float32Array([NaN, Infinity, -Infinity]),
  };
}

function allNull(): Values {
  return Object.fromEntries(COLUMNS.map((c) => [c, null])) as Values;
}

const INSERT_ALL = `INSERT INTO all_types (id, ${COLUMNS.join(", ")}) VALUES (?${
  ", ?".repeat(COLUMNS.length)
})`;

async function insertPrepared(client: Client, id: string, v: Values): Promise<void> {
  await client.execute(INSERT_ALL, [id, ...COLUMNS.map((c) => v[c])], { prepare: true });
}

async function read(
  client: Client,
  id: string,
  prepare: boolean,
): Promise<Record<string, unknown>> {
  const rs = prepare
    ? await client.execute("SELECT * FROM all_types WHERE id = ?", [id], { prepare: true })
    : await client.execute(`SELECT * FROM all_types WHERE id = '${id}'`, [], { prepare: false });
  assertEquals(rs.rows.length, 1, `rows for ${id}`);
  return plain(rs.first());
}

/** Compares column by column, so a failure names the column. */
function assertRow(actual: Record<string, unknown>, id: string, expected: Values): void {
  assertEquals(actual.id, id, "id");
  for (const c of COLUMNS) assertEquals(actual[c], expected[c], `column ${c}`);
  assertEquals(Object.keys(actual).sort(), ["id", ...COLUMNS].sort(), "column names");
}

for (const m of matrix()) {
  Deno.test(`types [${m.name}]`, async (t) => {
    await ks.ready(m.target);
    const client = new Client(await optionsFor(m, { keyspace: ks.name }));
    try {
      await client.connect();
      const tag = m.name.replace(/\+/g, "_");

      await t.step("every type, prepared insert and prepared/unprepared select", async () => {
        const id = `${tag}:sample`;
        const v = sample();
        await insertPrepared(client, id, v);
        assertRow(await read(client, id, true), id, v);
        assertRow(await read(client, id, false), id, v);
      });

      await t.step("JavaScript types of the decoded values", async () => {
        const id = `${tag}:sample`;
        const r = await read(client, id, true);
        assert(typeof r.c_bigint === "bigint", "bigint → bigint");
        assert(typeof r.c_varint === "bigint", "varint → bigint");
        assert(typeof r.c_int === "number", "int → number");
        assert(typeof r.c_smallint === "number" && typeof r.c_tinyint === "number", "small ints");
        assert(typeof r.c_float === "number" && typeof r.c_double === "number", "floats");
        assert(r.c_blob instanceof Uint8Array, "blob → Uint8Array");
        assert(r.c_timestamp instanceof Date, "timestamp → Date");
        assert(r.c_date instanceof LocalDate, "date → LocalDate");
        assert(r.c_time instanceof LocalTime, "time → LocalTime");
        assert(r.c_duration instanceof Duration, "duration → Duration");
        assert(r.c_decimal instanceof Decimal, "decimal → Decimal");
        assert(r.c_map instanceof Map, "map → Map");
        assert(Array.isArray(r.c_set) && Array.isArray(r.c_list), "set/list → Array");
        assert(Array.isArray(r.c_tuple), "tuple → Array");
        assert(r.c_vector instanceof Float32Array, "vector<float> → Float32Array");
        assert(/^[0-9a-f-]{36}$/.test(r.c_uuid as string), "uuid lower case");
        assert(/^[0-9a-f-]{36}$/.test(r.c_timeuuid as string), "timeuuid lower case");
        const udt = r.c_udt as Record<string, unknown>;
        assertEquals(Object.getPrototypeOf(udt), Object.prototype, "UDT is a plain object");
      });

      await t.step("unprepared insert: bound values and CQL literals", async () => {
        const id = `${tag}:unprepared`;
        const v = sample();
        const uuid = (v.c_uuid as string).toUpperCase();
        const tu = (v.c_timeuuid as string).toUpperCase();
        v.c_inet = "2001:db8::1";
        v.c_varint = 123456789012345678901234567890n;
        // Numbers are inferred as double, UUID strings as varchar: literals for those columns.
        const literals: Record<string, string> = {
          c_float: "1.5",
          c_inet: "'2001:db8::1'",
          c_int: "-42",
          c_smallint: "-1234",
          c_timeuuid: tu,
          c_tinyint: "-7",
          c_uuid: uuid,
          c_varint: "123456789012345678901234567890",
          c_list: "[3, 1, 2]",
          c_map: "{'x': 1, 'y': 2}",
          c_nested: "[{'k1': {3, 2, 1}, 'k2': {}}, {'k3': {-1}}]",
          c_tuple: "(7, 'seven', 7.5)",
          c_udt: "{name: 'Ann', addr: {street: 'Main St', zip: 12345, tags: {'x', 'home'}}, " +
            "phones: ['+1 555', '+44 20']}",
        };
        const bound = COLUMNS.filter((c) => !(c in literals));
        const q = `INSERT INTO all_types (id, ${COLUMNS.join(", ")}) VALUES (?, ${
          COLUMNS.map((c) => literals[c] ?? "?").join(", ")
        })`;
        await client.execute(q, [id, ...bound.map((c) => v[c])], { prepare: false });
        assertRow(await read(client, id, false), id, v);
        assertRow(await read(client, id, true), id, v);
      });

      await t.step("boundary values (prepared)", async () => {
        for (const [name, v] of [["min", minimums()], ["max", maximums()]] as const) {
          const id = `${tag}:${name}`;
          await insertPrepared(client, id, v);
          assertRow(await read(client, id, true), id, v);
          assertRow(await read(client, id, false), id, v);
        }
      });

      await t.step("nulls everywhere", async () => {
        const id = `${tag}:nulls`;
        await insertPrepared(client, id, allNull());
        assertRow(await read(client, id, true), id, allNull());
        // Unprepared nulls, too.
        const id2 = `${tag}:nulls2`;
        await client.execute(
          "INSERT INTO all_types (id, c_text, c_bigint, c_blob, c_double) VALUES (?, ?, ?, ?, ?)",
          [id2, null, null, null, null],
          { prepare: false },
        );
        assertRow(await read(client, id2, true), id2, allNull());
      });

      await t.step("unset leaves the old value, null overwrites (prepared and not)", async () => {
        const id = `${tag}:unset`;
        const v = sample();
        await insertPrepared(client, id, v);
        await client.execute(
          "INSERT INTO all_types (id, c_int, c_text, c_list, c_map, c_udt, c_vector, c_bigint) " +
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          [id, unset, null, unset, null, unset, null, 1n],
          { prepare: true },
        );
        let want: Values = { ...v, c_text: null, c_map: null, c_vector: null, c_bigint: 1n };
        assertRow(await read(client, id, true), id, want);

        // Named parameters with unset.
        await client.execute(
          "UPDATE all_types SET c_double = :d, c_ascii = :a WHERE id = :id",
          { id, d: unset, a: "named" },
          { prepare: true },
        );
        want = { ...want, c_ascii: "named" };
        assertRow(await read(client, id, true), id, want);

        // Unprepared: unset is also allowed in QUERY values (v4+).
        await client.execute(
          "UPDATE all_types SET c_text = ?, c_blob = ?, c_varchar = ? WHERE id = ?",
          ["back", unset, null, id],
          { prepare: false },
        );
        want = { ...want, c_text: "back", c_varchar: null };
        assertRow(await read(client, id, false), id, want);
      });

      await t.step("Set and Array are both accepted for set<text>", async () => {
        const id = `${tag}:set`;
        await client.execute(
          "INSERT INTO all_types (id, c_set) VALUES (?, ?)",
          [id, new Set(["b", "a"])],
          { prepare: true },
        );
        const r = await read(client, id, true);
        assertEquals(r.c_set, ["a", "b"]);
      });

      await t.step("counter (bigint), prepared and unprepared", async () => {
        const id = `${tag}:counter`;
        await client.execute("UPDATE counters SET c = c + ? WHERE id = ?", [5n, id], {
          prepare: true,
        });
        await client.execute("UPDATE counters SET c = c + ? WHERE id = ?", [-2n, id], {
          prepare: false,
        });
        const rs = await client.execute("SELECT c FROM counters WHERE id = ?", [id]);
        assertEquals(rs.first()?.c, 3n);
      });
    } finally {
      await client.close();
    }
  });
}

Deno.test("types: drop keyspace", async () => {
  await ks.drop();
});
