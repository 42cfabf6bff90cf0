/**
 * The mapper as typed code uses it (cassandra-driver's declarations: documents of the
 * application's interfaces and classes, `any` when no type is given), and where it is meant to
 * differ from cassandra-driver: calls reject instead of throwing, and a batch's remove item is a
 * DELETE even after an update item of the same shape.
 *
 * @module
 */
import { Client, errors, mapping, types } from "../../src/compat/mod.ts";
import { Client as NativeClient } from "../../mod.ts";
import { ensureCassandra } from "../support/cassandra.ts";
import { assert, assertEquals } from "../support/assert.ts";

const { Mapper, q, UnderscoreCqlToCamelCaseMappings } = mapping;

interface Video {
  videoId: number;
  userId?: number;
  title: string | null;
  tags?: string[] | null;
  addedDate?: Date | null;
}

/** Documents made as instances of the application's class. */
class VideoDoc implements Video {
  videoId = 0;
  title: string | null = null;
  tags?: string[] | null;
  addedDate?: Date | null;
}

class VideoMappings extends UnderscoreCqlToCamelCaseMappings {
  override newObjectInstance(): VideoDoc {
    return new VideoDoc();
  }
}

async function withKeyspace(fn: (client: Client, ks: string) => Promise<void>): Promise<void> {
  const { host, port } = await ensureCassandra();
  const contact = `${host}:${port}`;
  const ks = `mapping_usage_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new NativeClient({ contactPoints: [contact], localDataCenter: "datacenter1" });
  try {
    await admin.execute(
      `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await admin.execute(
      `CREATE TABLE ${ks}.videos (video_id int PRIMARY KEY, user_id int, title text,
        tags list<text>, added_date timestamp)`,
    );
    const client = new Client({
      contactPoints: [contact],
      localDataCenter: "datacenter1",
      keyspace: ks,
    });
    try {
      await fn(client, ks);
    } finally {
      await client.shutdown();
    }
  } finally {
    await admin.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {});
    await admin.close();
  }
}

Deno.test({
  name: "compat mapping: typed documents, class instances and untyped (any) use",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withKeyspace(async (client, ks) => {
      const options: mapping.MappingOptions = {
        models: { Video: { tables: ["videos"], mappings: new VideoMappings() } },
      };
      const mapper = new Mapper(client, options);
      const videos: mapping.ModelMapper<Video> = mapper.forModel<Video>("Video");
      const added = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
      // A document of an interface type is accepted (cassandra-driver types documents as any).
      const doc: Video = { videoId: 1, userId: 7, title: "intro", tags: ["a"], addedDate: added };
      const inserted: mapping.Result<Video> = await videos.insert(doc);
      assertEquals(inserted.wasApplied(), true);
      assertEquals(inserted.length, 0);
      await videos.insert({ videoId: 2, userId: 7, title: "second" }, { ttl: 3600 });

      const got = await videos.get({ videoId: 1 });
      assert(got instanceof VideoDoc, "documents are made by newObjectInstance()");
      assertEquals(got.title, "intro");
      assertEquals(got.tags, ["a"]);
      assertEquals(got.addedDate?.getTime(), added.getTime());

      const found = await videos.find(
        { videoId: q.in_([1, 2, 3]) },
        { fields: ["videoId", "title"] },
        { fetchSize: 1, executionProfile: "default" },
      );
      assertEquals(found.length, 1, "one page of one document");
      assert(found.pageState !== null, "a next page");
      const next = await videos.find({ videoId: q.in_([1, 2, 3]) }, {
        fields: ["videoId", "title"],
      }, {
        fetchSize: 1,
        pageState: found.pageState ?? undefined,
      });
      const titles: (string | null)[] = [];
      for (const v of [...found, ...next]) titles.push(v.title);
      assertEquals(titles, ["intro", "second"]);

      const updated = await videos.update(
        { videoId: 1, title: "renamed", tags: q.append(["b"]) },
        { when: { title: "intro" } },
      );
      assertEquals(updated.wasApplied(), true);
      const stale = await videos.update({ videoId: 1, title: "again" }, {
        when: { title: "intro" },
      });
      assertEquals(stale.wasApplied(), false);
      assertEquals(stale.first()?.title, "renamed", "the current value, as the server gave it");

      // Without a type argument documents are any, as in cassandra-driver's declarations.
      const untyped = mapper.forModel("Video");
      const u = await untyped.get({ videoId: 1 });
      assertEquals(u.title.toUpperCase(), "RENAMED");
      assertEquals(u.tags.join(","), "a,b");

      const byUser = videos.mapWithQuery(
        `SELECT video_id, title FROM ${ks}.videos WHERE video_id IN ?`,
        (d: { ids: number[] }) => [d.ids],
      );
      const custom = await byUser({ ids: [2, 1] });
      assertEquals(custom.toArray().map((v) => v.videoId).sort(), [1, 2]);
      assert(custom.first() instanceof VideoDoc);

      const counted: number[] = [];
      custom.forEach((v, i) => counted.push(i + v.videoId * 0));
      assertEquals(counted, [0, 1]);
      await videos.remove({ videoId: 2 });
      assertEquals(await videos.get({ videoId: 2 }), null);
      assertEquals(
        (await videos.insert({ videoId: 3, title: "t" }, null, {
          timestamp: types.Long.fromNumber(5),
        }))
          .wasApplied(),
        true,
      );
    });
  },
});

Deno.test({
  name: "compat mapping: bad input rejects with a typed error, never throws or escapes",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withKeyspace(async (client) => {
      const videos = new Mapper(client, {
        models: { Video: { tables: ["videos"], mappings: new VideoMappings() } },
      }).forModel<Video>("Video");
      const rejected = async (p: Promise<unknown>): Promise<unknown> => {
        try {
          await p;
        } catch (e) {
          return e;
        }
        throw new Error("resolved");
      };
      // Each of these returns a promise (cassandra-driver throws synchronously on them).
      const nullDoc = videos.get(null as never);
      assert(nullDoc instanceof Promise);
      assert(await rejected(nullDoc) instanceof TypeError);
      const order = videos.find({ videoId: 1 }, { orderBy: { videoId: "sideways" } });
      assert(await rejected(order) instanceof errors.ArgumentError);
      const both = videos.update({ videoId: 1, title: "x" }, {
        ifExists: true,
        when: { title: "y" },
      });
      assert(String((await rejected(both) as Error).message).includes("Both when and ifExists"));
      const noKeys = await rejected(videos.insert({}));
      assertEquals((noKeys as Error).message, "Expected object with keys");
      const noTable = await rejected(videos.get({ title: "x" }));
      assert(String((noTable as Error).message).startsWith("No table matches the filter"));
      // The failed shape is not kept: once the document is right, the same call shape works.
      await videos.insert({ videoId: 9, title: "nine" });
      assertEquals((await videos.get({ videoId: 9 }))?.title, "nine");
      const handler = videos.mapWithQuery("SELECT * FROM videos WHERE video_id = ?", () => {
        throw new RangeError("from the params handler");
      });
      assert(await rejected(handler({})) instanceof RangeError);
      const server = await rejected(
        videos.mapWithQuery("SELECT nope FROM videos", () => [])({}),
      );
      assert(server instanceof errors.ResponseError);
    });
  },
});

Deno.test({
  name: "compat mapping: a batch's remove item deletes, after an update item of the same shape",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withKeyspace(async (client) => {
      const mapper = new Mapper(client, {
        models: { Video: { tables: ["videos"], mappings: new UnderscoreCqlToCamelCaseMappings() } },
      });
      const videos = mapper.forModel<Video>("Video");
      await videos.insert({ videoId: 1, title: "one" });
      await videos.insert({ videoId: 2, title: "two" });
      // cassandra-driver 4.10 keys both items' statements in one cache, and would run the UPDATE
      // for the remove item too (the same document shape gives the same key).
      const r = await mapper.batch([
        videos.batching.update({ videoId: 1, title: "uno" }),
        videos.batching.remove({ videoId: 2, title: "two" }),
      ]);
      assertEquals(r.wasApplied(), true);
      assertEquals((await videos.get({ videoId: 1 }))?.title, "uno");
      assertEquals(await videos.get({ videoId: 2 }), null);
    });
  },
});

Deno.test({
  name: "compat mapping: a mapper over a client that cannot connect rejects each call",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // Port 1 of a loopback address nothing listens on.
    const client = new Client({
      contactPoints: ["127.0.0.1:1"],
      localDataCenter: "datacenter1",
      keyspace: "mapping_none",
    });
    try {
      const m = new Mapper(client).forModel("t");
      for (let i = 0; i < 2; i++) {
        const e = await m.get({ id: 1 }).then(() => null, (x: unknown) => x);
        assert(e instanceof errors.NoHostAvailableError, `call ${i}: ${e}`);
      }
      const all = await m.findAll().then(() => null, (x: unknown) => x);
      assert(all instanceof errors.NoHostAvailableError, `findAll: ${all}`);
    } finally {
      await client.shutdown();
    }
  },
});
