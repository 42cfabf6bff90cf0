/**
 * The samples of docs/migrating-from-cassandra-driver.md, type-checked by
 * `deno check docs/samples/` (not run). The guide says `@cql/driver/compat` where these import
 * `../../src/compat/mod.ts`, and `@cql/driver` for `../../mod.ts`.
 *
 * @module
 */
import cassandra from "../../src/compat/mod.ts";
import type { Row as CompatRow } from "../../src/compat/mod.ts";
import {
  Client,
  NoHostAvailableError,
  randomUuid,
  type ResultSet,
  type Row,
  UnavailableError,
} from "../../mod.ts";

export async function compat(id: string): Promise<void> {
  const client = new cassandra.Client({
    contactPoints: ["10.0.0.1", "10.0.0.2"],
    localDataCenter: "dc1",
    keyspace: "app",
  });
  await client.connect();
  const rs = await client.execute("SELECT name FROM users WHERE id = ?", [id], { prepare: true });
  for (const row of rs.rows) console.log(row.name);
  await client.shutdown();
}

export function callbacks(client: InstanceType<typeof cassandra.Client>, id: string): void {
  client.execute("SELECT name FROM users WHERE id = ?", [id], { prepare: true }, (err, rs) => {
    if (err) return console.error(err);
    console.log(rs?.rows[0]?.name);
  });
}

export async function native(id: string): Promise<void> {
  const client = new Client({
    contactPoints: ["10.0.0.1", "10.0.0.2"],
    localDataCenter: "dc1",
    keyspace: "app",
  });
  await client.connect();
  // Prepared because it has parameters; the row type is yours to state.
  const rs = await client.execute<{ name: string }>("SELECT name FROM users WHERE id = ?", [id]);
  console.log(rs.first()?.name);
  await client.close();
}

export async function compatErrors(client: InstanceType<typeof cassandra.Client>): Promise<void> {
  try {
    await client.execute("INSERT INTO t (k) VALUES (1)", [], { consistency: 4 /* quorum */ });
  } catch (e) {
    const { errors, types } = cassandra;
    if (
      e instanceof errors.ResponseError && e.code === types.responseErrorCodes.unavailableException
    ) {
      console.error(`${e.alive} of ${e.required} alive`);
    } else if (e instanceof errors.NoHostAvailableError) {
      console.error(Object.keys(e.innerErrors ?? {}));
    } else throw e;
  }
}

export async function nativeErrors(client: Client): Promise<void> {
  try {
    await client.execute("INSERT INTO t (k) VALUES (1)", [], { consistency: "QUORUM" });
  } catch (e) {
    if (e instanceof UnavailableError) {
      console.error(`${e.alive} of ${e.required} alive`);
    } else if (e instanceof NoHostAvailableError) {
      console.error([...e.errors.keys()]);
    } else throw e;
  }
}

export function compatEachRow(client: InstanceType<typeof cassandra.Client>): void {
  client.eachRow(
    "SELECT * FROM events",
    [],
    { prepare: true, autoPage: true },
    (_n: number, row: CompatRow) => {
      console.log(row);
    },
    (err) => {
      if (err) console.error(err);
    },
  );
}

export async function nativeRows(client: Client): Promise<void> {
  // Every row of every page; leaving the loop stops fetching.
  for await (const row of client.stream("SELECT * FROM events")) console.log(row);
}

export async function compatValues(client: InstanceType<typeof cassandra.Client>): Promise<void> {
  const { Long, Uuid } = cassandra.types;
  await client.execute("INSERT INTO counts (id, n) VALUES (?, ?)", [
    Uuid.random(),
    Long.fromString("9007199254740993"),
  ], { prepare: true });
}

export async function nativeValues(client: Client): Promise<void> {
  await client.execute("INSERT INTO counts (id, n) VALUES (?, ?)", [
    randomUuid(), // a uuid is a string
    9007199254740993n, // bigint, counter and varint are bigint
  ]);
}

export async function alongside(id: string): Promise<Row | null> {
  // Old code keeps its compat client; new code gets a native one. Each has its own pools.
  const legacy = new cassandra.Client({ contactPoints: ["10.0.0.1"], localDataCenter: "dc1" });
  const client = new Client({ contactPoints: ["10.0.0.1"], localDataCenter: "dc1" });
  await legacy.execute("UPDATE app.users SET seen = toTimestamp(now()) WHERE id = ?", [id], {
    prepare: true,
  });
  const rs: ResultSet = await client.execute("SELECT * FROM app.users WHERE id = ?", [id]);
  await Promise.all([legacy.shutdown(), client.close()]);
  return rs.first();
}
