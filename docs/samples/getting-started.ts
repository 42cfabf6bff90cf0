/**
 * The samples of docs/getting-started.md, type-checked by `deno check docs/samples/` (they are
 * not run). The guide imports from "@cql/driver"; these files from the checkout's mod.ts.
 *
 * @module
 */
import {
  Client,
  Decimal,
  Duration,
  LocalDate,
  LocalTime,
  randomUuid,
  timeuuid,
  unset,
} from "../../mod.ts";

export async function firstQuery(): Promise<void> {
  const client = new Client({
    contactPoints: ["127.0.0.1"], // "host" or "host:port"; one node is enough
    localDataCenter: "datacenter1",
  });
  try {
    const rs = await client.execute("SELECT release_version FROM system.local");
    console.log(rs.first()?.release_version);
  } finally {
    await client.close();
  }
}

export function connecting(): Client {
  const client = new Client({
    contactPoints: ["10.0.0.1", "10.0.0.2:9043", "[2001:db8::1]:9042"],
    localDataCenter: "dc1",
    keyspace: "app", // every connection runs USE app
    credentials: { username: "app", password: "secret" }, // PasswordAuthenticator
    compression: "lz4",
  });
  return client;
}

export async function connectEarly(client: Client): Promise<void> {
  await client.connect(); // optional: the first request connects too
  console.log(client.protocolVersion, client.hosts.map((h) => h.address));
}

export async function parameters(client: Client, id: string): Promise<void> {
  // Positional markers, values in an array: prepared (and cached) because there are values.
  const rs = await client.execute("SELECT name, email FROM users WHERE id = ?", [id]);
  for (const row of rs.rows) console.log(row.name, row.email);

  // Named markers, values in an object.
  await client.execute(
    "INSERT INTO users (id, name, email) VALUES (:id, :name, :email)",
    { id, name: "Ada", email: "ada@example.com" },
  );

  // A typed row.
  interface User {
    name: string;
    email: string | null;
  }
  const user = (await client.execute<User>("SELECT name, email FROM users WHERE id = ?", [id]))
    .first();
  console.log(user?.name);

  // `unset` leaves a column as it is; null writes a tombstone.
  await client.execute("UPDATE users SET name = ?, email = ? WHERE id = ?", ["Ada", unset, id]);
}

export async function values(client: Client): Promise<void> {
  await client.execute(
    "INSERT INTO readings (id, at, day, tod, value, total, price, tags, attrs, every, embedding)" +
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [
      randomUuid(), // uuid: a string
      timeuuid(), // timeuuid: a string
      LocalDate.fromString("2026-12-04"), // date
      LocalTime.of(13, 30), // time
      21.5, // double: a number
      12_345_678_901n, // bigint: a bigint
      Decimal.fromString("9.99"), // decimal
      ["a", "b"], // list<text> or set<text>
      new Map([["unit", "C"]]), // map<text, text>
      Duration.fromString("1h30m"), // duration
      new Float32Array([0.1, 0.2, 0.3]), // vector<float, 3>
    ],
  );
}

export async function batches(client: Client): Promise<void> {
  await client.batch([
    { query: "INSERT INTO users (id, name) VALUES (?, ?)", params: ["u1", "Ada"] },
    { query: "INSERT INTO users_by_name (name, id) VALUES (?, ?)", params: ["Ada", "u1"] },
  ]); // logged by default
  await client.batch(
    [{ query: "UPDATE page_views SET n = n + 1 WHERE page = ?", params: ["/"] }],
    { type: "counter" },
  );
}

export async function closing(client: Client): Promise<void> {
  await client.close(); // requests already issued finish first; later ones reject
}

/** The options a Worker passes: its lz4Wasm comes from the bundler (see the guide). */
export interface WorkerEnv {
  CQL_CONTACT: string;
}

// In the Worker module: `import lz4Wasm from "./lz4.wasm";` gives a WebAssembly.Module.
export function workerClient(env: WorkerEnv, lz4Wasm: WebAssembly.Module): Client {
  return new Client({
    contactPoints: [env.CQL_CONTACT],
    localDataCenter: "datacenter1",
    compression: "lz4",
    lz4Wasm, // Workers cannot read the .wasm from node_modules at run time
    schemaMetadata: false, // read the schema only if asked for it: a faster cold start
    connectionsPerHost: 1, // a Worker invocation may open six sockets in all
  });
}
