// deno-lint-ignore-file no-explicit-any
/**
 * The differential program: written against cassandra-driver's API, run once with
 * cassandra-driver and once with the compat entry; it returns a transcript of what it saw.
 *
 * @module
 */
import { describe, describeError } from "./describe.ts";

const B = (globalThis as any).Buffer;

/** What a run needs: the module (cassandra-driver or ours), a contact point and a keyspace. */
export interface Run {
  cassandra: any;
  contact: string;
  keyspace: string;
}

function clientOf(run: Run, extra: Record<string, unknown> = {}): any {
  return new run.cassandra.Client({
    contactPoints: [run.contact],
    localDataCenter: "datacenter1",
    ...extra,
  });
}

/** Replaces the run's keyspace name so both transcripts read the same. */
function norm(s: string, run: Run): string {
  return s.split(run.keyspace).join("KS");
}

/** The values of the every-type row, made with the module's own types. */
export function everyTypeValues(c: any): unknown[] {
  const t = c.types;
  const node = [1, 2, 3, 4, 5, 6];
  return [
    1,
    "ascii text",
    t.Long.fromString("-9007199254740993"),
    B.from([0, 1, 2, 250]),
    true,
    t.BigDecimal.fromString("-1234567890.0987654321"),
    3.5e300,
    1.5,
    -2147483648,
    new Date(Date.UTC(2024, 1, 29, 12, 34, 56, 789)),
    t.Uuid.fromString("7e57d004-2b97-4e7a-b45f-5387367791cd"),
    "text ünïcødé ✓",
    t.Integer.fromString("-123456789012345678901234567890"),
    t.TimeUuid.fromDate(
      new Date(Date.UTC(2023, 4, 6, 7, 8, 9, 10)),
      42,
      B.from(node),
      B.from([7, 8]),
    ),
    t.InetAddress.fromString("2001:db8::ff00:42:8329"),
    new t.LocalDate(2024, 2, 29),
    t.LocalTime.fromString("23:59:59.123456789"),
    -32768,
    127,
    new t.Duration(14, 3, t.Long.fromString("3723000000004")),
    [3, 1, 2],
    ["b", "a"],
    { one: 1, two: 2 },
    new t.Tuple(5, "five"),
    { street: "Main", num: 7, tags: ["x"] },
    [t.Uuid.fromString("00000000-0000-4000-8000-000000000001")],
    t.InetAddress.fromString("10.0.0.1"),
  ];
}

const COLUMNS =
  "k, a, b, bl, bo, dec, dbl, f, i, ts, u, t, vi, tu, ip, d, tm, si, ti, dur, l, s, m, tup, ud, lu, ip4";

/** The whole program. */
export async function program(run: Run): Promise<string[]> {
  const c = run.cassandra;
  const out: string[] = [];
  const log = (s: string) => {
    out.push(norm(s, run));
    if ((globalThis as any).Deno?.env.get("COMPAT_TRACE")) console.error(norm(s, run));
  };
  const client = clientOf(run);
  await client.connect();
  log(`connected hosts=${client.hosts.length} keys=${client.hosts.keys()}`);
  const ks = run.keyspace;
  await client.execute(
    `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  await client.execute(`CREATE TYPE ${ks}.addr (street text, num int, tags list<text>)`);
  await client.execute(
    `CREATE TABLE ${ks}.every (k int PRIMARY KEY, a ascii, b bigint, bl blob, bo boolean,
      dec decimal, dbl double, f float, i int, ts timestamp, u uuid, t text, vi varint,
      tu timeuuid, ip inet, d date, tm time, si smallint, ti tinyint, dur duration,
      l list<int>, s set<text>, m map<text, int>, tup tuple<int, text>, ud frozen<addr>,
      lu list<uuid>, ip4 inet)`,
  );
  await client.execute(`CREATE TABLE ${ks}.counts (k text PRIMARY KEY, n counter)`);
  await client.execute(`CREATE TABLE ${ks}.pages (p int, c int, v text, PRIMARY KEY (p, c))`);
  await client.execute(`CREATE TABLE ${ks}.vec (k int PRIMARY KEY, v vector<float, 3>)`);

  // Prepared insert of every type, then one of nulls only.
  const values = everyTypeValues(c);
  const marks = COLUMNS.split(",").map(() => "?").join(", ");
  const ins = await client.execute(
    `INSERT INTO ${ks}.every (${COLUMNS}) VALUES (${marks})`,
    values,
    { prepare: true },
  );
  log(
    `insert rowLength=${ins.rowLength} columns=${describe(ins.columns)} rows=${
      describe(ins.rows)
    } pageState=${ins.pageState}`,
  );
  await client.execute(`INSERT INTO ${ks}.every (k) VALUES (?)`, [2], { prepare: true });
  // Unprepared: guessed types, and hints where guessing cannot work.
  await client.execute(
    `INSERT INTO ${ks}.every (k, t, u, b, bl, bo, dbl, ts, l) VALUES (3, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      "unprepared",
      c.types.Uuid.fromString("11111111-2222-4333-8444-555555555555"),
      c.types.Long.fromNumber(77),
      B.from([9, 9]),
      false,
      0.25,
      new Date(0),
      ["ignored", "list"].map(() => "x"),
    ],
  ).catch((e: unknown) => log(`unprepared insert error ${describeError(e)}`));
  await client.execute(
    `INSERT INTO ${ks}.every (k, i, si, ti, f, vi, d, tm, m) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      4,
      5,
      6,
      7,
      1.25,
      c.types.Integer.fromNumber(8),
      new c.types.LocalDate(2020, 1, 1),
      c.types.LocalTime.fromString("01:02:03"),
      { a: 1 },
    ],
    {
      hints: [
        "int",
        "int",
        "smallint",
        "tinyint",
        "float",
        "varint",
        "date",
        "time",
        "map<text, int>",
      ],
    },
  );
  await client.execute(`INSERT INTO ${ks}.every (k, i) VALUES (5, ?)`, [1.5]).catch((e: unknown) =>
    log(`double into int: ${describeError(e)}`)
  );
  // A uuid string is guessed as a uuid.
  await client.execute(`INSERT INTO ${ks}.every (k, u) VALUES (6, ?)`, [
    "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
  ]);

  for (const k of [1, 2, 3, 4, 6]) {
    const rs = await client.execute(`SELECT * FROM ${ks}.every WHERE k = ?`, [k], {
      prepare: true,
    });
    log(`select k=${k} rowLength=${rs.rowLength} pageState=${rs.pageState}`);
    log(`  columns=${describe(rs.columns)}`);
    const row = rs.first();
    log(`  row=${describe(row)}`);
    if (row === null) continue;
    log(
      `  get(0)=${describe(row.get(0))} get("t")=${
        describe(row.get("t"))
      } values=${row.values().length}`,
    );
    log(`  json=${JSON.stringify(row)}`);
  }
  const unp = await client.execute(`SELECT k, b, vi, u FROM ${ks}.every WHERE k = 1`);
  log(`unprepared select ${describe(unp.rows)} ${describe(unp.columns)}`);
  const bigint = clientOf(run, {
    encoding: { useBigIntAsLong: true, useBigIntAsVarint: true, map: Map, set: Set },
  });
  const bi = await bigint.execute(`SELECT b, vi, m, s FROM ${ks}.every WHERE k = 1`);
  log(`useBigInt ${describe(bi.first())}`);
  await bigint.execute(`INSERT INTO ${ks}.every (k, b, vi) VALUES (?, ?, ?)`, [
    7,
    -5n,
    12345678901234567890n,
  ], { prepare: true });
  log(
    `bigint in ${
      describe((await bigint.execute(`SELECT b, vi FROM ${ks}.every WHERE k = 7`)).first())
    }`,
  );
  await bigint.shutdown();

  // Vectors.
  await client.execute(`INSERT INTO ${ks}.vec (k, v) VALUES (?, ?)`, [
    1,
    new c.types.Vector(new Float32Array([1, 2.5, -3]), "float"),
  ], { prepare: true });
  const vec = await client.execute(`SELECT * FROM ${ks}.vec WHERE k = 1`);
  log(`vector ${describe(vec.first().v)} columns=${describe(vec.columns)}`);

  // Paging.
  for (let i = 0; i < 25; i++) {
    await client.execute(`INSERT INTO ${ks}.pages (p, c, v) VALUES (?, ?, ?)`, [1, i, `v${i}`], {
      prepare: true,
    });
  }
  const q = `SELECT c, v FROM ${ks}.pages WHERE p = ?`;
  const first = await client.execute(q, [1], { prepare: true, fetchSize: 10 });
  log(
    `page1 rowLength=${first.rowLength} pageState?=${typeof first
      .pageState} isPaged=${first.isPaged()} first=${describe(first.first())}`,
  );
  const second = await client.execute(q, [1], {
    prepare: true,
    fetchSize: 10,
    pageState: first.pageState,
  });
  log(`page2 rowLength=${second.rowLength} first=${describe(second.first())}`);
  const iterated: number[] = [];
  for await (const row of first) iterated.push(row.c);
  log(`async iteration ${iterated.join(",")}`);
  log(`sync iteration ${[...second].map((r: any) => r.c).join(",")}`);

  const seen: string[] = [];
  await new Promise<void>((resolve, reject) => {
    let pages = 0;
    client.eachRow(q, [1], { prepare: true, fetchSize: 10 }, (n: number, row: any) => {
      seen.push(`${n}:${row.c}`);
    }, (err: Error | null, result: any) => {
      if (err) return reject(err);
      pages++;
      seen.push(
        `end page ${pages} rowLength=${result.rowLength} rows=${
          describe(result.rows)
        } next=${typeof result.nextPage}`,
      );
      if (result.nextPage) result.nextPage();
      else resolve();
    });
  });
  log(`eachRow ${seen.join(" ")}`);
  seen.length = 0;
  await new Promise<void>((resolve, reject) => {
    client.eachRow(
      q,
      [1],
      { prepare: true, fetchSize: 7, autoPage: true },
      (n: number, row: any) => {
        seen.push(`${n}:${row.c}`);
      },
      (err: Error | null, result: any) => {
        if (err) return reject(err);
        seen.push(`end rowLength=${result.rowLength} next=${typeof result.nextPage}`);
        resolve();
      },
    );
  });
  log(`eachRow autoPage ${seen.join(" ")}`);
  seen.length = 0;
  await new Promise<void>((resolve) => {
    client.eachRow(
      `SELECT * FROM ${ks}.pages WHERE p = 2`,
      [],
      (n: number, row: any) => seen.push(`${n}:${row}`),
      (err: any, result: any) => {
        seen.push(`err=${err} rowLength=${result?.rowLength}`);
        resolve();
      },
    );
  });
  log(`eachRow empty ${seen.join(" ")}`);

  const streamed: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const s = client.stream(q, [1], { prepare: true, fetchSize: 6 });
    s.on("readable", function (this: any) {
      let row;
      while ((row = this.read()) !== null) streamed.push(row.c);
    });
    s.on("end", () => resolve());
    s.on("error", reject);
  });
  log(`stream ${streamed.join(",")}`);
  const streamErr: string[] = [];
  await new Promise<void>((resolve) => {
    const s = client.stream(`SELECT * FROM ${ks}.nosuchtable`);
    s.on("data", () => streamErr.push("data"));
    s.on("error", (e: any) => streamErr.push(describeError(e)));
    s.on("end", () => {
      streamErr.push("end");
      resolve();
    });
    s.resume();
  });
  log(`stream error ${streamErr.join(" | ")}`);

  // Batches.
  const b1 = await client.batch([
    { query: `INSERT INTO ${ks}.pages (p, c, v) VALUES (?, ?, ?)`, params: [3, 1, "b1"] },
    { query: `INSERT INTO ${ks}.pages (p, c, v) VALUES (?, ?, ?)`, params: [3, 2, "b2"] },
  ], { prepare: true });
  log(
    `batch logged rowLength=${b1.rowLength} rows=${describe(b1.rows)} columns=${
      describe(b1.columns)
    }`,
  );
  await client.batch([
    `INSERT INTO ${ks}.pages (p, c, v) VALUES (3, 3, 'b3')`,
    { query: `INSERT INTO ${ks}.pages (p, c, v) VALUES (3, 4, ?)`, params: ["b4"] },
  ], { logged: false });
  await client.batch([
    {
      query: `UPDATE ${ks}.counts SET n = n + ? WHERE k = ?`,
      params: [c.types.Long.fromNumber(5), "x"],
    },
    {
      query: `UPDATE ${ks}.counts SET n = n + ? WHERE k = ?`,
      params: [c.types.Long.fromNumber(-2), "x"],
    },
  ], { prepare: true, counter: true });
  const bp = await client.execute(`SELECT * FROM ${ks}.pages WHERE p = 3`);
  log(`batch rows ${describe(bp.rows)}`);
  log(
    `counter ${
      describe((await client.execute(`SELECT n FROM ${ks}.counts WHERE k = 'x'`)).first())
    }`,
  );
  await client.batch([`INSERT INTO ${ks}.pages (p, c) VALUES (3, 'x')`]).catch((e: unknown) =>
    log(`batch error ${describeError(e)}`)
  );

  // Conditional statements.
  const lwt = await client.execute(
    `INSERT INTO ${ks}.pages (p, c, v) VALUES (9, 9, 'x') IF NOT EXISTS`,
  );
  const lwt2 = await client.execute(
    `INSERT INTO ${ks}.pages (p, c, v) VALUES (9, 9, 'y') IF NOT EXISTS`,
  );
  log(`lwt applied=${lwt.wasApplied()} then ${lwt2.wasApplied()} row=${describe(lwt2.first())}`);

  // Errors.
  for (
    const bad of ["SELEC * FROM x", "SELECT * FROM nosuchks.t", `SELECT nosuchcol FROM ${ks}.pages`]
  ) {
    await client.execute(bad).then(
      () => log(`no error for ${bad}`),
      (e: unknown) =>
        log(
          `error ${describeError(e)} instanceofResponseError=${
            e instanceof c.errors.ResponseError
          }`,
        ),
    );
  }

  // Callback forms, in order.
  const order: string[] = [];
  await new Promise<void>((resolve) => {
    client.execute(`SELECT v FROM ${ks}.pages WHERE p = 1 AND c = 0`, (err: any, rs: any) => {
      order.push(`execute(q, cb) err=${err} v=${rs.first().v}`);
      client.execute(
        "SELECT key FROM system.local WHERE key = ?",
        ["local"],
        (err2: any, rs2: any) => {
          order.push(`execute(q, p, cb) err=${err2} key=${rs2.first().key}`);
          client.execute(`SELECT v FROM ${ks}.pages WHERE p = ? AND c = ?`, [1, 2], {
            prepare: true,
          }, (err3: any, rs3: any) => {
            order.push(`execute(q, p, o, cb) err=${err3} v=${rs3.first().v}`);
            client.execute("SELEC", (err4: any) => {
              order.push(`execute error cb ${describeError(err4)}`);
              client.batch(
                [`INSERT INTO ${ks}.pages (p, c, v) VALUES (4, 1, 'cb')`],
                (err5: any, rs5: any) => {
                  order.push(`batch cb err=${err5} rowLength=${rs5.rowLength}`);
                  client.batch([`INSERT INTO ${ks}.pages (p, c, v) VALUES (4, 2, 'cb')`], {
                    logged: false,
                  }, (err6: any) => {
                    order.push(`batch(q, o, cb) err=${err6}`);
                    resolve();
                  });
                },
              );
            });
          });
        },
      );
    });
  });
  log(`callbacks ${order.join(" | ")}`);
  const returned = client.execute("SELECT now() FROM system.local", () => {});
  log(`callback form returns ${returned}`);

  log(`keyspace before USE ${client.keyspace}`);
  await client.execute(`USE ${ks}`);
  log(`keyspace after USE ${client.keyspace}`);
  await client.shutdown();
  const after = await client.execute("SELECT * FROM system.local").then(() => "ok", describeError);
  log(`after shutdown ${after}`);

  // Connecting without a local data center, with an unknown one, and by callback.
  for (const extra of [{ localDataCenter: undefined }, { localDataCenter: "nodc" }]) {
    const c2 = clientOf(run, extra);
    await c2.connect().then(
      () => log("connected?"),
      (e: unknown) => log(`connect ${describeError(e)}`),
    );
    await c2.shutdown();
  }
  const c3 = clientOf(run, { keyspace: ks });
  await new Promise<void>((resolve) => {
    c3.connect((err: any) => {
      log(`connect cb err=${err} keyspace=${c3.keyspace}`);
      c3.shutdown((err2: any) => {
        log(`shutdown cb err=${err2}`);
        resolve();
      });
    });
  });
  const c4 = clientOf(run, { keyspace: "nosuchks_" + ks });
  await c4.connect().then(
    () => log("connected to a missing keyspace?"),
    (e: unknown) => log(`bad keyspace ${e?.constructor?.name}`),
  );
  await c4.shutdown();
  return out;
}
