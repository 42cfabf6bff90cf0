/**
 * Contact points given by name: each address the name resolves to is a contact point of its own
 * (a DNS name in front of a cluster usually lists several nodes).
 *
 * @module
 */
import { fromNodeModule } from "../transport/node-module.ts";
import type { Endpoint } from "./address-translator.ts";

type Lookup = (host: string, options: { all: true }) => Promise<{ address: string }[]>;

// node:dns is in Node, Bun and Deno; workerd has no resolver, and connects to names itself.
const nodeLookup = fromNodeModule<Lookup>("node:dns", (m) => {
  const promises = m.promises as { lookup?: unknown } | undefined;
  return typeof promises?.lookup === "function" ? promises.lookup as Lookup : undefined;
});

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** True for an IPv4 or IPv6 literal, which needs no resolution. */
export function isIpLiteral(host: string): boolean {
  return IPV4.test(host) || host.includes(":");
}

/**
 * Every endpoint of the contact points: IP literals as they are, names as each address they
 * resolve to (in resolver order, duplicates dropped); a name that cannot be resolved here is kept
 * as it is, for the transport to resolve (or to fail on, naming it).
 */
export async function resolveContactPoints(
  points: readonly Endpoint[],
  lookup?: (host: string) => Promise<string[]>,
): Promise<Endpoint[]> {
  const out: Endpoint[] = [];
  const seen = new Set<string>();
  const add = (host: string, port: number) => {
    const key = `${host}|${port}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ host, port });
  };
  for (const p of points) {
    if (isIpLiteral(p.host)) {
      add(p.host, p.port);
      continue;
    }
    let addresses: string[] = [];
    try {
      if (lookup !== undefined) addresses = await lookup(p.host);
      else {
        const l = await nodeLookup();
        if (l !== undefined) addresses = (await l(p.host, { all: true })).map((a) => a.address);
      }
    } catch { /* unresolvable here: the transport will say why */ }
    if (addresses.length === 0) add(p.host, p.port);
    for (const a of addresses) add(a, p.port);
  }
  return out;
}
