/**
 * What every Jazzer.js fuzz target shares: the acceptance rule, the allocation guard and the
 * size checks on decoded values, and the LZ4 compressor.
 *
 * These modules are not run by Deno: tools/fuzz/jazzer.ts bundles each target with esbuild into
 * one CommonJS file that Jazzer instruments and runs on Node. Each target module exports
 * `fuzz(data)` (called once per input, synchronously) and `ready` (a promise that the bundle's
 * entry awaits before Jazzer starts, because loading the LZ4 WebAssembly is asynchronous).
 *
 * The rule: an input either decodes or throws {@link ProtocolError}. Anything else thrown is a
 * finding, and so is a {@link FuzzFinding} raised by a target's own checks: an allocation larger
 * than the target allows, a decoded value larger than the frame limit, two decoding paths that
 * disagree.
 *
 * @module
 */
import {
  type Compressor,
  createRowDecoder,
  decodeResponse,
  type Frame,
  loadLz4,
  ProtocolError,
  type Response,
} from "./driver.ts";

/**
 * Feeds `chunks` to a pull decoder (frames or v5 segments): the frames it yields, and the error
 * it stopped on, if any.
 */
export function drain(
  d: { push(c: Uint8Array): void; next(): Frame | null },
  chunks: readonly Uint8Array[],
): { frames: Frame[]; error: unknown } {
  const frames: Frame[] = [];
  try {
    for (const c of chunks) {
      d.push(c);
      for (let f = d.next(); f !== null; f = d.next()) frames.push(f);
    }
  } catch (e) {
    return { frames, error: e };
  }
  return { frames, error: null };
}

/**
 * The frame limit the targets decode with (`maxFrameLength`). Small on purpose, far below the
 * 256 MiB default, so that "never allocates past the limit" is something a fuzzer can break
 * with inputs of a few kilobytes.
 */
export const LIMIT = 1 << 16;

/** A target's own check failed: an over-limit allocation, an oversized value, a disagreement. */
export class FuzzFinding extends Error {
  /** Shown by Jazzer in the finding's first line. */
  override name = "FuzzFinding";
}

/** Rows of a zero-column result are not bounded by bytes; the row decoder caps them at 2^16. */
const MAX_EMPTY_ROWS = 1 << 16;

// The allocation guard. Set while a target runs one input: the byte budget of one allocation,
// the budget of all allocations of this input together, and the first violation seen. A
// violation is recorded rather than thrown, because decoders wrap what a value decoder throws
// into a ProtocolError (codec.ts asProtocolError), which would hide it.
let armed = false;
let single = 0;
let total = 0;
let spent = 0;
let violation: string | null = null;

const TYPED_ARRAYS = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
] as const;

/** Bytes a typed-array or ArrayBuffer constructor call allocates (0 for a view of a buffer). */
function allocatedBytes(perElement: number, args: unknown[]): number {
  const a = args[0];
  if (typeof a === "number") return a * perElement;
  if (a === undefined || a === null) return 0;
  if (
    a instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer === "function" && a instanceof SharedArrayBuffer)
  ) {
    return 0;
  }
  // An array-like or iterable source: the copy's element count.
  const length = (a as { length?: unknown }).length;
  return typeof length === "number" ? length * perElement : 0;
}

/**
 * Replaces the global typed-array and ArrayBuffer constructors with proxies that measure every
 * allocation made through them while an input runs. The bundle resolves these globals at each
 * call, so every `new Uint8Array(n)` in the driver's code is seen. Copies made by `slice()`
 * bypass the constructors; the decoded values they produce are checked by {@link checkSizes}.
 */
function installGuard(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  const wrap = (name: string, perElement: number) => {
    const original = g[name] as new (...args: unknown[]) => unknown;
    const proxy: unknown = new Proxy(original, {
      construct(target, args, newTarget) {
        if (armed) {
          const n = allocatedBytes(perElement, args);
          spent += n;
          if (violation === null && n > single) {
            violation = `new ${name}(${n} bytes) exceeds the ${single}-byte allocation limit`;
          } else if (violation === null && spent > total) {
            violation = `${spent} bytes allocated for one input exceed the ${total}-byte budget`;
          }
        }
        // Constructing the original keeps instances' prototype (and constructor) the real one.
        return Reflect.construct(target, args, newTarget === proxy ? target : newTarget);
      },
    });
    g[name] = proxy;
  };
  for (const name of TYPED_ARRAYS) {
    wrap(name, (g[name] as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT);
  }
  wrap("ArrayBuffer", 1);
}

installGuard();

/**
 * Runs one input's work under the acceptance rule. `allowance` is the largest single allocation
 * the decoders may make for it (the frame limit plus a header, or a whole v5 segment); all
 * allocations together may take eight times that (small values share 4 KiB slabs, so a frame
 * full of tiny blobs allocates about twice its size).
 */
export function accept(allowance: number, work: () => void): void {
  armed = true;
  single = allowance;
  total = 8 * allowance;
  spent = 0;
  violation = null;
  let error: unknown = null;
  try {
    work();
  } catch (e) {
    error = e;
  } finally {
    armed = false;
  }
  if (violation !== null) throw new FuzzFinding(violation);
  if (error !== null && !(error instanceof ProtocolError)) throw error;
}

/** Throws a {@link FuzzFinding} when `ok` is false. */
export function check(ok: boolean, what: string): asserts ok {
  if (!ok) throw new FuzzFinding(what);
}

/**
 * Walks a decoded value (a response, rows, cells) and checks that nothing in it is larger than
 * `allowance`: strings, typed arrays and the memory behind them (`input`'s own buffer
 * excepted: frames and cells may be views of the bytes that were pushed), arrays, maps, sets.
 * `rowsOf` is the one array allowed to be longer: the rows of a result without columns.
 */
export function checkSizes(
  value: unknown,
  allowance: number,
  input: Uint8Array,
  rowsOf?: unknown[],
): void {
  const walk = (v: unknown, depth: number): void => {
    if (v === null || typeof v !== "object") {
      if (typeof v === "string") check(v.length <= allowance, `a string of ${v.length} chars`);
      return;
    }
    check(depth < 200, "decoded value nested deeper than 200 levels");
    if (ArrayBuffer.isView(v)) {
      check(v.byteLength <= allowance, `a ${v.constructor.name} of ${v.byteLength} bytes`);
      check(
        v.buffer === input.buffer || v.buffer.byteLength <= allowance,
        `a ${v.byteLength}-byte view of a ${v.buffer.byteLength}-byte buffer`,
      );
      return;
    }
    if (Array.isArray(v)) {
      const cap = v === rowsOf ? MAX_EMPTY_ROWS : allowance;
      check(v.length <= cap, `an array of ${v.length} elements`);
      for (const e of v) walk(e, depth + 1);
      return;
    }
    if (v instanceof Map) {
      check(v.size <= allowance, `a Map of ${v.size} entries`);
      for (const [k, e] of v) {
        walk(k, depth + 1);
        walk(e, depth + 1);
      }
      return;
    }
    if (v instanceof Set) {
      check(v.size <= allowance, `a Set of ${v.size} entries`);
      for (const e of v) walk(e, depth + 1);
      return;
    }
    if (v instanceof Date) return;
    for (const k of Object.keys(v)) {
      check(k.length <= allowance, `a key of ${k.length} chars`);
      walk((v as Record<string, unknown>)[k], depth + 1);
    }
  };
  walk(value, 0);
}

/**
 * Checks a frame handed out by a decoder: its header length matches its body, and the body is
 * within the limit.
 */
export function checkFrame(f: Frame): void {
  check(
    f.body.length === f.header.length,
    `body of ${f.body.length} bytes, header says ${f.header.length}`,
  );
  check(
    f.body.length <= LIMIT,
    `a frame body of ${f.body.length} bytes past the ${LIMIT}-byte limit`,
  );
}

/**
 * Decodes one frame as the connection would (decodeResponse with LZ4 available and the small
 * limit), then its rows when it carries any, and checks the sizes of everything decoded.
 * Returns the response for targets that look further.
 */
export function consume(f: Frame, allowance: number, input: Uint8Array): Response {
  checkFrame(f);
  const res = decodeResponse(f, { compressor: lz4, maxFrameLength: LIMIT });
  let rows: unknown[] | undefined;
  if (res.message.kind === "rows" && res.message.metadata.columns !== null) {
    const { buf, offset, end, view } = res.message.content;
    rows = createRowDecoder(res.message.metadata.columns).decodeRows(
      buf,
      offset,
      end,
      res.message.rowCount,
      view,
    );
  }
  checkSizes(res, allowance, input);
  if (rows !== undefined) checkSizes(rows, allowance, input, rows);
  return res;
}

/** True when two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The compressor, once {@link ready} has resolved. */
export let lz4: Compressor;

/** The part of Node's `process` used here (typed locally: no Node types in this repository). */
interface NodeProcess {
  env: Record<string, string | undefined>;
  /** Node >= 20.16; a static `node:fs` import would pull Node's types into `deno check`. */
  getBuiltinModule?(id: "node:fs"): { readFileSync(path: string): Uint8Array };
}

const nodeProcess = (globalThis as unknown as { process: NodeProcess }).process;

function readWasm(): Uint8Array {
  const fs = nodeProcess.getBuiltinModule?.("node:fs");
  if (fs === undefined) throw new Error("the fuzz targets need Node 20.16 or later");
  // A plain copy: a Buffer's slice() is a view, possibly of a shared pool, and loadLz4 compiles
  // `bytes.slice().buffer`.
  return new Uint8Array(
    fs.readFileSync(nodeProcess.env.CQL_FUZZ_LZ4_WASM ?? "node_modules/lz4-wasm/lz4_wasm_bg.wasm"),
  );
}

/**
 * Loads the driver's LZ4 (the lz4-wasm binary, from `CQL_FUZZ_LZ4_WASM` or the repository's
 * node_modules when Jazzer runs in the repository root).
 */
export const ready: Promise<void> = loadLz4(readWasm()).then((c) => {
  lz4 = c;
});
