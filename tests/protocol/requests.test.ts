import { assertEquals, assertThrows } from "../support/assert.ts";
import { ByteWriter } from "../../src/protocol/bytes.ts";
import {
  boundValues,
  encodeAuthResponse,
  encodeBatch,
  encodeExecute,
  encodeOptions,
  encodePrepare,
  encodeQuery,
  encodeRegister,
  encodeStartup,
  UNSET,
} from "../../src/protocol/requests.ts";
import { hex, show } from "./helpers.ts";

function bytes(f: (w: ByteWriter) => void): string {
  const w = new ByteWriter(4);
  f(w);
  return show(w.toBytes());
}

const int = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);

Deno.test("OPTIONS v4 stream 1 is 04 00 00 01 05 00 00 00 00", () => {
  assertEquals(bytes((w) => encodeOptions(w, { version: 4, stream: 1 })), "040000010500000000");
});

Deno.test("OPTIONS v5 with the beta flag", () => {
  assertEquals(
    bytes((w) => encodeOptions(w, { version: 5, stream: 0x0102, beta: true })),
    "051001020500000000",
  );
});

Deno.test("STARTUP v4 with CQL_VERSION", () => {
  const expected = hex(`04 00 0000 01 00000016
    0001 000b ${show(new TextEncoder().encode("CQL_VERSION"))} 0005 ${
    show(new TextEncoder().encode("3.0.0"))
  }`);
  assertEquals(
    bytes((w) => encodeStartup(w, { version: 4, stream: 0 }, { CQL_VERSION: "3.0.0" })),
    show(expected),
  );
});

const SELECT = show(new TextEncoder().encode("SELECT ?"));

Deno.test("QUERY v4 with values and page size (flags as a byte)", () => {
  const got = bytes((w) =>
    encodeQuery(w, { version: 4, stream: 2 }, "SELECT ?", {
      consistency: "ONE",
      values: [int(1)],
      pageSize: 100,
    })
  );
  assertEquals(
    got,
    show(hex(`04 00 0002 07 0000001d | 00000008 ${SELECT} | 0001 | 05 | 0001 00000004 00000001 |
      00000064`)),
  );
});

Deno.test("QUERY v5 uses an int for flags, keyspace and now_in_seconds", () => {
  const got = bytes((w) =>
    encodeQuery(w, { version: 5, stream: 2 }, "SELECT ?", {
      consistency: "LOCAL_QUORUM",
      values: [null],
      keyspace: "ks",
      nowInSeconds: 7,
    })
  );
  assertEquals(
    got,
    show(hex(`05 00 0002 07 00000020 | 00000008 ${SELECT} | 0006 | 00000181 | 0001 ffffffff |
      0002 6b73 | 00000007`)),
  );
});

Deno.test("QUERY with every v4 flag, names, null and unset values", () => {
  const got = bytes((w) =>
    encodeQuery(w, { version: 4, stream: 3 }, "SELECT ?", {
      consistency: 0x0a,
      values: boundValues([hex("ab"), null, UNSET], ["a", "b", "c"]),
      skipMetadata: true,
      pageSize: 5000,
      pagingState: hex("0102"),
      serialConsistency: "LOCAL_SERIAL",
      timestamp: 1234567890123456n,
    })
  );
  const body = `00000008 ${SELECT} | 000a | 7f | 0003 | 0001 61 00000001 ab | 0001 62 ffffffff |
    0001 63 fffffffe | 00001388 | 00000002 0102 | 0009 | 000462d53c8abac0`;
  const len = hex(body).length;
  assertEquals(got, show(hex(`04 00 0003 07 ${len.toString(16).padStart(8, "0")} ${body}`)));
});

Deno.test("QUERY values written by a callback go straight into the writer", () => {
  const got = bytes((w) =>
    encodeQuery(w, { version: 4, stream: 0 }, "SELECT ?", {
      consistency: "ONE",
      values: {
        count: 2,
        write(w, i) {
          w.int(4);
          w.int(i + 10);
        },
      },
    })
  );
  assertEquals(got.endsWith("0002" + "000000040000000a" + "000000040000000b"), true);
});

Deno.test("keyspace on v4 is a TypeError and leaves the writer untouched", () => {
  const w = new ByteWriter();
  encodeOptions(w, { version: 4, stream: 0 });
  assertThrows(
    () => encodeQuery(w, { version: 4, stream: 1 }, "x", { consistency: "ONE", keyspace: "ks" }),
    TypeError,
  );
  assertEquals(w.length, 9);
});

Deno.test("tracing flag and custom payload on a request", () => {
  const got = bytes((w) =>
    encodeQuery(
      w,
      { version: 4, stream: 1, tracing: true, customPayload: { k: hex("01") } },
      "SELECT ?",
      { consistency: "ONE" },
    )
  );
  assertEquals(
    got,
    show(hex(`04 06 0001 07 00000019 | 0001 0001 6b 00000001 01 | 00000008 ${SELECT} | 0001 00`)),
  );
});

Deno.test("PREPARE v4 and v5 (flags and keyspace)", () => {
  assertEquals(
    bytes((w) => encodePrepare(w, { version: 4, stream: 1 }, "SELECT ?")),
    show(hex(`04 00 0001 09 0000000c 00000008 ${SELECT}`)),
  );
  assertEquals(
    bytes((w) => encodePrepare(w, { version: 5, stream: 1 }, "SELECT ?")),
    show(hex(`05 00 0001 09 00000010 00000008 ${SELECT} 00000000`)),
  );
  assertEquals(
    bytes((w) => encodePrepare(w, { version: 5, stream: 1 }, "SELECT ?", "ks")),
    show(hex(`05 00 0001 09 00000014 00000008 ${SELECT} 00000001 0002 6b73`)),
  );
});

Deno.test("EXECUTE v4 and v5 (result metadata id)", () => {
  assertEquals(
    bytes((w) =>
      encodeExecute(w, { version: 4, stream: 9 }, hex("cafe"), null, {
        consistency: "QUORUM",
        skipMetadata: true,
      })
    ),
    show(hex(`04 00 0009 0a 00000007 0002 cafe 0004 02`)),
  );
  assertEquals(
    bytes((w) =>
      encodeExecute(w, { version: 5, stream: 9 }, hex("cafe"), hex("beef"), {
        consistency: "QUORUM",
      })
    ),
    show(hex(`05 00 0009 0a 0000000e 0002 cafe 0002 beef 0004 00000000`)),
  );
  assertThrows(
    () =>
      encodeExecute(new ByteWriter(), { version: 5, stream: 9 }, hex("cafe"), null, {
        consistency: "ONE",
      }),
    TypeError,
  );
});

Deno.test("BATCH v4 with a query and a prepared statement", () => {
  const got = bytes((w) =>
    encodeBatch(w, { version: 4, stream: 4 }, {
      type: 1,
      statements: [{ query: "SELECT ?", values: [int(1)] }, { id: hex("ab"), values: [] }],
      consistency: "ONE",
      serialConsistency: "SERIAL",
      timestamp: 1n,
    })
  );
  const body = `01 0002 | 00 00000008 ${SELECT} 0001 00000004 00000001 | 01 0001 ab 0000 | 0001 |
    30 | 0008 | 0000000000000001`;
  const len = hex(body).length.toString(16).padStart(8, "0");
  assertEquals(got, show(hex(`04 00 0004 0d ${len} ${body}`)));
});

Deno.test("BATCH v5 with keyspace and now_in_seconds", () => {
  const got = bytes((w) =>
    encodeBatch(w, { version: 5, stream: 4 }, {
      statements: [{ id: hex("ab") }],
      consistency: "ONE",
      keyspace: "ks",
      nowInSeconds: 2,
    })
  );
  const body = `00 0001 | 01 0001 ab 0000 | 0001 | 00000180 | 0002 6b73 | 00000002`;
  const len = hex(body).length.toString(16).padStart(8, "0");
  assertEquals(got, show(hex(`05 00 0004 0d ${len} ${body}`)));
});

Deno.test("REGISTER and AUTH_RESPONSE", () => {
  assertEquals(
    bytes((w) => encodeRegister(w, { version: 4, stream: 0 }, ["UP"])),
    show(hex(`04 00 0000 0b 00000006 0001 0002 5550`)),
  );
  assertEquals(
    bytes((w) => encodeAuthResponse(w, { version: 4, stream: 0 }, hex("00616200"))),
    show(hex(`04 00 0000 0f 00000008 00000004 00616200`)),
  );
  assertEquals(
    bytes((w) => encodeAuthResponse(w, { version: 4, stream: 0 }, null)),
    show(hex(`04 00 0000 0f 00000004 ffffffff`)),
  );
});

Deno.test("several requests coalesce into one writer", () => {
  const w = new ByteWriter();
  const a = encodeOptions(w, { version: 4, stream: 1 });
  const b = encodeOptions(w, { version: 4, stream: 2 });
  assertEquals([a, b, w.length], [0, 9, 18]);
});

Deno.test("bad stream ids and value counts are rejected", () => {
  assertThrows(() => encodeOptions(new ByteWriter(), { version: 4, stream: 40000 }), TypeError);
  assertThrows(() => encodeOptions(new ByteWriter(), { version: 4, stream: -1 }), TypeError);
  assertThrows(
    () =>
      encodeQuery(new ByteWriter(), { version: 4, stream: 1 }, "x", {
        consistency: "ONE",
        values: { count: 1, write() {} },
      }),
    TypeError,
  );
  assertThrows(
    () =>
      encodeQuery(new ByteWriter(), { version: 4, stream: 1 }, "x", {
        consistency: "NOPE" as "ONE",
      }),
    TypeError,
  );
});
