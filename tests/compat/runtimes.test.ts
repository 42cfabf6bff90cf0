/**
 * The differential programs on Bun and on Node (bundled with esbuild, as a Node build would be,
 * which also checks that class names survive bundling): the same transcript from
 * cassandra-driver and from the compat entry. On Bun some lines may differ, for one reason: Bun
 * builds the `stack` of cassandra-driver's (pre-class) error objects before their message is
 * set, so it reads just "Error". That shows in a NoHostAvailableError message (whose inner
 * errors must still be identical) and in RequestLogger "failure" messages, which quote the
 * error's stack (everything before it must be identical, and ours must name the error).
 *
 * @module
 */
import { ensureCassandra } from "../support/cassandra.ts";
import { assert, assertEquals } from "../support/assert.ts";

interface Diff {
  line: number;
  expected: string;
  actual: string;
}

const root = new URL("../../", import.meta.url).pathname;
const script = new URL("./run-transcripts.ts", import.meta.url).pathname;

async function transcriptDiffs(
  cmd: string,
  args: string[],
): Promise<{ lines: number; diffs: Diff[]; mapping: string[] }> {
  const out = await new Deno.Command(cmd, { args, cwd: root }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert(out.success, `${cmd} failed: ${new TextDecoder().decode(out.stderr)}\n${stdout}`);
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

Deno.test("compat on Node (esbuild bundle): the same transcript as cassandra-driver", async () => {
  const { host, port } = await ensureCassandra();
  // Inside node_modules, so that the bundle finds cassandra-driver.
  await Deno.mkdir(`${root}node_modules/.cache`, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: `${root}node_modules/.cache`, prefix: "compat-" });
  try {
    const bundle = `${dir}/run-node.mjs`;
    const esbuild = await new Deno.Command(`${root}node_modules/.bin/esbuild`, {
      args: [
        script,
        "--bundle",
        "--platform=node",
        "--format=esm",
        "--external:cassandra-driver",
        "--external:lz4-wasm",
        `--outfile=${bundle}`,
        "--log-level=error",
      ],
    }).output();
    assert(esbuild.success, new TextDecoder().decode(esbuild.stderr));
    const { lines, diffs, mapping } = await transcriptDiffs("node", [bundle, `${host}:${port}`]);
    assert(lines > 40, `transcript too short: ${lines}`);
    assertEquals(diffs, []);
    assertEquals(mapping, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compat on Bun: the same transcript as cassandra-driver", async () => {
  const { host, port } = await ensureCassandra();
  const bun = `${root}node_modules/.bin/bun`;
  const { lines, diffs, mapping } = await transcriptDiffs(bun, [script, `${host}:${port}`]);
  assertEquals(mapping, []);
  assert(lines > 40, `transcript too short: ${lines}`);
  const inner = (s: string) => s.slice(s.indexOf(" inner="));
  const noHost = (d: Diff) =>
    d.expected?.startsWith("connect NoHostAvailableError") &&
    d.expected.includes("First host tried, ") && inner(d.expected) === inner(d.actual);
  const cut = (s: string) => s.slice(0, s.indexOf("; error: "));
  const loggerStack = (d: Diff) =>
    d.expected?.startsWith("logger failure ") && d.expected.endsWith("; error: Error") &&
    cut(d.expected) === cut(d.actual) && /; error: ResponseError: \S/.test(d.actual);
  const unexplained = diffs.filter((d) => !noHost(d) && !loggerStack(d));
  assertEquals(unexplained, []);
  assert(diffs.filter(noHost).length <= 1, "more than one NoHostAvailableError line differs");
});
