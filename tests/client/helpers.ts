/**
 * Shared setup for the public Client integration tests: the clusters they use, the client
 * configuration matrix (protocol v4/v5 × LZ4 on/off × auth on/off) and per-file keyspaces.
 *
 * @module
 */
import { Client } from "../../mod.ts";
import { ensureCassandra, ensureCluster } from "../support/cassandra.ts";

/** What `new Client(...)` accepts. */
export type ClientOptions = ConstructorParameters<typeof Client>[0];

/** The extra clusters, each on its own loopback address (shared with other suites). */
export const AUTH_CLUSTER = {
  name: "auth",
  address: "127.0.0.31",
  auth: true,
  heapMb: 512,
} as const;
export const TLS_CLUSTER = { name: "tls", address: "127.0.0.21", tls: true, heapMb: 512 } as const;
export const MTLS_CLUSTER = {
  name: "mtls",
  address: "127.0.0.22",
  tls: true,
  clientAuth: true,
  heapMb: 512,
} as const;
export const FREEZE_CLUSTER = { name: "freeze", address: "127.0.0.41", heapMb: 512 } as const;

/** The superuser of the auth cluster. */
export const SUPERUSER = { username: "cassandra", password: "cassandra" } as const;

/** "host:port" of the main node. */
export async function mainContact(): Promise<string> {
  const { host, port } = await ensureCassandra();
  return `${host}:${port}`;
}

/** "host:port" of the auth cluster's node. */
export async function authContact(): Promise<string> {
  const info = await ensureCluster({ ...AUTH_CLUSTER });
  return `${info.nodes[0].address}:${info.nodes[0].port}`;
}

/** Which cluster a configuration talks to. */
export type Target = "main" | "auth";

/** One cell of the configuration matrix. */
export interface MatrixEntry {
  /** E.g. "v5+lz4+auth". */
  name: string;
  protocolVersion: 4 | 5;
  lz4: boolean;
  auth: boolean;
  target: Target;
}

/** All 8 configurations: protocol v4/v5 × LZ4 on/off × auth on/off. */
export function matrix(): MatrixEntry[] {
  const out: MatrixEntry[] = [];
  for (const protocolVersion of [5, 4] as const) {
    for (const lz4 of [false, true]) {
      for (const auth of [false, true]) {
        out.push({
          name: `v${protocolVersion}${lz4 ? "+lz4" : ""}${auth ? "+auth" : ""}`,
          protocolVersion,
          lz4,
          auth,
          target: auth ? "auth" : "main",
        });
      }
    }
  }
  return out;
}

/** The contact point of a target. */
export function contactOf(target: Target): Promise<string> {
  return target === "auth" ? authContact() : mainContact();
}

/** Client options for a matrix cell (plus extra options). */
export async function optionsFor(
  m: MatrixEntry,
  extra: Partial<ClientOptions> = {},
): Promise<ClientOptions> {
  const opts: ClientOptions = {
    contactPoints: [await contactOf(m.target)],
    localDataCenter: "datacenter1",
    protocolVersion: m.protocolVersion,
    ...(m.lz4 ? { compression: "lz4" as const } : {}),
    ...(m.auth ? { credentials: { ...SUPERUSER } } : {}),
    ...extra,
  } as ClientOptions;
  return opts;
}

/** Default client options for a target (no forced protocol, no compression). */
export async function defaultOptions(
  target: Target = "main",
  extra: Partial<ClientOptions> = {},
): Promise<ClientOptions> {
  return {
    contactPoints: [await contactOf(target)],
    localDataCenter: "datacenter1",
    ...(target === "auth" ? { credentials: { ...SUPERUSER } } : {}),
    ...extra,
  } as ClientOptions;
}

/** Runs `fn` with a connected client, closing it afterwards whatever happens. */
export async function withClient<T>(
  opts: ClientOptions,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client(opts);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** A keyspace name unique to this run: lower case, short enough for Cassandra (48 chars). */
export function uniqueKeyspace(prefix: string): string {
  const rnd = Math.floor(Math.random() * 0xffffff).toString(36);
  return `t_${prefix}_${Date.now().toString(36)}_${rnd}`.toLowerCase().slice(0, 48);
}

/**
 * A keyspace (SimpleStrategy, RF 1) with its schema, created lazily on each target that asks
 * for it and dropped by `drop()`.
 */
export class Keyspace {
  readonly name: string;
  readonly #schema: (ks: string) => string[];
  readonly #ready = new Map<Target, Promise<void>>();

  constructor(prefix: string, schema: (ks: string) => string[] = () => []) {
    this.name = uniqueKeyspace(prefix);
    this.#schema = schema;
  }

  /** Creates the keyspace and its schema on `target` (once). */
  ready(target: Target = "main"): Promise<void> {
    let p = this.#ready.get(target);
    if (!p) {
      p = (async () => {
        const opts = await defaultOptions(target, { requestTimeout: 60_000 });
        await withClient(opts, async (c) => {
          await c.execute(
            `CREATE KEYSPACE IF NOT EXISTS ${this.name} WITH replication = ` +
              `{'class': 'SimpleStrategy', 'replication_factor': 1}`,
          );
          for (const stmt of this.#schema(this.name)) await c.execute(stmt);
        });
      })();
      // A failed setup is retried by the next caller rather than cached.
      p.catch(() => this.#ready.delete(target));
      this.#ready.set(target, p);
    }
    return p;
  }

  /** Drops the keyspace on every target where it was created. */
  async drop(): Promise<void> {
    for (const [target, p] of this.#ready) {
      try {
        await p;
      } catch {
        continue;
      }
      const opts = await defaultOptions(target, { requestTimeout: 60_000 });
      await withClient(opts, (c) => c.execute(`DROP KEYSPACE IF EXISTS ${this.name}`));
    }
    this.#ready.clear();
  }
}

/** Milliseconds since `start`. */
export function since(start: number): number {
  return performance.now() - start;
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Copies a row into a plain object, so deep equality ignores how the driver built it. */
export function plain<T extends object>(row: T | null | undefined): Record<string, unknown> {
  if (row === null || row === undefined) throw new Error("expected a row, got none");
  return { ...(row as Record<string, unknown>) };
}
