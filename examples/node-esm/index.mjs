/**
 * The driver on Node, as an ES module: `npm install && node index.mjs [host:port]`.
 *
 * @module
 */
import { Client } from "@cql/driver";

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
  // A batch writes the rows of one partition atomically.
  await client.batch(
    ["hello", "hallo", "bonjour"].map((text, n) => ({
      query: "INSERT INTO cql_examples.greetings (runtime, n, text) VALUES (?, ?, ?)",
      params: ["node-esm", n, text],
    })),
  );
  // A timeout for this one request, as an AbortSignal.
  const rs = await client.execute(
    "SELECT n, text FROM cql_examples.greetings WHERE runtime = ?",
    ["node-esm"],
    { signal: AbortSignal.timeout(5_000) },
  );
  for (const row of rs.rows) console.log(`${row.n}: ${row.text}`);
} finally {
  await client.close();
}
