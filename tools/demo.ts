/**
 * `npm run demo`: starts the local Cassandra when none answers on 127.0.0.1:9042, then shows the
 * driver at work: a keyspace and a table, prepared inserts running concurrently, and the rows
 * streamed back page by page with `for await`.
 *
 * @module
 */
import { Client, LocalDate, timeuuid, timeuuidToDate } from "../mod.ts";
import { start } from "./cassandra/launcher.ts";
import { answers } from "./cassandra/probe.ts";

const host = "127.0.0.1", port = 9042;
if (!await answers({ host, port })) {
  console.log(
    `no Cassandra on ${host}:${port}: starting the local one (npm run cassandra -- start)`,
  );
  await start({ name: "main" });
}

const client = new Client({ contactPoints: [`${host}:${port}`], localDataCenter: "datacenter1" });
try {
  const local = (await client.execute("SELECT release_version, cluster_name FROM system.local"))
    .first();
  console.log(
    `connected to Cassandra ${local?.release_version} (${local?.cluster_name}), protocol v${client.protocolVersion}`,
  );

  await client.execute(
    "CREATE KEYSPACE IF NOT EXISTS demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  );
  await client.execute(`CREATE TABLE IF NOT EXISTS demo.readings (
    sensor text, day date, at timeuuid, celsius double, tags set<text>,
    PRIMARY KEY ((sensor, day), at))`);
  await client.execute("TRUNCATE demo.readings");

  const day = LocalDate.fromDate(new Date());
  const n = 2_000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      client.execute(
        "INSERT INTO demo.readings (sensor, day, at, celsius, tags) VALUES (?, ?, ?, ?, ?)",
        ["greenhouse-1", day, timeuuid(new Date(Date.now() - (n - i) * 1000)), 18 + (i % 70) / 10, [
          i % 2 ? "odd" : "even",
        ]],
        { prepare: true },
      )),
  );
  console.log(
    `inserted ${n} rows with prepared statements in ${Math.round(performance.now() - t0)} ms`,
  );

  let count = 0, sum = 0, first: Date | undefined;
  const t1 = performance.now();
  for await (
    const row of client.stream<{ at: string; celsius: number }>(
      "SELECT at, celsius FROM demo.readings WHERE sensor = ? AND day = ?",
      ["greenhouse-1", day],
      { pageSize: 500 },
    )
  ) {
    first ??= timeuuidToDate(row.at);
    count++;
    sum += row.celsius;
  }
  console.log(
    `streamed ${count} rows in pages of 500 in ${Math.round(performance.now() - t1)} ms; ` +
      `first reading at ${first?.toISOString()}, mean ${(sum / count).toFixed(2)} °C`,
  );
} finally {
  await client.close();
}
