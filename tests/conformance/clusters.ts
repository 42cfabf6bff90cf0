/**
 * The servers the conformance suite talks to: the main node and the TLS cluster (started here
 * when they do not answer), with the TLS cluster's PEMs inlined so runners on other runtimes need
 * neither the launcher (Deno-only) nor file access (workerd has none).
 *
 * As a script (`deno run -A tests/conformance/clusters.ts`) it prints the JSON that env.mjs reads
 * for the Bun and Node runners.
 *
 * @module
 */
import { ensureCassandra, ensureCluster } from "../support/cassandra.ts";

/** The same TLS cluster tests/client uses: one name, one address, shared by every suite. */
const TLS_CLUSTER = { name: "tls", address: "127.0.0.21", tls: true, heapMb: 512 } as const;

/** What every runner passes into the checks' context. */
export interface ConformanceServers {
  /** "host:port" of the main node. */
  contact: string;
  /**
   * The TLS cluster: its address, the PEM text of its CA and of an unrelated CA, and a client
   * certificate when the running cluster demands one.
   */
  tls: { contact: string; caPem: string; otherCaPem: string; certPem?: string; keyPem?: string };
}

/** Ensures both servers answer and describes them. */
export async function conformanceServers(): Promise<ConformanceServers> {
  const [main, tls] = await Promise.all([ensureCassandra(), ensureCluster({ ...TLS_CLUSTER })]);
  if (!tls.tls) throw new Error("the tls cluster has no TLS material");
  const node = tls.nodes[0];
  return {
    contact: `${main.host}:${main.port}`,
    tls: {
      contact: `${node.address}:${node.port}`,
      caPem: await Deno.readTextFile(tls.tls.caPem),
      otherCaPem: await Deno.readTextFile(tls.tls.otherCaPem),
      // The launcher reuses a running "tls" cluster without comparing clientAuth, so one started
      // with it (against the address table) would fail the handshake for an unrelated reason.
      ...(tls.tls.clientAuth
        ? {
          certPem: await Deno.readTextFile(tls.tls.clientCertPem),
          keyPem: await Deno.readTextFile(tls.tls.clientKeyPem),
        }
        : {}),
    },
  };
}

if (import.meta.main) console.log(JSON.stringify(await conformanceServers()));
