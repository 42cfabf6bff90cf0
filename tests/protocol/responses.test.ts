import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import type { ByteWriter } from "../../src/protocol/bytes.ts";
import { ProtocolError } from "../../src/protocol/errors.ts";
import { parseFrame } from "../../src/protocol/frame.ts";
import { Opcode } from "../../src/protocol/opcodes.ts";
import {
  decodeResponse,
  decodeResponseBytes,
  type Response,
} from "../../src/protocol/responses.ts";
import {
  AlreadyExistsError,
  AuthenticationError,
  CasWriteUnknownError,
  CdcWriteFailureError,
  ConfigError,
  CqlSyntaxError,
  FunctionFailureError,
  InvalidQueryError,
  IsBootstrappingError,
  OverloadedError,
  ReadFailureError,
  ReadTimeoutError,
  ResponseError,
  ServerError,
  ServerProtocolError,
  TruncateError,
  UnauthorizedError,
  UnavailableError,
  UnpreparedError,
  WriteFailureError,
  WriteTimeoutError,
} from "../../src/protocol/server-errors.ts";
import { responseFrame } from "./helpers.ts";

function decode(version: number, opcode: number, body: (w: ByteWriter) => void, flags = 0) {
  return decodeResponseBytes(responseFrame(version, 1, opcode, body, flags));
}

function error(version: number, code: number, extra: (w: ByteWriter) => void = () => {}) {
  const r = decode(version, Opcode.Error, (w) => {
    w.int(code);
    w.string("boom");
    extra(w);
  });
  assert(r.message.kind === "error");
  const e = r.message.error;
  assertEquals(e.code, code);
  assertEquals(e.message, "boom");
  assert(e instanceof ResponseError && e instanceof Error);
  return e;
}

Deno.test("ERROR: codes without extra fields map to their classes", () => {
  const cases: [number, new (...a: never[]) => ResponseError][] = [
    [0x0000, ServerError],
    [0x000a, ServerProtocolError],
    [0x0100, AuthenticationError],
    [0x1001, OverloadedError],
    [0x1002, IsBootstrappingError],
    [0x1003, TruncateError],
    [0x1600, CdcWriteFailureError],
    [0x2000, CqlSyntaxError],
    [0x2100, UnauthorizedError],
    [0x2200, InvalidQueryError],
    [0x2300, ConfigError],
  ];
  for (const [code, cls] of cases) {
    const e = error(4, code);
    assert(e instanceof cls, `0x${code.toString(16)} -> ${e.constructor.name}`);
    assertEquals(e.name, cls.name);
  }
});

Deno.test("ERROR: unknown code stays a plain ResponseError", () => {
  const e = error(5, 0x7777, (w) => w.int(1));
  assertEquals(e.constructor, ResponseError);
});

Deno.test("ERROR: Unavailable", () => {
  const e = error(4, 0x1000, (w) => {
    w.short(6);
    w.int(3);
    w.int(1);
  });
  assert(e instanceof UnavailableError);
  assertEquals([e.consistency, e.required, e.alive], ["LOCAL_QUORUM", 3, 1]);
});

Deno.test("ERROR: WriteTimeout v4, v5 non-CAS, v5 CAS with contentions", () => {
  const body = (type: string, cont?: number) => (w: ByteWriter) => {
    w.short(1);
    w.int(0);
    w.int(1);
    w.string(type);
    if (cont !== undefined) w.short(cont);
  };
  const a = error(4, 0x1100, body("SIMPLE"));
  assert(a instanceof WriteTimeoutError);
  assertEquals([a.consistency, a.received, a.blockFor, a.writeType, a.contentions], [
    "ONE",
    0,
    1,
    "SIMPLE",
    undefined,
  ]);
  const b = error(5, 0x1100, body("BATCH_LOG"));
  assert(b instanceof WriteTimeoutError && b.contentions === undefined);
  const c = error(5, 0x1100, body("CAS", 3));
  assert(c instanceof WriteTimeoutError);
  assertEquals(c.contentions, 3);
});

Deno.test("ERROR: ReadTimeout", () => {
  const e = error(4, 0x1200, (w) => {
    w.short(4);
    w.int(1);
    w.int(2);
    w.byte(0);
  });
  assert(e instanceof ReadTimeoutError);
  assertEquals([e.consistency, e.received, e.blockFor, e.dataPresent], ["QUORUM", 1, 2, false]);
});

Deno.test("ERROR: ReadFailure v4 (numfailures) and v5 (reason map)", () => {
  const v4 = error(4, 0x1300, (w) => {
    w.short(1);
    w.int(0);
    w.int(1);
    w.int(2);
    w.byte(1);
  });
  assert(v4 instanceof ReadFailureError);
  assertEquals([v4.failures, v4.reasons.size, v4.dataPresent], [2, 0, true]);
  const v5 = error(5, 0x1300, (w) => {
    w.short(1);
    w.int(0);
    w.int(1);
    w.int(2);
    w.byte(4);
    w.raw(new Uint8Array([127, 0, 0, 1]));
    w.short(1);
    w.byte(16);
    w.raw(new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]));
    w.short(2);
    w.byte(0);
  });
  assert(v5 instanceof ReadFailureError);
  assertEquals(v5.failures, 2);
  assertEquals([...v5.reasons], [["127.0.0.1", 1], ["2001:db8::1", 2]]);
  assertEquals(v5.dataPresent, false);
});

Deno.test("ERROR: WriteFailure v4 and v5", () => {
  const v4 = error(4, 0x1500, (w) => {
    w.short(5);
    w.int(1);
    w.int(3);
    w.int(1);
    w.string("COUNTER");
  });
  assert(v4 instanceof WriteFailureError);
  assertEquals([v4.consistency, v4.failures, v4.writeType], ["ALL", 1, "COUNTER"]);
  const v5 = error(5, 0x1500, (w) => {
    w.short(5);
    w.int(1);
    w.int(3);
    w.int(1);
    w.byte(4);
    w.raw(new Uint8Array([10, 0, 0, 2]));
    w.short(0);
    w.string("SIMPLE");
  });
  assert(v5 instanceof WriteFailureError);
  assertEquals([...v5.reasons], [["10.0.0.2", 0]]);
  assertEquals(v5.writeType, "SIMPLE");
});

Deno.test("ERROR: FunctionFailure, CasWriteUnknown, AlreadyExists, Unprepared", () => {
  const f = error(5, 0x1400, (w) => {
    w.string("ks");
    w.string("fn");
    w.stringList(["int", "text"]);
  });
  assert(f instanceof FunctionFailureError);
  assertEquals([f.keyspace, f.functionName, f.argTypes], ["ks", "fn", ["int", "text"]]);
  const c = error(5, 0x1700, (w) => {
    w.short(9);
    w.int(1);
    w.int(2);
  });
  assert(c instanceof CasWriteUnknownError);
  assertEquals([c.consistency, c.received, c.blockFor], ["LOCAL_SERIAL", 1, 2]);
  const a = error(4, 0x2400, (w) => {
    w.string("ks");
    w.string("");
  });
  assert(a instanceof AlreadyExistsError);
  assertEquals([a.keyspace, a.table], ["ks", ""]);
  const u = error(4, 0x2500, (w) => w.shortBytes(new Uint8Array([1, 2, 3])));
  assert(u instanceof UnpreparedError);
  assertEquals(u.id, new Uint8Array([1, 2, 3]));
});

Deno.test("READY, AUTHENTICATE, AUTH_CHALLENGE, AUTH_SUCCESS, SUPPORTED", () => {
  assertEquals(decode(4, Opcode.Ready, () => {}).message, { kind: "ready" });
  assertEquals(decode(4, Opcode.Authenticate, (w) => w.string("Pw")).message, {
    kind: "authenticate",
    authenticator: "Pw",
  });
  assertEquals(
    decode(4, Opcode.AuthChallenge, (w) => w.bytes(new Uint8Array([1]))).message,
    { kind: "authChallenge", token: new Uint8Array([1]) },
  );
  assertEquals(decode(5, Opcode.AuthSuccess, (w) => w.bytes(null)).message, {
    kind: "authSuccess",
    token: null,
  });
  const s = decode(4, Opcode.Supported, (w) => {
    w.short(2);
    w.string("CQL_VERSION");
    w.stringList(["3.4.7"]);
    w.string("PROTOCOL_VERSIONS");
    w.stringList(["4/v4", "5/v5"]);
  });
  assertEquals(s.message, {
    kind: "supported",
    options: { CQL_VERSION: ["3.4.7"], PROTOCOL_VERSIONS: ["4/v4", "5/v5"] },
  });
});

Deno.test("envelope: tracing id, warnings and custom payload precede the message", () => {
  const r = decode(4, Opcode.Result, (w) => {
    w.raw(new Uint8Array(16).fill(7));
    w.stringList(["careful"]);
    w.bytesMap({ p: new Uint8Array([9]) });
    w.int(1);
  }, 0x02 | 0x04 | 0x08);
  assertEquals(r.tracingId, new Uint8Array(16).fill(7));
  assertEquals(r.warnings, ["careful"]);
  assertEquals(r.customPayload, new Map([["p", new Uint8Array([9])]]));
  assertEquals(r.message, { kind: "void" });
});

function writeRowsMetadataBody(w: ByteWriter, flags: number, paging?: Uint8Array) {
  w.int(flags);
  w.int(2);
  if (paging) w.bytes(paging);
  if (flags & 0x08) w.shortBytes(new Uint8Array([0xee]));
  if (flags & 0x04) return;
  if (flags & 0x01) {
    w.string("ks");
    w.string("t");
    w.string("a");
    w.short(0x09);
    w.string("b");
    w.short(0x20);
    w.short(0x0d);
  } else {
    for (const [n, t] of [["a", 0x09], ["b", 0x0d]] as const) {
      w.string("ks");
      w.string("t");
      w.string(n);
      w.short(t);
    }
  }
}

function rows(version: number, flags: number, paging?: Uint8Array): Response {
  return decode(version, Opcode.Result, (w) => {
    w.int(2);
    writeRowsMetadataBody(w, flags, paging);
    w.int(1);
    w.int(4);
    w.int(42);
    w.int(-1);
  });
}

Deno.test("RESULT Rows: global table spec, paging state, rows left as a view", () => {
  const r = rows(4, 0x01 | 0x02, new Uint8Array([5, 6]));
  assert(r.message.kind === "rows");
  const { metadata, rowCount, content } = r.message;
  assertEquals(metadata.columnCount, 2);
  assertEquals(metadata.pagingState, new Uint8Array([5, 6]));
  assertEquals(metadata.newMetadataId, null);
  assertEquals(metadata.columns?.map((c) => [c.keyspace, c.table, c.name, c.type.kind]), [
    ["ks", "t", "a", "int"],
    ["ks", "t", "b", "list"],
  ]);
  assertEquals(rowCount, 1);
  assertEquals(
    content.buf.subarray(content.offset, content.end),
    new Uint8Array([0, 0, 0, 4, 0, 0, 0, 42, 255, 255, 255, 255]),
  );
});

Deno.test("RESULT Rows: per-column table specs, no metadata, v5 metadata changed", () => {
  const a = rows(4, 0);
  assert(a.message.kind === "rows");
  assertEquals(a.message.metadata.columns?.map((c) => c.name), ["a", "b"]);
  const b = rows(4, 0x04);
  assert(b.message.kind === "rows");
  assertEquals(b.message.metadata.columns, null);
  assertEquals(b.message.metadata.columnCount, 2);
  const c = rows(5, 0x08);
  assert(c.message.kind === "rows");
  assertEquals(c.message.metadata.newMetadataId, new Uint8Array([0xee]));
});

Deno.test("RESULT Rows: impossible row counts are a ProtocolError", () => {
  assertThrows(
    () =>
      decode(4, Opcode.Result, (w) => {
        w.int(2);
        writeRowsMetadataBody(w, 0x04);
        w.int(0x7fffffff);
      }),
    ProtocolError,
  );
});

Deno.test("RESULT SetKeyspace, Void, SchemaChange of every target", () => {
  assertEquals(
    decode(4, Opcode.Result, (w) => {
      w.int(3);
      w.string("ks");
    }).message,
    { kind: "setKeyspace", keyspace: "ks" },
  );
  const sc = (target: string, extra: (w: ByteWriter) => void) =>
    decode(5, Opcode.Result, (w) => {
      w.int(5);
      w.string("CREATED");
      w.string(target);
      w.string("ks");
      extra(w);
    }).message;
  assertEquals(sc("KEYSPACE", () => {}), {
    kind: "schemaChange",
    change: { change: "CREATED", target: "KEYSPACE", keyspace: "ks" },
  });
  assertEquals(sc("TABLE", (w) => w.string("t")), {
    kind: "schemaChange",
    change: { change: "CREATED", target: "TABLE", keyspace: "ks", name: "t" },
  });
  assertEquals(sc("TYPE", (w) => w.string("u")), {
    kind: "schemaChange",
    change: { change: "CREATED", target: "TYPE", keyspace: "ks", name: "u" },
  });
  for (const target of ["FUNCTION", "AGGREGATE"]) {
    assertEquals(
      sc(target, (w) => {
        w.string("f");
        w.stringList(["int"]);
      }),
      {
        kind: "schemaChange",
        change: { change: "CREATED", target, keyspace: "ks", name: "f", argTypes: ["int"] },
      },
    );
  }
});

Deno.test("RESULT Prepared v4 and v5", () => {
  const body = (v5: boolean) => (w: ByteWriter) => {
    w.int(4);
    w.shortBytes(new Uint8Array([1, 2]));
    if (v5) w.shortBytes(new Uint8Array([3]));
    w.int(1); // global table spec
    w.int(2);
    w.int(1);
    w.short(1); // pk index
    w.string("ks");
    w.string("t");
    w.string("k");
    w.short(0x0d);
    w.string("v");
    w.short(0x09);
    writeRowsMetadataBody(w, 0x01);
  };
  const a = decode(4, Opcode.Result, body(false)).message;
  assert(a.kind === "prepared");
  assertEquals(a.id, new Uint8Array([1, 2]));
  assertEquals(a.resultMetadataId, null);
  assertEquals(a.variables.partitionKeyIndexes, [1]);
  assertEquals(a.variables.columns.map((c) => c.name), ["k", "v"]);
  assertEquals(a.resultMetadata.columns?.length, 2);
  const b = decode(5, Opcode.Result, body(true)).message;
  assert(b.kind === "prepared");
  assertEquals(b.resultMetadataId, new Uint8Array([3]));
});

Deno.test("EVENT: topology, status (IPv4 and IPv6 with port), schema change", () => {
  const ev = (f: (w: ByteWriter) => void) => decode(4, Opcode.Event, f).message;
  assertEquals(
    ev((w) => {
      w.string("TOPOLOGY_CHANGE");
      w.string("NEW_NODE");
      w.byte(4);
      w.raw(new Uint8Array([10, 1, 2, 3]));
      w.int(9042);
    }),
    {
      kind: "event",
      type: "TOPOLOGY_CHANGE",
      change: "NEW_NODE",
      node: { address: "10.1.2.3", port: 9042 },
    },
  );
  assertEquals(
    ev((w) => {
      w.string("STATUS_CHANGE");
      w.string("DOWN");
      w.byte(16);
      w.raw(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]));
      w.int(9043);
    }),
    { kind: "event", type: "STATUS_CHANGE", change: "DOWN", node: { address: "::1", port: 9043 } },
  );
  assertEquals(
    ev((w) => {
      w.string("SCHEMA_CHANGE");
      w.string("DROPPED");
      w.string("AGGREGATE");
      w.string("ks");
      w.string("agg");
      w.stringList(["int", "int"]);
    }),
    {
      kind: "event",
      type: "SCHEMA_CHANGE",
      change: {
        change: "DROPPED",
        target: "AGGREGATE",
        keyspace: "ks",
        name: "agg",
        argTypes: ["int", "int"],
      },
    },
  );
});

Deno.test("stream ids are signed: events arrive on -1", () => {
  const bytes = responseFrame(4, -1, Opcode.Ready, () => {});
  assertEquals(parseFrame(bytes).header.stream, -1);
});

Deno.test("truncated bodies, unknown opcodes and kinds are ProtocolErrors", () => {
  assertThrows(() => decode(4, Opcode.Authenticate, (w) => w.short(10)), ProtocolError);
  assertThrows(() => decode(4, Opcode.Query, () => {}), ProtocolError);
  assertThrows(() => decode(4, Opcode.Result, (w) => w.int(99)), ProtocolError);
  assertThrows(() => decode(4, Opcode.Result, () => {}, 0x02), ProtocolError);
});

Deno.test("a compressed v4 frame without a compressor is a ProtocolError", () => {
  const f = parseFrame(responseFrame(4, 1, Opcode.Ready, (w) => w.int(0), 0x01));
  assertThrows(() => decodeResponse(f), ProtocolError, "compress");
});
