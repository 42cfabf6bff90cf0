/**
 * `client.getState()`: a snapshot of the nodes with open connections, as cassandra-driver's
 * `metadata.ClientState`.
 *
 * @module
 */
import { ArgumentError } from "./errors.ts";
import type { Host, HostMap } from "./hosts.ts";

/** The nodes the client has connections to, and per node the connections and requests. */
export class ClientState {
  readonly #hosts: Host[];
  readonly #open: Record<string, number>;
  readonly #inFlight: Record<string, number>;

  /** A snapshot; see {@link ClientState.from}. */
  constructor(hosts: Host[], open: Record<string, number>, inFlight: Record<string, number>) {
    this.#hosts = hosts;
    this.#open = open;
    this.#inFlight = inFlight;
  }

  /** The snapshot of `hosts` now: only nodes with an open connection are listed. */
  static from(hosts: HostMap): ClientState {
    const list: Host[] = [];
    const open: Record<string, number> = {};
    const inFlight: Record<string, number> = {};
    for (const h of hosts.values()) {
      const n = h.getOpenConnections();
      if (n === 0) continue;
      list.push(h);
      open[h.address] = n;
      inFlight[h.address] = h.getInFlight();
    }
    return new ClientState(list, open, inFlight);
  }

  /** The nodes with at least one open connection. */
  getConnectedHosts(): Host[] {
    return this.#hosts;
  }

  /** Open connections to `host`. */
  getOpenConnections(host: Host): number {
    if (!host) throw new ArgumentError("Host is not defined");
    return this.#open[host.address] || 0;
  }

  /** Requests in flight on `host`. */
  getInFlightQueries(host: Host): number {
    if (!host) throw new ArgumentError("Host is not defined");
    return this.#inFlight[host.address] || 0;
  }

  /** As cassandra-driver writes it: hosts, openConnections and inFlightQueries as JSON. */
  toString(): string {
    return `{"hosts": ${JSON.stringify(this.#hosts.map((h) => h.address))}, "openConnections": ${
      JSON.stringify(this.#open)
    }, "inFlightQueries": ${JSON.stringify(this.#inFlight)}}`;
  }
}
