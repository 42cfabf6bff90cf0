/**
 * The compat entry as cassandra-driver users import it after changing the import: the default
 * import and the named ones, a promise-form execute and a callback-form one.
 * `node compat.mjs HOST:PORT`.
 *
 * @module
 */
import cassandra from "@cql/driver/compat";
import { Client, types } from "@cql/driver/compat";

const client = new Client({
  contactPoints: [process.argv[2]],
  localDataCenter: "datacenter1",
});
await client.connect();
const rs = await client.execute("SELECT release_version FROM system.local");
const viaCallback = await new Promise((resolve, reject) =>
  client.execute(
    "SELECT key FROM system.local WHERE key = ?",
    ["local"],
    { prepare: true },
    (err, r) => (err ? reject(err) : resolve(r.first().key)),
  )
);
const long = types.Long.fromString("9007199254740993").toString();
await client.shutdown();
console.log(`RESULT ${
  JSON.stringify({
    releaseVersion: rs.first().release_version,
    viaCallback,
    long,
    sameClient: cassandra.Client === Client,
    resolved: import.meta.resolve("@cql/driver/compat"),
  })
}`);
process.exit(0);
