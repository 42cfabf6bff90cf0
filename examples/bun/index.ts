/**
 * The driver on Bun: `bun install && bun index.ts [host:port]`. Bun runs the npm package (ESM);
 * the same program as the Deno and Node examples.
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
  const greetings = ["hello", "hallo", "bonjour"];
  // Independent writes run concurrently: the driver pipelines them on its connections.
  await Promise.all(greetings.map((text, n) =>
    client.execute(
      "INSERT INTO cql_examples.greetings (runtime, n, text) VALUES (?, ?, ?)",
      ["bun", n, text],
    )
  ));
  const rows = client.stream(
    "SELECT n, text FROM cql_examples.greetings WHERE runtime = ?",
    ["bun"],
    { pageSize: 2 },
  );
  for await (const row of rows) console.log(`${row.n}: ${row.text}`);
} finally {
  await client.close();
}
