/**
 * The differential suite: one program written against cassandra-driver's API, run with
 * cassandra-driver 4.10.0 itself and with `@cql/driver/compat` against the same node; the two
 * transcripts (values with class names and `toString()`, columns, paging, batches, errors,
 * callback order) must be identical.
 *
 * @module
 */
import cassandraDriver from "cassandra-driver";
import compat from "../../src/compat/mod.ts";
import { Client } from "../../mod.ts";
import { ensureCassandra } from "../support/cassandra.ts";
import { program } from "./program.ts";
import { programOptions } from "./program-options.ts";
import { programCluster } from "./program-cluster.ts";

function keyspaceName(tag: string): string {
  return `compat_${tag}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
}

Deno.test({
  name: "compat: the same program gives the same transcript as cassandra-driver",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { host, port } = await ensureCassandra();
    const contact = `${host}:${port}`;
    const kss = [
      keyspaceName("cd"),
      keyspaceName("cql"),
      keyspaceName("cdo"),
      keyspaceName("cqlo"),
      keyspaceName("cdc"),
      keyspaceName("cqlc"),
    ];
    try {
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
      const diffs: string[] = [];
      for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
        if (expected[i] !== actual[i]) {
          diffs.push(
            `line ${i}:\n  cassandra-driver: ${expected[i]}\n  compat:           ${actual[i]}`,
          );
        }
      }
      const dump = Deno.env.get("COMPAT_TRANSCRIPTS");
      if (dump) {
        await Deno.writeTextFile(`${dump}.expected`, expected.join("\n") + "\n");
        await Deno.writeTextFile(`${dump}.actual`, actual.join("\n") + "\n");
      }
      if (diffs.length > 0) {
        throw new Error(`${diffs.length} line(s) differ:\n${diffs.join("\n")}`);
      }
      // The transcript covers what it should (guards against both sides failing the same way).
      if (expected.length < 40) throw new Error(`transcript too short: ${expected.length} lines`);
    } finally {
      const admin = new Client({ contactPoints: [contact], localDataCenter: "datacenter1" });
      // programCluster also makes `<keyspace>_rf3`.
      for (const ks of kss.flatMap((k) => [k, `${k}_rf3`])) {
        await admin.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {});
      }
      await admin.close();
    }
  },
});
