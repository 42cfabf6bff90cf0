/**
 * Shared setup of the metadata tests: a client of the main local node, a {@link SchemaQuery}
 * over it that reads every page (the full schema has more rows than one page holds), one that
 * counts what it is asked, and keyspaces of our own (`meta_*`: the node is shared).
 *
 * @module
 */
import { Client } from "../../mod.ts";
import type { SchemaQuery } from "../../src/metadata/loader.ts";
import { ensureCassandra } from "../support/cassandra.ts";

/** A connected client of the main node (started when nothing answers). */
export async function metaClient(): Promise<Client> {
  await ensureCassandra();
  const client = new Client({ contactPoints: ["127.0.0.1"] });
  await client.connect();
  return client;
}

/** Runs schema queries on `client`, all pages of each. */
export function clientQuery(client: Client): SchemaQuery {
  return async (cql, params) => {
    const rows: Record<string, unknown>[] = [];
    for await (const row of client.stream(cql, params ?? [])) rows.push(row);
    return rows;
  };
}

/** A query function that records the statements it runs, and can be made to fail. */
export interface CountingQuery {
  /** The query function to hand out. */
  readonly query: SchemaQuery;
  /** Every statement run so far. */
  readonly log: string[];
  /** While set, each call rejects with this error instead of querying. */
  failWith: Error | null;
}

/** Wraps `inner` to count its calls. */
export function counting(inner: SchemaQuery): CountingQuery {
  const c: CountingQuery = {
    log: [],
    failWith: null,
    query: (cql, params) => {
      c.log.push(cql);
      if (c.failWith !== null) return Promise.reject(c.failWith);
      return inner(cql, params);
    },
  };
  return c;
}

/** Drops and creates keyspace `name` (SimpleStrategy, one replica). */
export async function freshKeyspace(client: Client, name: string): Promise<void> {
  await client.execute(`DROP KEYSPACE IF EXISTS ${name}`);
  await client.execute(
    `CREATE KEYSPACE ${name} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
}

/** Runs statements one after the other. */
export async function run(client: Client, statements: readonly string[]): Promise<void> {
  for (const s of statements) await client.execute(s);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
