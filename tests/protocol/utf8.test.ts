import { assertEquals, assertThrows } from "../support/assert.ts";
import {
  ByteReader,
  ByteWriter,
  useNativeUtf8,
  utf8Decode,
  utf8DecodeRange,
} from "../../src/protocol/bytes.ts";
import { ProtocolError } from "../../src/protocol/errors.ts";
import { decoderFor } from "../../src/protocol/types/codec.ts";
import { primitive } from "../../src/protocol/types/datatype.ts";

const enc = new TextEncoder();
const SAMPLES = [
  "",
  "k",
  "key-00000042",
  "\uFEFFstarts with a BOM",
  "h\u00e9 \u20ac \u{1D11E}",
  "\uFFFD real",
];

// Runs `body` once with the portable decoder, once with a native-style one installed (here a
// lenient TextDecoder, which like Buffer's utf8Slice replaces bad bytes instead of failing).
function bothDecoders(body: () => void): void {
  body();
  const lenient = new TextDecoder("utf-8", { ignoreBOM: true });
  let calls = 0;
  useNativeUtf8((b, s, e) => (calls++, lenient.decode(b.subarray(s, e))));
  try {
    body();
    if (calls === 0) throw new Error("the native decoder was not used");
  } finally {
    // The module keeps one decoder; restore a faithful one for the other tests in this process.
    useNativeUtf8((b, s, e) => lenient.decode(b.subarray(s, e)));
  }
}

Deno.test("text decodes exactly, BOM and U+FFFD included, with either decoder", () => {
  bothDecoders(() => {
    for (const t of SAMPLES) {
      const bytes = enc.encode(`[${t}]`);
      assertEquals(utf8DecodeRange(bytes, 1, bytes.length - 1), t);
      assertEquals(utf8Decode(enc.encode(t)), t);
      const text = decoderFor(primitive("varchar"));
      assertEquals(text(bytes, new DataView(bytes.buffer), 1, bytes.length - 2), t);
      const w = new ByteWriter();
      w.string(t);
      assertEquals(new ByteReader(w.toBytes()).string(), t);
    }
  });
});

Deno.test("invalid UTF-8 is a ProtocolError with either decoder", () => {
  bothDecoders(() => {
    for (const bad of [[0x61, 0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98]]) {
      const bytes = new Uint8Array([0x20, ...bad, 0x20]);
      assertThrows(() => utf8DecodeRange(bytes, 1, bytes.length - 1), ProtocolError, "UTF-8");
      assertThrows(() => utf8Decode(new Uint8Array(bad)), ProtocolError, "UTF-8");
    }
  });
});

Deno.test("a [string] longer than what is left is a ProtocolError", () => {
  assertThrows(
    () => new ByteReader(new Uint8Array([0, 5, 0x61])).string(),
    ProtocolError,
    "truncated",
  );
});
