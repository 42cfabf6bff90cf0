import { assertEquals } from "../support/assert.ts";

// src/protocol is the pure core: no I/O, no runtime globals, no imports from outside it, so it
// runs unchanged on Deno, Bun, Node and Workers. This scans the source text to keep it so.
const root = new URL("../../src/protocol/", import.meta.url);
const FORBIDDEN_GLOBALS = ["Deno", "Bun", "process", "Buffer"];

async function* sources(dir: URL): AsyncGenerator<URL> {
  for await (const e of Deno.readDir(dir)) {
    const u = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
    if (e.isDirectory) yield* sources(u);
    else if (e.name.endsWith(".ts")) yield u;
  }
}

/** Drops comments so prose and examples do not trip the scan. */
function codeOnly(src: string): string {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:])\/\/.*$/gm, "$1");
}

Deno.test("src/protocol imports only from src/protocol and uses no runtime globals", async () => {
  const problems: string[] = [];
  let files = 0;
  for await (const file of sources(root)) {
    files++;
    const rel = file.pathname.slice(root.pathname.length);
    // Comments are dropped first: JSDoc examples legitimately import the public package.
    const code = codeOnly(await Deno.readTextFile(file));
    const specs = [
      ...code.matchAll(/\b(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/g),
      ...code.matchAll(/\bimport\s*\(\s*["']([^"']+)["']/g),
      ...code.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ].map((m) => m[1]);
    for (const spec of specs) {
      if (!spec.startsWith(".")) {
        problems.push(`${rel}: imports "${spec}"`);
        continue;
      }
      const target = new URL(spec, file);
      if (!target.pathname.startsWith(root.pathname)) {
        problems.push(`${rel}: imports "${spec}" from outside src/protocol`);
      }
    }
    for (const g of FORBIDDEN_GLOBALS) {
      if (new RegExp(`(?<![\\w.$'"])${g}\\b(?!["'])`).test(code)) {
        problems.push(`${rel}: mentions the global ${g}`);
      }
    }
  }
  assertEquals(problems, []);
  assertEquals(files > 10, true, `scanned ${files} files`);
});
