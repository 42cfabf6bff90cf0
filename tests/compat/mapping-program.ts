// deno-lint-ignore-file no-explicit-any
/**
 * The mapper's differential program, written against cassandra-driver's `mapping` API (models
 * over real tables, get/find/findAll with `q` operators, insert/update/remove with conditions,
 * `mapWithQuery`, batches of mapper items, naming conventions, `Result`), and the comparison
 * of its two transcripts. Plain module (no Deno APIs), so that the Deno test and the Node and
 * Bun runs (run-transcripts.ts) share it.
 *
 * @module
 */
import { describe, describeError } from "./describe.ts";

/** What a run needs: the module (cassandra-driver or ours), a contact point and a keyspace. */
export interface Run {
  cassandra: any;
  contact: string;
  keyspace: string;
}

/** A document (or a `Result`'s documents) as a transcript line. */
function doc(v: any): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v.toArray === "function") {
    return `Result(length=${v.length} applied=${v.wasApplied()}) ${describe(v.toArray())}`;
  }
  return describe(v);
}

/** The whole program; returns its transcript. */
export async function mappingProgram(run: Run): Promise<string[]> {
  const c = run.cassandra;
  const { Mapper, q, UnderscoreCqlToCamelCaseMappings, DefaultTableMappings } = c.mapping;
  const out: string[] = [];
  const log = (s: string) => {
    const line = s.split(run.keyspace).join("KS");
    out.push(line);
    if ((globalThis as any).Deno?.env.get("COMPAT_TRACE")) console.error(line);
  };
  /** Runs `f`, logging what it gives, or the error it throws or rejects with. */
  const step = async (label: string, f: () => unknown, show = doc) => {
    let p;
    try {
      p = f();
    } catch (e) {
      log(`${label}: throws ${describeError(e)}`);
      return;
    }
    try {
      log(`${label}: ${show(await p)}`);
    } catch (e) {
      log(`${label}: error ${describeError(e)}`);
    }
  };
  const ks = run.keyspace;
  const admin = new c.Client({ contactPoints: [run.contact], localDataCenter: "datacenter1" });
  await admin.connect();
  await admin.execute(
    `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  const ddl = [
    `CREATE TABLE ${ks}.users (user_id int PRIMARY KEY, first_name text, email text,
      tags list<text>, emails set<text>, prefs map<text, text>, born timestamp)`,
    `CREATE TABLE ${ks}.videos (video_id int PRIMARY KEY, user_id int, name text, added int)`,
    `CREATE TABLE ${ks}.user_videos (user_id int, added int, video_id int, name text,
      PRIMARY KEY (user_id, added, video_id))`,
    `CREATE TABLE ${ks}.hits (page text PRIMARY KEY, views counter, likes counter)`,
    `CREATE TABLE ${ks}.shelves (shelf int, slot int, label text static, item text,
      PRIMARY KEY (shelf, slot))`,
    `CREATE TABLE ${ks}.plain (id int PRIMARY KEY, v text)`,
    `CREATE TABLE ${ks}.typed (id uuid, at timeuuid, n bigint, amount decimal, "camelCol" text,
      ip inet, PRIMARY KEY (id, at))`,
  ];
  for (const s of ddl) await admin.execute(s);
  await admin.shutdown();

  const client = new c.Client({
    contactPoints: [run.contact],
    localDataCenter: "datacenter1",
    keyspace: ks,
  });
  const logs: string[] = [];
  client.on("log", (level: string, source: string, message: string, further: unknown) => {
    if (/model|mapping|cache/i.test(message)) {
      logs.push(`${level} ${source} ${message} further=${JSON.stringify(further)}`);
    }
  });
  await client.connect();
  const camel = new UnderscoreCqlToCamelCaseMappings();
  const mapper = new Mapper(client, {
    models: {
      User: {
        tables: ["users"],
        mappings: camel,
        columns: {
          email: {
            name: "mail",
            fromModel: (v: any) => v?.toLowerCase(),
            toModel: (v: any) => `<${v}>`,
          },
        },
      },
      Video: { tables: ["videos", "user_videos"], mappings: camel },
      Hit: { tables: ["hits"] },
      Shelf: { tables: [{ name: "shelves", isView: false }], mappings: new DefaultTableMappings() },
      Missing: { tables: ["nosuch"] },
    },
  });
  log(`mapping exports ${Object.keys(c.mapping).sort().join(",")}`);
  log(
    `camel ${camel.getColumnName("firstName")} ${camel.getPropertyName("first_name")} ${
      camel.getPropertyName("_private_thing")
    } ${camel.getColumnName("userID")} ${describe(camel.newObjectInstance())}`,
  );
  const users = mapper.forModel("User");
  const videos = mapper.forModel("Video");
  const hits = mapper.forModel("Hit");
  const shelves = mapper.forModel("Shelf");
  const plain = mapper.forModel("plain");
  log(`forModel same instance ${mapper.forModel("User") === users} name=${users.name}`);

  // Inserts and gets, with the naming convention and the column's own name and conversions.
  const born = new Date(Date.UTC(1990, 4, 6, 7, 8, 9));
  await step("insert user 1", () =>
    users.insert({
      userId: 1,
      firstName: "Ada",
      mail: "ADA@Example.org",
      tags: ["a", "b"],
      emails: ["x@y"],
      prefs: { theme: "dark" },
      born,
    }));
  for (let i = 2; i <= 6; i++) {
    await step(
      `insert user ${i}`,
      () => users.insert({ userId: i, firstName: `U${i}`, mail: `U${i}@MAIL`, tags: [`t${i}`] }),
    );
  }
  await step("get user 1", () => users.get({ userId: 1 }));
  await step(
    "get user 1 fields",
    () => users.get({ userId: 1 }, { fields: ["firstName", "mail"] }),
  );
  await step("get missing", () => users.get({ userId: 99 }));
  await step("get by a non-key", () => users.get({ firstName: "Ada" }));
  await step("get no keys", () => users.get({}));
  await step("find in_", async () => {
    const r = await users.find({ userId: q.in_([3, 1, 5]) }, { fields: ["userId", "firstName"] });
    const each: string[] = [];
    r.forEach(function (this: any, d: any, i: number) {
      each.push(`${i}:${d.userId}:${this === r}`);
    });
    const iterated = [...r].map((d: any) => d.firstName);
    return `length=${r.length} first=${describe(r.first())} each=${each} iterated=${iterated}`;
  }, String);
  await step("find in_ not an array", () => users.find({ userId: q.in_(3 as any) }));
  await step(
    "inspect",
    () => users.find({ userId: q.in_([1, 2]) }, { fields: ["firstName"] }),
    (r) => describe(r[Symbol.for("nodejs.util.inspect.custom")]()),
  );
  await step(
    "findAll fields limit",
    () => users.findAll({ fields: ["userId"], limit: 2 }),
    (r) => `length=${r.length} keys=${Object.keys(r.first()).join(",")}`,
  );
  await step("findAll profile string", () => plain.findAll("default"));
  await step("findAll bad profile", () => users.findAll({}, { executionProfile: "nope" }));
  await step("get bad profile string", () => users.get({ userId: 1 }, "nope"));

  // Collections and assignments.
  await step(
    "update append",
    () => users.update({ userId: 1, tags: q.append(["c"]), emails: q.append(["z@y"]) }),
  );
  await step("update prepend", () => users.update({ userId: 1, tags: q.prepend(["_"]) }));
  await step(
    "update remove",
    () => users.update({ userId: 1, tags: q.remove(["a"]), emails: q.remove(["x@y"]) }),
  );
  await step(
    "update map append",
    () => users.update({ userId: 1, prefs: q.append({ lang: "en" }) }),
  );
  await step(
    "after assignments",
    () => users.get({ userId: 1 }, { fields: ["tags", "emails", "prefs"] }),
  );

  // Conditional statements.
  await step(
    "insert ifNotExists new",
    () => users.insert({ userId: 7, firstName: "New" }, { ifNotExists: true }),
  );
  await step("insert ifNotExists again", async () => {
    const r = await users.insert({ userId: 7, firstName: "Again" }, { ifNotExists: true });
    return `applied=${r.wasApplied()} length=${r.length} first=${describe(r.first())} array=${
      describe(r.toArray())
    }`;
  }, String);
  await step(
    "update ifExists missing",
    () => users.update({ userId: 70, firstName: "Nobody" }, { ifExists: true }),
  );
  await step(
    "update ifExists present",
    () => users.update({ userId: 7, firstName: "Seven" }, { ifExists: true }),
  );
  await step(
    "update when matches",
    () => users.update({ userId: 7, mail: "S@X" }, { when: { firstName: "Seven" } }),
  );
  await step("update when does not match", async () => {
    const r = await users.update({ userId: 7, mail: "T@X" }, { when: { firstName: "Other" } });
    return `applied=${r.wasApplied()} length=${r.length} first=${describe(r.first())}`;
  }, String);
  await step(
    "update when notEq",
    () => users.update({ userId: 7, firstName: "Eight" }, { when: { firstName: q.notEq("Nine") } }),
  );
  await step(
    "update when and ifExists",
    () => users.update({ userId: 7, firstName: "X" }, { ifExists: true, when: { firstName: "Y" } }),
  );
  await step(
    "remove when gt no",
    () => users.remove({ userId: 6 }, { when: { mail: q.gt("zz") } }),
  );
  await step("remove ifExists", () => users.remove({ userId: 6 }, { ifExists: true }));
  await step("remove ifExists again", () => users.remove({ userId: 6 }, { ifExists: true }));
  await step(
    "remove deleteOnlyColumns",
    () =>
      users.remove({ userId: 5, firstName: "ignored", tags: null }, { deleteOnlyColumns: true }),
  );
  await step("after deleteOnlyColumns", () => users.get({ userId: 5 }));
  await step("remove no keys", () => users.remove({ firstName: "x" }));
  await step("update nothing to set", () => users.update({ userId: 1 }));
  await step("insert without key", () => users.insert({ firstName: "Key?" }));

  // TTL and write timestamps, read back through mapWithQuery.
  await step("insert ttl", () => users.insert({ userId: 8, firstName: "Ttl" }, { ttl: 1000 }));
  await step("insert timestamp", () =>
    users.insert({ userId: 9, firstName: "Ts" }, null, {
      timestamp: c.types.Long.fromString("1700000000000123"),
    }));
  const meta = users.mapWithQuery(
    `SELECT user_id, TTL(first_name) AS t, WRITETIME(first_name) AS w FROM ${ks}.users WHERE user_id = ?`,
    (d: any) => [d.id],
  );
  await step("ttl", () => meta({ id: 8 }), (r) => `ttl>900=${r.first().t > 900}`);
  await step("writetime", () => meta({ id: 9 }), (r) => describe(r.first().w));

  // Two tables of one model: statements go to every table whose keys the document has.
  for (const [id, user, added] of [[10, 1, 100], [11, 1, 200], [12, 1, 300], [13, 2, 150]]) {
    await step(
      `insert video ${id}`,
      () => videos.insert({ videoId: id, userId: user, added, name: `v${id}` }),
    );
  }
  await step("get video by id", () => videos.get({ videoId: 11 }));
  await step("find videos of user", () => videos.find({ userId: 1 }));
  await step("find videos gt", () => videos.find({ userId: 1, added: q.gt(100) }));
  await step("find videos gte", () => videos.find({ userId: 1, added: q.gte(200) }));
  await step("find videos lt", () => videos.find({ userId: 1, added: q.lt(200) }));
  await step("find videos lte", () => videos.find({ userId: 1, added: q.lte(200) }));
  await step(
    "find videos and",
    () => videos.find({ userId: 1, added: q.and(q.gt(100), q.lte(300)) }),
  );
  await step("find videos notEq", () => videos.find({ userId: 1, added: q.notEq(200) }));
  await step(
    "find videos desc limit",
    () =>
      videos.find({ userId: 1 }, {
        orderBy: { added: "desc" },
        limit: 2,
        fields: ["videoId", "added"],
      }),
  );
  await step("find videos asc", () => videos.find({ userId: 1 }, { orderBy: { added: "ASC" } }));
  await step("find bad order", () => videos.find({ userId: 1 }, { orderBy: { added: "up" } }));
  await step(
    "find order by non-clustering",
    () => videos.find({ userId: 1 }, { orderBy: { name: "asc" } }),
  );
  await step("find unknown field", () => videos.find({ userId: 1 }, { fields: ["nope"] }));
  await step("find paged", async () => {
    const p1 = await videos.find({ userId: 1 }, null, { fetchSize: 2 });
    const p2 = await videos.find({ userId: 1 }, null, { fetchSize: 2, pageState: p1.pageState });
    return `p1=${p1.length} state=${typeof p1.pageState} p2=${
      describe(p2.toArray())
    } state2=${p2.pageState}`;
  }, String);
  await step(
    "update video both tables",
    () => videos.update({ videoId: 12, userId: 1, added: 300, name: "renamed" }),
  );
  await step("after update", () => videos.find({ userId: 1, added: 300 }));
  await step("get video renamed", () => videos.get({ videoId: 12 }, { fields: ["name"] }));
  await step(
    "remove video both tables",
    () => videos.remove({ videoId: 10, userId: 1, added: 100 }),
  );
  await step("after remove", () => videos.findAll());
  await step(
    "insert ifNotExists two tables",
    () => videos.insert({ videoId: 20, userId: 2, added: 1, name: "x" }, { ifNotExists: true }),
  );
  await step(
    "remove when two tables",
    () => videos.remove({ videoId: 11, userId: 1, added: 200 }, { when: { name: "v11" } }),
  );

  // Counters.
  await step("incr", () => hits.update({ page: "home", views: q.incr(5), likes: q.incr(2) }));
  await step(
    "decr",
    () => hits.update({ page: "home", views: q.decr(c.types.Long.fromNumber(2)) }),
  );
  await step("counters", () => hits.get({ page: "home" }));

  // A static column without clustering keys.
  await step("insert static only", () => shelves.insert({ shelf: 1, label: "top" }));
  await step("insert row", () => shelves.insert({ shelf: 1, slot: 1, item: "book" }));
  await step("update static only", () => shelves.update({ shelf: 1, label: "upper" }));
  await step("shelf rows", () => shelves.find({ shelf: 1 }));
  await step("insert some clustering keys", () => shelves.insert({ shelf: 2, item: "x" }));

  // Values of other types, and a case-sensitive column.
  const typed = mapper.forModel("typed");
  const t = c.types;
  const id = t.Uuid.fromString("7e57d004-2b97-4e7a-b45f-5387367791cd");
  const at = t.TimeUuid.fromString("fe2b4360-28c6-11ee-be56-0242ac120002");
  await step("typed insert", () =>
    typed.insert({
      id,
      at,
      n: t.Long.fromString("-9007199254740993"),
      amount: t.BigDecimal.fromString("12.345"),
      camelCol: "cased",
      ip: t.InetAddress.fromString("10.1.2.3"),
    }));
  await step("typed get", () => typed.get({ id, at }));
  await step(
    "typed find by timeuuid range",
    () =>
      typed.find({ id, at: q.lte(t.TimeUuid.fromString("fe2b4361-28c6-11ee-be56-0242ac120002")) }, {
        fields: ["camelCol", "n"],
      }),
  );
  await step("typed get null doc", () => typed.get(null));
  await step("typed find undefined doc", () => typed.find(undefined));

  // Tables the mapper has not seen yet: made by another client, by this one, and a column added.
  const other = new c.Client({ contactPoints: [run.contact], localDataCenter: "datacenter1" });
  await other.execute(`CREATE TABLE ${ks}.later (id int PRIMARY KEY, v text)`);
  await other.shutdown();
  const later = mapper.forModel("later");
  await step("table made elsewhere insert", () => later.insert({ id: 1, v: "later" }));
  await step("table made elsewhere get", () => later.get({ id: 1 }));
  await client.execute(`CREATE TABLE ${ks}.own (id int PRIMARY KEY, v text)`);
  await step("table made here insert", () => mapper.forModel("own").insert({ id: 1, v: "own" }));
  await step("table made here find", () => mapper.forModel("own").find({ id: q.in_([1, 2]) }));
  await client.execute(`ALTER TABLE ${ks}.own ADD w int`);
  await step("column added insert", () => mapper.forModel("own").insert({ id: 2, v: "x", w: 5 }));
  await step("column added get", () => mapper.forModel("own").get({ id: 2 }));

  // One new shape used by many calls at once.
  await step("parallel first use", async () => {
    const rs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => plain.insert({ v: `p${i}`, id: 100 + i })),
    );
    const found = await plain.find({ id: q.in_(Array.from({ length: 20 }, (_, i) => 100 + i)) });
    return `${rs.length} ${rs.every((r: any) => r.wasApplied())} found=${found.length}`;
  }, String);

  // Documents of many shapes: the cache warns once, at the 100th INSERT shape.
  await step("many shapes", async () => {
    const props = ["userId", "firstName", "mail", "tags", "born"];
    const perms: string[][] = [];
    const permute = (done: string[], rest: string[]) => {
      if (rest.length === 0) perms.push(done);
      rest.forEach((p, i) => permute([...done, p], rest.filter((_, j) => j !== i)));
    };
    permute([], props);
    const values: Record<string, unknown> = {
      userId: 60,
      firstName: "S",
      mail: "s",
      tags: [],
      born,
    };
    for (const perm of perms.slice(0, 100)) {
      await users.insert(Object.fromEntries(perm.map((p) => [p, values[p]])));
    }
    return `${perms.length} permutations, warnings so far ${
      logs.filter((l) => l.startsWith("warning")).length
    }`;
  }, String);

  // A default model (table of its name) and a model whose table does not exist.
  await step("plain insert", () => plain.insert({ id: 1, v: "one" }));
  await step("plain get", () => plain.get({ id: 1 }));
  await step("missing table", () => mapper.forModel("Missing").get({ id: 1 }));
  await step("missing table insert", () => mapper.forModel("Missing").insert({ id: 1 }));

  // mapWithQuery: reads, a conditional write, common options.
  const byName = videos.mapWithQuery(
    `SELECT video_id, name FROM ${ks}.videos WHERE video_id IN ?`,
    (d: any) => [d.ids],
  );
  await step("mapWithQuery", () => byName({ ids: [11, 12, 13] }));
  await step("mapWithQuery again", () => byName({ ids: [13] }));
  const lwt = users.mapWithQuery(
    `UPDATE ${ks}.users SET first_name = ? WHERE user_id = ? IF first_name = ?`,
    (d: any) => [d.name, d.id, d.expect],
  );
  await step("mapWithQuery lwt applied", () => lwt({ name: "Z", id: 2, expect: "U2" }));
  await step("mapWithQuery lwt not applied", () => lwt({ name: "Q", id: 2, expect: "U2" }));
  const fixed = users.mapWithQuery(
    `SELECT user_id FROM ${ks}.users WHERE user_id IN (1, 2, 3)`,
    () => [],
    { fetchSize: 1 },
  );
  await step(
    "mapWithQuery common options",
    () => fixed({}, { fetchSize: 100 }),
    (r) => `length=${r.length} paged=${r.pageState !== null}`,
  );
  const write = plain.mapWithQuery(
    `INSERT INTO ${ks}.plain (id, v) VALUES (?, ?)`,
    (d: any) => [d.id, d.v],
  );
  await step(
    "mapWithQuery void",
    () => write({ id: 2, v: "two" }),
    (r) => `length=${r.length} first=${r.first()} applied=${r.wasApplied()}`,
  );
  await step(
    "mapWithQuery error",
    () => users.mapWithQuery(`SELECT nope FROM ${ks}.users`, () => [])({}),
  );

  // Batches of mapper items.
  await step("batch", () =>
    mapper.batch([
      users.batching.insert({ userId: 30, firstName: "B1" }),
      users.batching.update({ userId: 31, firstName: "B2", tags: q.append(["bt"]) }),
      users.batching.remove({ userId: 4 }),
      videos.batching.insert({ videoId: 40, userId: 3, added: 5, name: "bv" }),
      plain.batching.update({ id: 1, v: "uno" }),
    ]));
  await step("after batch", () => users.find({ userId: q.in_([30, 31, 4]) }));
  await step("after batch videos", () => videos.find({ userId: 3 }));
  await step("after batch plain", () => plain.get({ id: 1 }));
  await step(
    "batch logged false",
    () => mapper.batch([plain.batching.insert({ id: 3, v: "three" })], { logged: false }),
  );
  await step("batch counter", () =>
    mapper.batch([
      hits.batching.update({ page: "home", views: q.incr(10) }),
      hits.batching.update({ page: "about", likes: q.incr(1) }),
    ]));
  await step("after batch counter", () => hits.findAll());
  await step("batch lwt applied", () =>
    mapper.batch([
      users.batching.insert({ userId: 50, firstName: "L" }, { ifNotExists: true }),
      users.batching.update({ userId: 50, mail: "l@l" }),
    ]));
  await step("batch lwt not applied", async () => {
    const r = await mapper.batch([
      users.batching.update({ userId: 50, firstName: "M" }, { when: { firstName: "nope" } }),
    ]);
    return `applied=${r.wasApplied()} length=${r.length} array=${describe(r.toArray())}`;
  }, String);
  await step("batch mixed counter", () =>
    mapper.batch([
      hits.batching.update({ page: "home", views: q.incr(1) }),
      plain.batching.insert({ id: 4, v: "four" }),
    ]));
  await step("batch empty", () => mapper.batch([]));
  await step("batch not items", () => mapper.batch([{ query: "SELECT 1" }]));
  await step("batch bad item", () => mapper.batch([users.batching.insert({ firstName: "x" })]));

  // Bad mapping options.
  const attempts: [string, () => unknown][] = [
    ["no client", () => new Mapper(undefined)],
    ["bad mappings", () => new Mapper(client, { models: { X: { mappings: {} } } })],
    ["no table name", () => new Mapper(client, { models: { X: { tables: [{ isView: false }] } } })],
    [
      "bad toModel",
      () => new Mapper(client, { models: { X: { columns: { a: { name: "b", toModel: 1 } } } } }),
    ],
    ["no keyspace", async () => {
      const bare = new c.Client({ contactPoints: [run.contact], localDataCenter: "datacenter1" });
      try {
        try {
          new Mapper(bare, { models: { X: { tables: ["t"] } } });
          return "constructed";
        } catch (e) {
          log(`  model without keyspace: ${describeError(e)}`);
        }
        new Mapper(bare).forModel("Y");
        return "forModel ok";
      } finally {
        await bare.shutdown();
      }
    }],
  ];
  for (const [label, f] of attempts) {
    await step(
      label,
      async () => await f(),
      (v: any) => typeof v === "string" ? v : describe(v?.constructor?.name),
    );
  }
  await client.shutdown();
  log(`logs ${logs.join(" | ")}`);
  return out;
}

/** Calls cassandra-driver answers with a synchronous throw, compat with a rejected promise. */
const REJECTS_INSTEAD = new Set([
  "update when and ifExists",
  "find bad order",
  "typed get null doc",
  "typed find undefined doc",
]);

/** A fresh keyspace name for one run. */
export function mappingKeyspace(tag: string): string {
  return `mapping_${tag}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
}

/**
 * What is wrong with the compat transcript against cassandra-driver's: differing lines (but for
 * the one intended difference), or a transcript that shows the operations did not work.
 */
export function compareMappingTranscripts(expected: string[], actual: string[]): string[] {
  const diffs: string[] = [];
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    // Where cassandra-driver throws from a promise-returning call, compat rejects: the one
    // intended difference, checked as such.
    const label = expected[i]?.split(": ")[0];
    if (
      REJECTS_INSTEAD.has(label) && expected[i].startsWith(`${label}: throws `) &&
      actual[i] === expected[i].replace(": throws ", ": error ")
    ) continue;
    if (expected[i] !== actual[i]) {
      diffs.push(
        `line ${i}:\n  cassandra-driver: ${expected[i]}\n  compat:           ${actual[i]}`,
      );
    }
  }
  if (diffs.length > 0) return [`${diffs.length} line(s) differ:`, ...diffs];
  // Both sides failing alike would give equal transcripts: the operations must have worked.
  const errors = expected.filter((l) => l.includes(": error ")).length;
  // Compat's promise-returning calls never throw: only q.in_ does, as it returns no promise.
  const throws = actual.filter((l) => l.includes(": throws "));
  if (throws.length !== 1 || !throws[0].startsWith("find in_ not an array")) {
    return [`compat threw synchronously: ${throws.join("\n")}`];
  }
  if (expected.length < 100 || errors > 40) {
    return [`transcript of ${expected.length} lines, ${errors} errors`];
  }
  return [];
}
