/**
 * LZ4 block compression for the driver, backed by the WebAssembly build in the npm package
 * `lz4-wasm` (lz4_flex compiled with wasm-bindgen). Loaded lazily: nothing here runs unless a
 * connection asks for compression.
 *
 * The package's own glue imports the `.wasm` as an ES module, which only bundlers understand,
 * so this module instantiates the binary itself and supplies the single import it needs.
 *
 * @module
 */
import type { Compressor } from "../protocol/compression.ts";

/** The wasm exports of lz4-wasm 0.9.x that this glue uses. */
interface Lz4Exports {
  readonly memory: WebAssembly.Memory;
  compress(retptr: number, ptr: number, len: number): void;
  decompress(retptr: number, ptr: number, len: number): void;
  __wbindgen_add_to_stack_pointer(delta: number): number;
  __wbindgen_malloc(size: number): number;
  __wbindgen_free(ptr: number, size: number): void;
}

/** What {@link loadLz4} can load from. */
export type Lz4WasmSource =
  | WebAssembly.Module
  | Uint8Array
  | ArrayBuffer
  | URL
  | string;

const utf8 = new TextDecoder();

/**
 * A Compressor over one wasm instance. lz4_flex's `compress_prepend_size` / `decompress_size_
 * prepended` put a 4-byte little-endian size in front of the block; the protocol wants bare
 * blocks, so the prefix is stripped on output and synthesised on input, directly in wasm memory.
 */
class WasmLz4 implements Compressor {
  readonly name = "lz4" as const;
  readonly #module: WebAssembly.Module;
  #x: Lz4Exports;
  /** Error strings created by the wasm side (`__wbindgen_string_new`), by handle. */
  #strings: string[] = [];

  constructor(module: WebAssembly.Module) {
    this.#module = module;
    this.#x = this.#instantiate();
  }

  #instantiate(): Lz4Exports {
    const imports = {
      "./lz4_wasm_bg.js": {
        __wbindgen_string_new: (ptr: number, len: number): number => {
          const s = utf8.decode(new Uint8Array(this.#x.memory.buffer, ptr, len));
          this.#strings.push(s);
          return this.#strings.length - 1;
        },
      },
    };
    const instance = new WebAssembly.Instance(this.#module, imports);
    return instance.exports as unknown as Lz4Exports;
  }

  compress(raw: Uint8Array): Uint8Array {
    const out = this.#call("compress", raw, -1);
    return out.subarray(4);
  }

  decompress(block: Uint8Array, uncompressedLength: number): Uint8Array {
    return this.#call("decompress", block, uncompressedLength);
  }

  /**
   * Runs compress or decompress. For decompress, `prefix` >= 0 is written as the 4-byte LE size
   * before the block. A trap (Rust panic) may leave the allocator inconsistent, so the instance
   * is replaced before rethrowing.
   */
  #call(fn: "compress" | "decompress", input: Uint8Array, prefix: number): Uint8Array {
    const x = this.#x;
    const extra = prefix >= 0 ? 4 : 0;
    const len = input.length + extra;
    let retptr = 0;
    let stackMoved = false;
    try {
      retptr = x.__wbindgen_add_to_stack_pointer(-16);
      stackMoved = true;
      const ptr = x.__wbindgen_malloc(len);
      const mem = new Uint8Array(x.memory.buffer);
      if (extra) {
        mem[ptr] = prefix & 0xff;
        mem[ptr + 1] = (prefix >>> 8) & 0xff;
        mem[ptr + 2] = (prefix >>> 16) & 0xff;
        mem[ptr + 3] = (prefix >>> 24) & 0xff;
      }
      mem.set(input, ptr + extra);
      // The wasm function takes ownership of the input allocation.
      x[fn](retptr, ptr, len);
      const ret = new Int32Array(x.memory.buffer, retptr, 4);
      const [r0, r1, r2, r3] = ret;
      if (fn === "decompress" && r3 !== 0) {
        const msg = this.#strings[r2] ?? "lz4 decompression failed";
        this.#strings.length = 0;
        throw new Error(msg);
      }
      const out = new Uint8Array(x.memory.buffer, r0, r1).slice();
      x.__wbindgen_free(r0, r1);
      return out;
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        stackMoved = false;
        this.#x = this.#instantiate();
      }
      throw e;
    } finally {
      if (stackMoved) x.__wbindgen_add_to_stack_pointer(16);
    }
  }
}

/** The pieces of runtime globals this loader may use; typed here to stay runtime-neutral. */
interface RuntimeGlobals {
  Deno?: { readFile(path: URL): Promise<Uint8Array> };
  Bun?: { file(path: URL): { arrayBuffer(): Promise<ArrayBuffer> } };
  process?: { versions?: { node?: string } };
}

async function readBytes(url: URL): Promise<Uint8Array> {
  const g = globalThis as unknown as RuntimeGlobals;
  if (url.protocol === "file:") {
    if (g.Deno !== undefined) return await g.Deno.readFile(url);
    if (g.Bun !== undefined) return new Uint8Array(await g.Bun.file(url).arrayBuffer());
    if (g.process?.versions?.node !== undefined) {
      // A variable specifier keeps bundlers for the web from trying to include node:fs.
      const spec = "node:fs/promises";
      const fs = await import(spec) as { readFile(p: URL): Promise<Uint8Array> };
      return new Uint8Array(await fs.readFile(url));
    }
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot fetch ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function resolveWasmUrl(): URL {
  try {
    return new URL(import.meta.resolve("lz4-wasm/lz4_wasm_bg.wasm"));
  } catch {
    // Runtimes that resolve only JS entry points: fall back to the package directory layout.
    return new URL(import.meta.resolve("lz4-wasm").replace(/[^/]*$/, "lz4_wasm_bg.wasm"));
  }
}

async function defaultWasmUrl(): Promise<URL> {
  const url = resolveWasmUrl();
  if (url.protocol !== "npm:") return url;
  // Deno answers with the `npm:` specifier itself while the package is not installed, which is
  // the case for a JSR or linked install: nothing imports lz4-wasm, so Deno never fetched it.
  // Importing its package.json installs it; the same resolve then names the file on disk.
  await import(url.href.replace(/[^/]*$/, "package.json"), { with: { type: "json" } });
  return resolveWasmUrl();
}

async function toModule(source: Lz4WasmSource | undefined): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof Uint8Array) return await WebAssembly.compile(source.slice().buffer);
  if (source instanceof ArrayBuffer) return await WebAssembly.compile(source);
  const url = source === undefined
    ? await defaultWasmUrl()
    : source instanceof URL
    ? source
    : new URL(source);
  return await WebAssembly.compile((await readBytes(url)).slice().buffer);
}

let shared: Promise<Compressor> | undefined;

/**
 * Loads the LZ4 compressor.
 *
 * With no argument the `.wasm` of the `lz4-wasm` package is located via `import.meta.resolve`
 * and read with the runtime's file API (Deno, Bun, Node) or `fetch`; the result is cached. On
 * Cloudflare Workers (or with a bundler), import the `.wasm` yourself and pass the resulting
 * `WebAssembly.Module`; bytes or a URL are accepted too.
 *
 * @example
 * ```ts
 * import { loadLz4 } from "./lz4.ts";
 * const lz4 = await loadLz4();
 * const block = lz4.compress(new TextEncoder().encode("hello hello hello"));
 * console.log(lz4.decompress(block, 17).length); // 17
 * ```
 */
export function loadLz4(source?: Lz4WasmSource): Promise<Compressor> {
  if (source !== undefined) return toModule(source).then((m) => new WasmLz4(m));
  shared ??= toModule(undefined).then((m) => new WasmLz4(m));
  // A failed load is not cached, so a later attempt (after fixing the install) can succeed.
  shared.catch(() => (shared = undefined));
  return shared;
}
