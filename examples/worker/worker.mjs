/**
 * A Cloudflare Worker that streams rows to the browser as NDJSON: `GET /?keyspace=name` answers
 * one JSON line per table of that keyspace, read page by page as the browser takes them (the
 * response body pulls the next row only when the client is ready for more), with a client per
 * request, as Workers tie sockets to the request that opened them. `CQL_CONTACT` ("host:port",
 * reachable from the Worker) comes from the environment (wrangler.toml).
 *
 * @module
 */
import { Client } from "@cql/driver";

const encoder = new TextEncoder();

export default {
  /**
   * @param {Request} request
   * @param {{ CQL_CONTACT: string, CQL_DATA_CENTER?: string }} env
   */
  fetch(request, env) {
    const keyspace = new URL(request.url).searchParams.get("keyspace") ?? "system_schema";
    const client = new Client({
      contactPoints: [env.CQL_CONTACT],
      localDataCenter: env.CQL_DATA_CENTER ?? "datacenter1",
      // Edge cold starts: read the schema only if asked for it.
      schemaMetadata: false,
    });
    const rows = client.stream(
      "SELECT keyspace_name, table_name FROM system_schema.tables WHERE keyspace_name = ?",
      [keyspace],
      { pageSize: 100 },
    );
    const body = new ReadableStream({
      async pull(controller) {
        try {
          const { value, done } = await rows.next();
          if (done) {
            controller.close();
            await client.close();
          } else {
            controller.enqueue(encoder.encode(JSON.stringify(value) + "\n"));
          }
        } catch (e) {
          controller.error(e);
          await client.close();
        }
      },
      async cancel() {
        // The browser went away: stop fetching pages.
        await rows.return?.();
        await client.close();
      },
    });
    return new Response(body, { headers: { "content-type": "application/x-ndjson" } });
  },
};
