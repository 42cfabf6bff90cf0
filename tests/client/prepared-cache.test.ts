/**
 * The prepared statement cache on its own: what `peek` answers as statements are prepared and
 * re-prepared. The connection is a stand-in that answers PREPARE with a fresh id each time (a
 * pure unit test of the cache; the real server's side is in prepared.test.ts).
 */
import { PreparedCache } from "../../src/client/prepared.ts";
import type { Connection } from "../../src/connection/connection.ts";
import type { Response } from "../../src/protocol/responses.ts";
import { assert, assertEquals } from "../support/assert.ts";

function preparingConnection(): { conn: Connection; prepared: () => number } {
  let n = 0;
  const conn = {
    protocolVersion: 4,
    send(_encode: unknown, decode: (r: Response) => unknown) {
      n++;
      const response = {
        message: {
          kind: "prepared",
          id: new Uint8Array([n]),
          resultMetadataId: null,
          variables: { columns: [], partitionKeyIndexes: [] },
          resultMetadata: { columns: null },
        },
      } as unknown as Response;
      return Promise.resolve().then(() => decode(response));
    },
  } as unknown as Connection;
  return { conn, prepared: () => n };
}

Deno.test("prepared cache: peek sees the statement once ready, and the new one after a re-prepare", async () => {
  const cache = new PreparedCache();
  const { conn, prepared } = preparingConnection();
  const opts = {};
  assertEquals(cache.peek("SELECT 1", "ks"), undefined);
  const first = await cache.get(conn, "SELECT 1", "ks", opts);
  // get resolves before the ready map is filled by its own reaction: one more turn.
  await Promise.resolve();
  assert(cache.peek("SELECT 1", "ks") === first, "peek after prepare");
  // Twice in a row, the second from the remembered hit; other keyspaces and queries differ.
  assert(cache.peek("SELECT 1", "ks") === first, "peek again");
  assertEquals(cache.peek("SELECT 1", "other"), undefined);
  assertEquals(cache.peek("SELECT 1", undefined), undefined);
  assertEquals(cache.peek("SELECT 2", "ks"), undefined);

  const again = await cache.reprepare(conn, "SELECT 1", "ks", opts);
  await Promise.resolve();
  assert(again !== first, "a re-prepare makes a new statement");
  assertEquals(prepared(), 2);
  assert(cache.peek("SELECT 1", "ks") === again, "peek returns the re-prepared statement");
  assertEquals(cache.peek("SELECT 1", "ks")?.id, new Uint8Array([2]));

  const other = await cache.get(conn, "SELECT 2", undefined, opts);
  await Promise.resolve();
  assert(cache.peek("SELECT 2", undefined) === other);
  assert(cache.peek("SELECT 1", "ks") === again, "the first statement is still found");
});
