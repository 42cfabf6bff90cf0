/**
 * What every consumer program does with the package it imported by name: connect with LZ4 on,
 * run one query and stream one multi-page result. Takes the Client class from the caller so the
 * caller's own import (ESM, `require`, a Worker bundle) is the one under test.
 *
 * Plain JavaScript, run only inside the temporary consumer apps (where "@cql/driver" is installed),
 * never in the repository.
 *
 * @module
 */

/** Rows per page of the stream: small, so system_schema.columns takes several pages. */
export const PAGE_SIZE = 50;

/**
 * @param {new (options: object) => any} Client the package's Client
 * @param {string} contact "host:port" of the node (the tap in front of it)
 * @param {object} [extra] more client options (the Worker's lz4Wasm)
 */
export async function exercise(Client, contact, extra = {}) {
  const client = new Client({
    contactPoints: [contact],
    localDataCenter: "datacenter1",
    compression: "lz4",
    ...extra,
  });
  try {
    const rs = await client.execute("SELECT release_version FROM system.local");
    const releaseVersion = rs.first()?.release_version;
    let streamed = 0;
    let named = 0;
    const query = "SELECT keyspace_name, table_name, column_name FROM system_schema.columns";
    for await (const row of client.stream(query, [], { pageSize: PAGE_SIZE })) {
      streamed++;
      if (typeof row.column_name === "string" && row.column_name.length > 0) named++;
    }
    return { releaseVersion, streamed, named, protocolVersion: client.protocolVersion };
  } finally {
    await client.close();
  }
}
