/**
 * The compat entry's declarations accept what cassandra-driver's `index.d.ts` accepts: one
 * program (`typed/program.ts`), written against cassandra-driver's declarations, type-checks
 * as is and with its import changed to the compat entry. A program with a type error must fail
 * the same check, so a check that looked at nothing cannot pass.
 *
 * @module
 */
import { assert } from "../support/assert.ts";

const root = new URL("../../", import.meta.url).pathname;
const dir = new URL("./typed/", import.meta.url).pathname;
const deno = `${root}node_modules/.bin/deno`;

async function check(file: string): Promise<{ ok: boolean; output: string }> {
  const out = await new Deno.Command(deno, { args: ["check", "--quiet", file], cwd: root })
    .output();
  const text = new TextDecoder();
  return { ok: out.success, output: text.decode(out.stdout) + text.decode(out.stderr) };
}

/** Checks `source` written next to the program (so its relative imports resolve). */
async function checkSource(source: string): Promise<{ ok: boolean; output: string }> {
  const file = await Deno.makeTempFile({ dir, prefix: ".check-", suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, source);
    return await check(file);
  } finally {
    await Deno.remove(file);
  }
}

const program = await Deno.readTextFile(`${dir}program.ts`);
const ours = program.replace(`from "cassandra-driver"`, `from "../../../src/compat/mod.ts"`);

Deno.test("compat types: the program type-checks against cassandra-driver's declarations", async () => {
  const r = await check(`${dir}program.ts`);
  assert(r.ok, r.output);
});

Deno.test("compat types: the same program type-checks against the compat entry", async () => {
  assert(ours !== program, "the import was not replaced");
  const r = await checkSource(ours);
  assert(r.ok, r.output);
});

Deno.test("compat types: a type error in the program fails the check", async () => {
  const broken = ours.replace(
    "const n: number = rs.rowLength;",
    "const n: number = rs.info.queriedHost;",
  );
  assert(broken !== ours, "the control edit did not apply");
  const r = await checkSource(broken);
  assert(!r.ok, "a program with a type error passed the check");
  assert(r.output.includes("TS2322"), r.output);
});
