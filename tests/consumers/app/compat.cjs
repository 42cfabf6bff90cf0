/** The compat entry through `require`, as a CommonJS cassandra-driver program has it. @module */
const cassandra = require("@cql/driver/compat");

const client = new cassandra.Client({
  contactPoints: [process.argv[2]],
  localDataCenter: "datacenter1",
});
client.connect((err) => {
  if (err) throw err;
  client.execute("SELECT release_version FROM system.local", (err2, rs) => {
    if (err2) throw err2;
    const releaseVersion = rs.first().release_version;
    client.shutdown(() => {
      console.log(`RESULT ${
        JSON.stringify({
          releaseVersion,
          viaCallback: "local",
          long: cassandra.types.Long.fromString("9007199254740993").toString(),
          sameClient: true,
          resolved: require.resolve("@cql/driver/compat"),
        })
      }`);
      process.exit(0);
    });
  });
});
