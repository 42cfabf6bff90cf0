// deno-lint-ignore-file no-explicit-any
/**
 * The differential programs on Bun or Node (bundled): run with cassandra-driver and with the compat entry; prints
 * `{ lines, diffs, mapping }` as JSON (`mapping`: what is wrong with the mapper program's
 * transcript, see mapping-program.ts). Run by `bun.test.ts`: `bun tests/compat/run-transcripts.ts 127.0.0.1:9042`.
 *
 * @module
 */
import cassandraDriver from "cassandra-driver";
import compat from "../../src/compat/mod.ts";
import { program } from "./program.ts";
import { programOptions } from "./program-options.ts";
import { programCluster } from "./program-cluster.ts";
import { compareMappingTranscripts, mappingKeyspace, mappingProgram } from "./mapping-program.ts";

const contact = (globalThis as any).process.argv[2] ?? "127.0.0.1:9042";
const tag = `${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
const kss = ["cd", "cql", "cdo", "cqlo", "cdc", "cqlc"].map((k) => `compat_rt_${k}_${tag}`);
const expected = [
  ...await program({ cassandra: cassandraDriver, contact, keyspace: kss[0] }),
  ...await programOptions({ cassandra: cassandraDriver, contact, keyspace: kss[2] }),
  ...await programCluster({ cassandra: cassandraDriver, contact, keyspace: kss[4] }),
];
const actual = [
  ...await program({ cassandra: compat, contact, keyspace: kss[1] }),
  ...await programOptions({ cassandra: compat, contact, keyspace: kss[3] }),
  ...await programCluster({ cassandra: compat, contact, keyspace: kss[5] }),
];
// The mapper's program, compared with its one intended difference allowed.
const mks = [mappingKeyspace("cd"), mappingKeyspace("cql")];
const mapping = compareMappingTranscripts(
  await mappingProgram({ cassandra: cassandraDriver, contact, keyspace: mks[0] }),
  await mappingProgram({ cassandra: compat, contact, keyspace: mks[1] }),
);
const admin = new compat.Client({ contactPoints: [contact], localDataCenter: "datacenter1" });
for (const ks of [...kss.flatMap((k) => [k, `${k}_rf3`]), ...mks]) {
  await admin.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {});
}
await admin.shutdown();
const diffs = [];
for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
  if (expected[i] !== actual[i]) diffs.push({ line: i, expected: expected[i], actual: actual[i] });
}
console.log(JSON.stringify({ lines: expected.length, diffs, mapping }));
(globalThis as any).process.exit(0);
