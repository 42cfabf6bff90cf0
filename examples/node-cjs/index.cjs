/**
 * The driver on Node from CommonJS: `npm install && node index.cjs [host:port]`. `require`
 * loads the package's CommonJS build; the API is the same.
 *
 * @module
 */
const { Client, ResponseError } = require("@cql/driver");

async function main() {
  const contact = process.argv[2] ?? process.env.CQL_CONTACT ?? "127.0.0.1:9042";
  const client = new Client({
    contactPoints: [contact],
    localDataCenter: "datacenter1",
    compression: "lz4",
  });
  try {
    await client.execute(
      "CREATE KEYSPACE IF NOT EXISTS cql_examples WITH replication = " +
        "{'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await client.execute(
      "CREATE TABLE IF NOT EXISTS cql_examples.greetings " +
        "(runtime text, n int, text text, PRIMARY KEY (runtime, n))",
    );
    const insert =
      "INSERT INTO cql_examples.greetings (runtime, n, text) VALUES (:runtime, :n, :text)";
    // Named parameters, from an object.
    for (const [n, text] of ["hello", "hallo", "bonjour"].entries()) {
      await client.execute(insert, { runtime: "node-cjs", n, text });
    }
    const rows = client.stream(
      "SELECT n, text FROM cql_examples.greetings WHERE runtime = ?",
      ["node-cjs"],
      { pageSize: 2 },
    );
    for await (const row of rows) console.log(`${row.n}: ${row.text}`);
    // Server errors are typed.
    try {
      await client.execute("SELECT * FROM cql_examples.no_such_table");
    } catch (e) {
      if (!(e instanceof ResponseError)) throw e;
      console.log(`server said: ${e.name}`);
    }
  } finally {
    await client.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
