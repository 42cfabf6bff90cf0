/**
 * What the launcher writes for each release line, without starting one: yaml key names, seed
 * format, the extra JVM options of the lines before 5.0, and where each line's jars go.
 *
 * @module
 */
import { cassandraYaml, type NodeConfig } from "../../tools/cassandra/config.ts";
import { jvmOptions, pre5Options } from "../../tools/cassandra/jvm-options.ts";
import { LIB_DIR, libDir } from "../../tools/cassandra/paths.ts";
import { CASSANDRA_LINES, lineOf, parseLine } from "../../tools/cassandra/versions.ts";
import { assert, assertEquals, assertThrows } from "../support/assert.ts";

const node: NodeConfig = {
  index: 1,
  address: "127.0.0.91",
  port: 9042,
  dir: "/tmp/n1",
  tokens: ["0"],
  dc: "datacenter1",
  rack: "rack1",
};
const yaml = (line: "3.11" | "4.0" | "4.1" | "5.0") =>
  cassandraYaml(node, { name: "x", line, seeds: ["127.0.0.91", "127.0.0.92"], auth: false });

Deno.test("versions: 3.11 and 4.0 get the old yaml names, 4.1 and 5.0 the new ones", () => {
  for (const line of ["3.11", "4.0"] as const) {
    const y = yaml(line);
    for (const k of ["write_request_timeout_in_ms: 10000", "memtable_heap_space_in_mb: 128"]) {
      assert(y.includes(`\n${k}\n`), `${line} has ${k}`);
    }
    assert(y.includes("\nenable_user_defined_functions: true\n"), `${line} enables UDFs`);
    assert(!/_enabled:|: \d+(ms|MiB)$/m.test(y), `${line} has no new-style key`);
  }
  for (const line of ["4.1", "5.0"] as const) {
    const y = yaml(line);
    assert(y.includes("\nwrite_request_timeout: 10000ms\n"), `${line} new timeout key`);
    assert(y.includes("\nuser_defined_functions_enabled: true\n"), `${line} new UDF key`);
    assert(!/_in_(ms|mb):|^enable_/m.test(y), `${line} has no old-style key`);
  }
});

Deno.test("versions: 3.11's seeds have no ports, the others' have the storage port", () => {
  assert(yaml("3.11").includes('seeds: "127.0.0.91,127.0.0.92"'));
  for (const line of ["4.0", "4.1", "5.0"] as const) {
    assert(yaml(line).includes('seeds: "127.0.0.91:7000,127.0.0.92:7000"'), line);
  }
});

Deno.test("versions: lines before 5.0 run with their jamm as agent and the extra opens", () => {
  const extra = pre5Options("/lib/jamm-0.3.2.jar");
  assertEquals(extra[0], "-javaagent:/lib/jamm-0.3.2.jar");
  assert(extra.includes("java.base/java.util.concurrent.atomic=ALL-UNNAMED"));
  assert(extra.includes("java.base/jdk.internal.vm.annotation=ALL-UNNAMED"));
  const opts = jvmOptions(512, extra);
  assert(opts.includes("-javaagent:/lib/jamm-0.3.2.jar") && opts.includes("-Xmx512m"));
  assert(!jvmOptions(512).some((o) => o.startsWith("-javaagent")), "5.0 runs without agent");
});

Deno.test("versions: each line has its own jars folder, 5.0 keeps lib/", () => {
  assertEquals(libDir("5.0"), LIB_DIR);
  const dirs = new Set(CASSANDRA_LINES.map(libDir));
  assertEquals(dirs.size, CASSANDRA_LINES.length);
  assert(libDir("3.11").endsWith("/lib-3.11"));
});

Deno.test("versions: versions map to lines; unknown lines are refused", () => {
  assertEquals(lineOf("3.11.19"), "3.11");
  assertEquals(lineOf("5.0.9"), "5.0");
  assertEquals(parseLine("4.1"), "4.1");
  assertThrows(() => parseLine("4.2"), Error, "no Cassandra line");
  assertThrows(() => lineOf("4.1"), Error, "not a Cassandra version");
});
