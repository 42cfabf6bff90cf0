/**
 * Seed corpora for the Jazzer.js targets (tests/fuzz/targets/), built at run time from the
 * golden frames that tests/protocol/golden/record.ts recorded from a real Cassandra
 * (tests/fixtures/frames/*.bin, listed in index.json). Starting from real traffic puts the
 * fuzzer past the headers and checksums from its first input: every response kind, the rows of
 * every CQL type, LZ4 bodies and segments as the server compressed them.
 *
 * @module
 */
import { loadLz4 } from "../../src/compression/lz4.ts";
import { ByteWriter } from "../../src/protocol/bytes.ts";
import { HEADER_LENGTH } from "../../src/protocol/frame.ts";
import { Opcode } from "../../src/protocol/opcodes.ts";
import { encodeSegments } from "../../src/protocol/segment.ts";

const FIXTURES = new URL("../fixtures/frames/", import.meta.url);

/** The targets seeds exist for (the names of tests/fuzz/targets/*.ts). */
export type SeedTarget = "frame" | "segment" | "lz4" | "rows" | "planted";

interface FixtureMeta {
  name: string;
  version: 4 | 5;
  mode: string;
}

/** The recorded response frames (not the requests, not the raw wire captures), by name. */
function responseFrames(): Map<string, { meta: FixtureMeta; bytes: Uint8Array }> {
  const index: FixtureMeta[] = JSON.parse(Deno.readTextFileSync(new URL("index.json", FIXTURES)));
  const out = new Map<string, { meta: FixtureMeta; bytes: Uint8Array }>();
  for (const meta of index) {
    if (meta.name.startsWith("req-")) continue;
    out.set(meta.name, { meta, bytes: Deno.readFileSync(new URL(`${meta.name}.bin`, FIXTURES)) });
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const w = new ByteWriter();
  for (const p of parts) w.raw(p);
  return w.toBytes();
}

/** Groups of `n` consecutive items. */
function groups<T>(items: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

/** The seed inputs of `target`, by file name. */
export async function seeds(target: SeedTarget): Promise<Map<string, Uint8Array>> {
  const frames = responseFrames();
  const out = new Map<string, Uint8Array>();
  const all = [...frames.values()];
  const wire = (name: string) => Deno.readFileSync(new URL(`${name}.bin`, FIXTURES));
  switch (target) {
    case "frame": {
      for (const [name, f] of frames) out.set(name, f.bytes);
      // Streams of several frames, as a connection receives them.
      for (const [i, g] of groups(all.filter((f) => f.meta.mode === "v4"), 5).entries()) {
        out.set(`v4-stream-${i}`, concat(g.map((f) => f.bytes)));
      }
      out.set("wire-v4-lz4-rows-all-types", wire("wire-v4-lz4-rows-all-types"));
      break;
    }
    case "planted":
      // Only the READY frames: the planted fault is one header field away from them.
      for (const [name, f] of frames) if (name.endsWith("-ready")) out.set(name, f.bytes);
      break;
    case "rows":
      for (const [name, f] of frames) {
        if (f.bytes[4] === Opcode.Result) out.set(name, f.bytes);
      }
      break;
    case "lz4": {
      const lz4 = await loadLz4();
      for (const [name, f] of frames) {
        const body = f.bytes.subarray(HEADER_LENGTH);
        if (f.meta.mode === "v4-lz4") {
          // As recorded: the server's own LZ4 block behind its length.
          if (body.length > 0) out.set(`${name}-server`, body);
          continue;
        }
        const w = new ByteWriter();
        w.uint(body.length);
        w.raw(lz4.compress(body));
        out.set(`${name}-driver`, w.toBytes());
      }
      break;
    }
    case "segment": {
      const lz4 = await loadLz4();
      const v5 = all.filter((f) => f.meta.version === 5 && !f.meta.mode.endsWith("lz4"));
      const v5lz4 = all.filter((f) => f.meta.mode === "v5-lz4");
      const add = (name: string, mode: number, bytes: Uint8Array) => {
        const b = new Uint8Array(bytes.length + 1);
        b[0] = mode;
        b.set(bytes, 1);
        out.set(name, b);
      };
      const encode = (fs: Uint8Array[], compressed: boolean, maxPayload?: number) => {
        const w = new ByteWriter();
        encodeSegments(fs, w, { compressor: compressed ? lz4 : undefined, maxPayload });
        return w.toBytes();
      };
      for (const [i, g] of groups([...v5, ...v5lz4], 4).entries()) {
        const fs = g.map((f) => f.bytes);
        for (const compressed of [false, true]) {
          const c = compressed ? 1 : 0;
          // Mode bit 1 (CRCs rewritten after mutation) for most; some keep the CRCs as sent.
          add(
            `v5-${compressed ? "lz4" : "plain"}-${i}`,
            c | 2 | (i % 8) << 2,
            encode(fs, compressed),
          );
          // Small payloads: envelopes split over runs of non-self-contained segments.
          add(
            `v5-${compressed ? "lz4" : "plain"}-${i}-split`,
            c | 2 | ((i + 3) % 8) << 2,
            encode(fs, compressed, 61 + 37 * i),
          );
          if (i % 4 === 0) {
            add(`v5-${compressed ? "lz4" : "plain"}-${i}-crc`, c, encode(fs, compressed));
          }
        }
      }
      // Segments exactly as the server compressed them.
      add("wire-v5-lz4-rows-all-types", 3, wire("wire-v5-lz4-rows-all-types"));
      add("wire-v5-lz4-rows-all-types-crc", 1, wire("wire-v5-lz4-rows-all-types"));
      add("wire-v5-lz4-rows-big-blob", 3, wire("wire-v5-lz4-rows-big-blob"));
      break;
    }
  }
  return out;
}

/** Writes the seeds of `target` into `dir` (created, emptied first). Returns how many. */
export async function writeSeeds(target: SeedTarget, dir: string): Promise<number> {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  const s = await seeds(target);
  for (const [name, bytes] of s) await Deno.writeFile(`${dir}/${name}`, bytes);
  return s.size;
}
