/**
 * `client.hosts` as cassandra-driver gives it: a HostMap of Host objects keyed by "host:port".
 *
 * @module
 */
import type { HostInfo } from "../client/policies/load-balancing.ts";
import { EventEmitter } from "./events.ts";
import { Uuid } from "./types/uuid.ts";

/** A node of the cluster. */
export class Host extends EventEmitter {
  /** "host:port". */
  readonly address: string;
  /** The node's data center. */
  readonly datacenter: string | undefined;
  /** The node's rack. */
  readonly rack: string | undefined;
  /** The node's Cassandra version ("5.0.9"). */
  readonly cassandraVersion: string | undefined;
  /** The node's host id. */
  readonly hostId: Uuid | undefined;
  /** The node's tokens. */
  readonly tokens: readonly string[];
  readonly #info: () => HostInfo | undefined;

  /** Built by the client from a native host, which `current` reads afresh. */
  constructor(info: HostInfo, current: () => HostInfo | undefined) {
    super();
    this.address = info.address;
    this.datacenter = info.datacenter;
    this.rack = info.rack;
    this.cassandraVersion = info.releaseVersion;
    this.hostId = info.hostId ? Uuid.fromString(info.hostId) : undefined;
    this.tokens = info.tokens ?? [];
    this.#info = current;
  }

  /** Whether the node is considered up. */
  isUp(): boolean {
    return this.#info()?.isUp ?? false;
  }

  /** Whether the node is up or may be tried. */
  canBeConsideredAsUp(): boolean {
    return this.isUp();
  }

  /** Requests in flight on the node. */
  getInFlight(): number {
    return this.#info()?.inFlight ?? 0;
  }

  /** Open connections to the node (the native host counts them; 0 when it does not say). */
  getOpenConnections(): number {
    const info = this.#info() as (HostInfo & { openConnections?: number }) | undefined;
    return info?.openConnections ?? 0;
  }

  /** The version as numbers ([5, 0, 9]). */
  getCassandraVersion(): number[] {
    if (!this.cassandraVersion) return [];
    return this.cassandraVersion.split("-")[0].split(".").map((x) => parseInt(x, 10));
  }
}

/** The nodes by address. */
export class HostMap extends EventEmitter {
  readonly #map = new Map<string, Host>();

  /** Built by the client. */
  constructor(hosts: Iterable<Host>) {
    super();
    for (const h of hosts) this.#map.set(h.address, h);
  }

  /** The number of nodes. */
  get length(): number {
    return this.#map.size;
  }

  /** The node at "host:port". */
  get(key: string): Host | undefined {
    return this.#map.get(key);
  }

  /** The addresses. */
  keys(): string[] {
    return [...this.#map.keys()];
  }

  /** The nodes. */
  values(): Host[] {
    return [...this.#map.values()];
  }

  /** Calls `callback(host, address)` for each node. */
  forEach(callback: (value: Host, key: string) => void): void {
    for (const [k, v] of this.#map) callback(v, k);
  }

  /** The nodes as an object by address. */
  toJSON(): Record<string, Host> {
    return Object.fromEntries(this.#map);
  }
}
