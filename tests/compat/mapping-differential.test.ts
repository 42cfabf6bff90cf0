/**
 * The mapper's differential test: the program of mapping-program.ts run with cassandra-driver
 * 4.10.0 and with `@cql/driver/compat` against the same node; the two transcripts must be
 * identical (runtimes.test.ts runs it on Node and Bun too).
 *
 * @module
 */
import cassandraDriver from "cassandra-driver";
import compat from "../../src/compat/mod.ts";
import { Client } from "../../mod.ts";
import { ensureCassandra } from "../support/cassandra.ts";
import { compareMappingTranscripts, mappingKeyspace, mappingProgram } from "./mapping-program.ts";

Deno.test({
  name: "compat mapping: the same mapper program gives the same transcript as cassandra-driver",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { host, port } = await ensureCassandra();
    const contact = `${host}:${port}`;
    const kss = [mappingKeyspace("cd"), mappingKeyspace("cql")];
    try {
      const expected = await mappingProgram({
        cassandra: cassandraDriver,
        contact,
        keyspace: kss[0],
      });
      const actual = await mappingProgram({ cassandra: compat, contact, keyspace: kss[1] });
      const dump = Deno.env.get("COMPAT_TRANSCRIPTS");
      if (dump) {
        await Deno.writeTextFile(`${dump}.expected`, expected.join("\n") + "\n");
        await Deno.writeTextFile(`${dump}.actual`, actual.join("\n") + "\n");
      }
      const problems = compareMappingTranscripts(expected, actual);
      if (problems.length > 0) throw new Error(problems.join("\n"));
    } finally {
      const admin = new Client({ contactPoints: [contact], localDataCenter: "datacenter1" });
      for (const ks of kss) await admin.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {});
      await admin.close();
    }
  },
});
