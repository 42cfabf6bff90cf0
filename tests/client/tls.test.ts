/**
 * TLS and mutual TLS through the public Client, against the `tls` and `mtls` clusters.
 */
import { Client, ConnectionError, NoHostAvailableError } from "../../mod.ts";
import { ensureCluster } from "../support/cassandra.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { type ClientOptions, MTLS_CLUSTER, TLS_CLUSTER, withClient } from "./helpers.ts";

interface Pems {
  contact: string;
  ca: string;
  cert: string;
  key: string;
  otherCa: string;
  /** The node demands a client certificate. */
  clientAuth: boolean;
}

async function pems(cluster: typeof TLS_CLUSTER | typeof MTLS_CLUSTER): Promise<Pems> {
  const info = await ensureCluster({ ...cluster });
  const tls = info.tls;
  assert(tls, `cluster ${cluster.name} has TLS material`);
  const node = info.nodes[0];
  return {
    contact: `${node.address}:${node.port}`,
    ca: await Deno.readTextFile(tls.caPem),
    cert: await Deno.readTextFile(tls.clientCertPem),
    key: await Deno.readTextFile(tls.clientKeyPem),
    otherCa: await Deno.readTextFile(tls.otherCaPem),
    clientAuth: tls.clientAuth,
  };
}

/** Every message in an error, its per-host errors and its causes. */
function describe(e: unknown, depth = 0): string {
  if (!(e instanceof Error) || depth > 5) return String(e);
  const parts = [`${e.name}: ${e.message}`];
  if (e instanceof NoHostAvailableError) {
    for (const [a, x] of e.errors) parts.push(`[${a}] ${describe(x, depth + 1)}`);
  }
  if (e.cause !== undefined) parts.push(`cause: ${describe(e.cause, depth + 1)}`);
  return parts.join(" | ");
}

/** connect() must fail with NoHostAvailableError or ConnectionError saying why. */
async function connectFails(opts: ClientOptions, why: RegExp): Promise<string> {
  const client = new Client({ connectTimeout: 5000, ...opts });
  const t0 = performance.now();
  try {
    await client.connect();
  } catch (e) {
    const text = describe(e);
    assert(
      e instanceof NoHostAvailableError || e instanceof ConnectionError,
      `expected NoHostAvailableError or ConnectionError, got ${text}`,
    );
    assert(why.test(text), `error does not say why (${why}): ${text}`);
    assert(performance.now() - t0 < 6000, "failed within the connect timeout");
    return text;
  } finally {
    await client.close();
  }
  throw new Error("connect() succeeded but should have failed");
}

async function query(client: Client): Promise<void> {
  const rs = await client.execute("SELECT release_version FROM system.local");
  assertEquals(rs.rows.length, 1);
  assert(typeof rs.first()?.release_version === "string", "release_version");
  const p = await client.execute("SELECT key FROM system.local WHERE key = ?", ["local"]);
  assertEquals(p.first()?.key, "local");
}

const CERT_PROBLEM = /certificate|cert|tls|ssl|handshake|issuer|verif/i;

Deno.test("tls: server-only TLS cluster", async (t) => {
  const p = await pems(TLS_CLUSTER);
  // The `tls` cluster is shared and started by whoever comes first. It is meant to run without
  // client authentication; if it was started with it, still test the server-side checks, with
  // the client certificate added to every connection.
  const mine = p.clientAuth ? { cert: p.cert, key: p.key } : {};
  if (p.clientAuth) {
    console.warn("  NOTE: the shared tls cluster (127.0.0.21) requires client certificates");
  }

  for (
    const [name, extra] of [
      ["v5", { protocolVersion: 5 }],
      ["v4", { protocolVersion: 4 }],
      ["v5+lz4", { protocolVersion: 5, compression: "lz4" }],
      ["v4+lz4", { protocolVersion: 4, compression: "lz4" }],
    ] as const
  ) {
    await t.step(`good CA connects and queries [${name}]`, async () => {
      await withClient(
        { contactPoints: [p.contact], tls: { ca: p.ca, ...mine }, ...extra },
        async (c) => {
          await query(c);
          assertEquals(c.protocolVersion, extra.protocolVersion);
        },
      );
    });
  }

  await t.step({
    name: "the CA as an array, serverName localhost (a DNS SAN)",
    // Deno cannot send a client certificate with a serverName other than the host.
    ignore: p.clientAuth,
    fn: async () => {
      await withClient(
        {
          contactPoints: [p.contact],
          tls: { ca: [p.otherCa, p.ca], serverName: "localhost", ...mine },
        },
        query,
      );
    },
  });

  await t.step("wrong CA fails with a certificate error", async () => {
    const text = await connectFails(
      { contactPoints: [p.contact], tls: { ca: p.otherCa, ...mine } },
      CERT_PROBLEM,
    );
    console.log(`  ${text.slice(0, 300)}`);
  });

  await t.step({
    name: "wrong host name fails",
    // Deno cannot send a client certificate with a serverName other than the host.
    ignore: p.clientAuth,
    fn: async () => {
      const text = await connectFails(
        { contactPoints: [p.contact], tls: { ca: p.ca, serverName: "wrong.example", ...mine } },
        /certificate|cert|name|host|tls|ssl|handshake|verif/i,
      );
      console.log(`  ${text.slice(0, 300)}`);
    },
  });

  await t.step({
    name: "checkServerIdentity: false connects despite the wrong name",
    // Deno cannot send a client certificate with a serverName other than the host.
    ignore: p.clientAuth,
    fn: async () => {
      await withClient(
        {
          contactPoints: [p.contact],
          tls: { ca: p.ca, serverName: "wrong.example", checkServerIdentity: false, ...mine },
        },
        query,
      );
    },
  });

  await t.step("checkServerIdentity: false still checks the CA", async () => {
    await connectFails(
      { contactPoints: [p.contact], tls: { ca: p.otherCa, checkServerIdentity: false, ...mine } },
      CERT_PROBLEM,
    );
  });

  await t.step("a plain-text client against the TLS port fails instead of hanging", async () => {
    const client = new Client({ contactPoints: [p.contact], connectTimeout: 3000 });
    const t0 = performance.now();
    try {
      await client.connect();
      throw new Error("plain-text connect to a TLS port succeeded");
    } catch (e) {
      assert(
        e instanceof NoHostAvailableError || e instanceof ConnectionError,
        `got ${describe(e)}`,
      );
      assert(performance.now() - t0 < 4500, `took ${Math.round(performance.now() - t0)} ms`);
    } finally {
      await client.close();
    }
  });
});

Deno.test("tls: mutual TLS cluster", async (t) => {
  const p = await pems(MTLS_CLUSTER);

  await t.step("without a client certificate: fails", async () => {
    const text = await connectFails(
      { contactPoints: [p.contact], tls: { ca: p.ca } },
      /certificate|cert|tls|ssl|handshake|closed|reset|eof|alert/i,
    );
    console.log(`  ${text.slice(0, 300)}`);
  });

  for (const v of [5, 4] as const) {
    await t.step(`with cert + key: connects and queries [v${v}]`, async () => {
      await withClient(
        {
          contactPoints: [p.contact],
          tls: { ca: p.ca, cert: p.cert, key: p.key },
          protocolVersion: v,
          compression: "lz4",
        },
        async (c) => {
          await query(c);
          assertEquals(c.protocolVersion, v);
        },
      );
    });
  }

  await t.step("with cert + key but the wrong CA: fails", async () => {
    await connectFails(
      { contactPoints: [p.contact], tls: { ca: p.otherCa, cert: p.cert, key: p.key } },
      CERT_PROBLEM,
    );
  });
});
