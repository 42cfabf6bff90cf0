/** Decoders end in a value or a ProtocolError, whatever the bytes. */
import fc from "fast-check";
import { ProtocolError } from "../../../src/protocol/errors.ts";
import { type DataType, decodeValue, encodeValue } from "../../../src/protocol/types/mod.ts";
import { typeArb, typedValue } from "./_arbitraries.ts";

function decodeOrProtocolError(t: DataType, b: Uint8Array): void {
  try {
    decodeValue(t, b);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
  }
}

Deno.test("random bytes decode to a value or a ProtocolError", () => {
  fc.assert(
    fc.property(typeArb(3), fc.uint8Array({ maxLength: 80 }), decodeOrProtocolError),
    { numRuns: 2000 },
  );
});

Deno.test("truncated and corrupted encodings decode to a value or a ProtocolError", () => {
  fc.assert(
    fc.property(typedValue, fc.nat(), fc.nat(255), fc.boolean(), ([t, v], at, byte, cut) => {
      const b = encodeValue(t, v, "p")!;
      if (b.length === 0) return;
      const i = at % b.length;
      if (cut) decodeOrProtocolError(t, b.subarray(0, i));
      else {
        const c = b.slice();
        c[i] = byte;
        decodeOrProtocolError(t, c);
      }
    }),
    { numRuns: 1000 },
  );
});

Deno.test("specific malformed values are ProtocolErrors", () => {
  const bad: [DataType, number[]][] = [
    [{ kind: "int" }, [0, 0, 1]],
    [{ kind: "bigint" }, [1, 2, 3]],
    [{ kind: "uuid" }, [1]],
    [{ kind: "inet" }, [1, 2, 3, 4, 5]],
    [{ kind: "varchar" }, [
      0xff,
      0xfe,
      0xfd,
      0xc3,
      0x28,
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
    ]],
    [{ kind: "varchar" }, [0xc3]],
    [{ kind: "time" }, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
    [{ kind: "duration" }, [0xff]],
    [{ kind: "duration" }, [2, 1, 0]],
    [{ kind: "decimal" }, [0, 0, 0]],
    [{ kind: "list", element: { kind: "int" } }, [0xff, 0xff, 0xff, 0xff]],
    [{ kind: "list", element: { kind: "int" } }, [0x7f, 0xff, 0xff, 0xff]],
    [{ kind: "map", key: { kind: "int" }, value: { kind: "int" } }, [0, 0, 0, 1, 0, 0, 0, 4]],
    [{ kind: "vector", element: { kind: "float" }, dimension: 2 }, [0, 0, 0, 0]],
    [{ kind: "vector", element: { kind: "varchar" }, dimension: 1000000 }, [1, 0x61]],
  ];
  for (const [t, bytes] of bad) {
    let threw = false;
    try {
      decodeValue(t as DataType, new Uint8Array(bytes));
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      threw = true;
    }
    if (!threw) throw new Error(`no ProtocolError for ${JSON.stringify(t)} ${bytes}`);
  }
});

Deno.test("types nested too deep are refused, not overflowed", () => {
  let t: DataType = { kind: "int" };
  for (let i = 0; i < 500; i++) t = { kind: "list", element: t };
  decodeOrProtocolError(t, new Uint8Array([0, 0, 0, 1, 0, 0, 0, 0]));
  // A value deep enough to reach the refusing level fails cleanly on both paths.
  let v: unknown = 1;
  for (let i = 0; i < 500; i++) v = [v];
  let threw = false;
  try {
    encodeValue(t, v, "deep");
  } catch (e) {
    if (!(e instanceof TypeError) || !e.message.includes("nested deeper")) throw e;
    threw = true;
  }
  if (!threw) throw new Error("expected a TypeError");
  const w = new Uint8Array(8 * 120);
  const dv = new DataView(w.buffer);
  for (let i = 0; i < 120; i++) {
    dv.setInt32(8 * i, 1);
    dv.setInt32(8 * i + 4, 8 * (120 - i - 1));
  }
  threw = false;
  try {
    decodeValue(t, w.subarray(0, 8 * 120 - 4));
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    threw = true;
  }
  if (!threw) throw new Error("expected a ProtocolError");
});
