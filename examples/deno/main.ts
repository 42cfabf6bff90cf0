/**
 * The driver on Deno: `deno run -A main.ts [host:port]` (with this folder's deno.json, which
 * maps `@cql/driver` to JSR). Creates a keyspace and a table if they are missing, writes three
 * rows with a prepared statement, and streams them back page by page.
 *
 * @module
 */
import { Client } from "@cql/driver";

const contact = Deno.args[0] ?? Deno.env.get("CQL_CONTACT") ?? "127.0.0.1:9042";
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
  for (const [n, text] of ["hello", "hallo", "bonjour"].entries()) {
    await client.execute(
      "INSERT INTO cql_examples.greetings (runtime, n, text) VALUES (?, ?, ?)",
      ["deno", n, text],
    );
  }
  const rows = client.stream(
    "SELECT n, text FROM cql_examples.greetings WHERE runtime = ?",
    ["deno"],
    { pageSize: 2 }, // small pages, to show the stream crossing them
  );
  for await (const row of rows) console.log(`${row.n}: ${row.text}`);
} finally {
  await client.close();
}
