/**
 * The samples of docs/tls.md, type-checked by `deno check docs/samples/` (not run).
 *
 * @module
 */
import { Client, type ClientTlsOptions } from "../../mod.ts";

export function systemRoots(): Client {
  // The server's certificate is signed by a public CA and names the host connected to.
  return new Client({ contactPoints: ["cassandra.example.com"], tls: true });
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
