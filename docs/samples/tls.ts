/**
 * The samples of docs/tls.md, type-checked by `deno check docs/samples/` (not run).
 *
 * @module
 */
import { Client, type ClientTlsOptions, ConnectionError, NoHostAvailableError } from "../../mod.ts";

export function systemRoots(): Client {
  return new Client({
    contactPoints: ["cassandra.example.com"],
    localDataCenter: "dc1",
    // The runtime's default roots (no `ca`). The name is resolved to the nodes' addresses before
    // connecting, so give it as `serverName` when the certificate names the host, not its IP.
    tls: { serverName: "cassandra.example.com" },
  });
}

export function privateCa(caPem: string): Client {
  return new Client({
    contactPoints: ["10.0.0.1", "10.0.0.2"],
    localDataCenter: "dc1",
    tls: {
      ca: caPem, // PEM; a string[] for several
      serverName: "cassandra.internal.example.com", // SNI and the name checked, for every node
    },
  });
}

export function mutualTls(caPem: string, certPem: string, keyPem: string): Client {
  return new Client({
    contactPoints: ["10.0.0.1"],
    localDataCenter: "dc1",
    tls: { ca: caPem, cert: certPem, key: keyPem },
  });
}

export function testCluster(caPem: string): ClientTlsOptions {
  // IP-only certificates of a test cluster: the chain is still verified against `ca`.
  return { ca: caPem, checkServerIdentity: false };
}

export async function fromFiles(): Promise<Client> {
  // Deno; on Node and Bun: readFile from node:fs/promises, with "utf8".
  const tls = {
    ca: await Deno.readTextFile("ca.pem"),
    cert: await Deno.readTextFile("client.pem"),
    key: await Deno.readTextFile("client.key"),
  };
  return new Client({ contactPoints: ["10.0.0.1"], localDataCenter: "dc1", tls });
}

export function worker(host: string): Client {
  // Cloudflare Workers: a certificate from a public CA for `host`, verified against
  // Cloudflare's roots with `host` as SNI. `tls: true` is the same as `tls: {}`.
  return new Client({ contactPoints: [host], localDataCenter: "dc1", tls: true });
}

export async function certificateProblem(client: Client): Promise<void> {
  try {
    await client.connect();
  } catch (e) {
    if (!(e instanceof NoHostAvailableError)) throw e;
    for (const [address, error] of e.errors) {
      // A ConnectionError whose cause is the transport's error: kind "tls" for a failed
      // handshake (unknown CA, name mismatch, refused client certificate), "unsupported" for
      // options the runtime cannot honour.
      const kind = error instanceof ConnectionError
        ? (error.cause as { kind?: string } | undefined)?.kind
        : undefined;
      console.error(address, kind, error.message);
    }
  }
}

export async function local(): Promise<void> {
  // Made by `npm run cassandra -- start --name tls --address 127.0.0.21 --tls`.
  const dir = ".cache/cassandra/clusters/tls/tls";
  const client = new Client({
    contactPoints: ["127.0.0.21"],
    localDataCenter: "datacenter1",
    tls: { ca: await Deno.readTextFile(`${dir}/ca.pem`) },
  });
  const rs = await client.execute("SELECT release_version FROM system.local");
  console.log(rs.first()?.release_version, rs.info.queriedHost);
  await client.close();
}
