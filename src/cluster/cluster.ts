/**
 * The cluster as one client knows it: its nodes (found from the contact points through the
 * control connection), their distances and pools, node events for applications, and schema
 * agreement.
 *
 * @module
 */
import {
  type Connection,
  type ConnectionOptions,
  formatAddress,
} from "../connection/connection.ts";
import { NoHostAvailableError } from "../errors.ts";
import type { EventMessage } from "../protocol/responses.ts";
import { InvalidQueryError } from "../protocol/server-errors.ts";
import type { AddressTranslator, Endpoint } from "./address-translator.ts";
import { Coalescer } from "./coalescer.ts";
import { ControlConnectError, ControlConnection } from "./control-connection.ts";
import { type ClientEvents, Emitter } from "./events.ts";
import { type Log, logTo } from "./log.ts";
import { Host, type HostDistance } from "./host.ts";
import type { ReconnectionPolicy } from "./reconnection.ts";
import { resolveContactPoints } from "./resolve.ts";
import { TokenMap } from "../routing/token-map.ts";
import { awaitAgreement, schemaVersions } from "./schema-agreement.ts";
import { querySystem } from "./system-query.ts";
import {
  LOCAL_QUERY,
  localRecord,
  type NodeRecord,
  peerRecord,
  PEERS_QUERY,
  PEERS_V2_QUERY,
} from "./topology.ts";

/** The client options the cluster reads. */
export interface ClusterOptions {
  readonly contactPoints: readonly Endpoint[];
  /** The data center whose nodes serve requests; inferred from the first node when absent. */
  readonly localDataCenter?: string | undefined;
  /** Nodes per remote data center that may serve when no local node can. */
  readonly remoteDcHosts: number;
  readonly addressTranslator?: AddressTranslator | undefined;
  readonly reconnection: ReconnectionPolicy;
  /** Milliseconds to wait for schema agreement after a schema change. */
  readonly maxSchemaAgreementWait: number;
  /** Milliseconds a request may wait (0: no limit); system queries wait at least 10 s. */
  readonly requestTimeout: number;
  /** Connections per local node. */
  readonly connectionsPerHost: number;
}

/** What the cluster needs from the client besides its options. */
export interface ClusterHooks {
  connectionOptions(): Omit<ConnectionOptions, "host" | "port" | "onClose" | "onEvent">;
  initConnection(conn: Connection, host: Host): Promise<void>;
  prepareAll(conn: Connection): Promise<void>;
  /** The control connection negotiated its protocol version: every other one speaks it. */
  negotiated(conn: Connection): void;
}

/** The nodes and the control connection of one client. */
export class Cluster {
  readonly #ctx: ClusterOptions & ClusterHooks & { readonly queryTimeout: number };
  readonly events: Emitter<ClientEvents> = new Emitter();
  /** The driver's log (`log` events); free while nobody listens. */
  readonly log: Log = logTo(this.events);
  readonly #control: ControlConnection;
  readonly #refresh: Coalescer;
  #hosts: Host[] = [];
  /** The nodes that may serve requests (not ignored); replaced, never changed in place. */
  planHosts: readonly Host[] = [];
  /** The reported CQL endpoint ("host:port") of each node, to find it from an event. */
  #byReported = new Map<string, Host>();
  #localDc: string | undefined;
  #peersQuery = PEERS_V2_QUERY;
  #partitioner: string | undefined;
  #replication = new Map<string, Record<string, string>>();
  readonly #keyspaceRefresh: Coalescer;
  /**
   * Where each partition lives: rebuilt when the topology or a keyspace's replication changes;
   * undefined before the first topology read and for partitioners that cannot be routed by.
   */
  tokenMap: TokenMap<Host> | undefined;
  #initialized = false;
  #closed = false;

  /** A cluster that knows only its contact points (resolved at connect). */
  constructor(options: ClusterOptions, hooks: ClusterHooks) {
    // System queries may wait longer than a request: a node just restarted, or busy, answers
    // them slowly, and a control connection that gives up on them moves for nothing.
    const queryTimeout = Math.max(options.requestTimeout || 12_000, 10_000);
    const ctx = { ...options, ...hooks, queryTimeout };
    this.#ctx = ctx;
    this.#localDc = ctx.localDataCenter;
    const hostContext = {
      connectionOptions: () => ctx.connectionOptions(),
      initConnection: (c: Connection, h: Host) => ctx.initConnection(c, h),
      prepareAll: (c: Connection) => ctx.prepareAll(c),
      poolSize: (d: HostDistance) =>
        d === "local" ? ctx.connectionsPerHost : d === "remote" ? 1 : 0,
      reconnection: ctx.reconnection,
      log: this.log,
      onUp: (h: Host) => {
        this.#control.ensure();
        this.log("info", `${h.address} is up`, h.address);
        this.events.emit("hostUp", h);
      },
      onDown: (h: Host) => {
        if (this.#control.host === h) this.#control.connection?.destroy();
        this.log("warning", `${h.address} is down`, h.address, h.lastError);
        this.events.emit("hostDown", h);
      },
    };
    this.#newHost = (host, port) => new Host(host, port, hostContext);
    this.#control = new ControlConnection({
      connectionOptions: () => ctx.connectionOptions(),
      candidates: () => this.#controlCandidates(),
      onConnected: (conn, host) => this.#readTopology(conn, host),
      onEvent: (e) => this.#onEvent(e),
      reconnection: ctx.reconnection,
      log: this.log,
    });
    this.#refresh = new Coalescer(() => this.#refreshTopology(), () => {});
    this.#keyspaceRefresh = new Coalescer(() => this.#refreshKeyspaces(), () => {});
  }

  readonly #newHost: (host: string, port: number) => Host;

  /** Every known node. */
  get hosts(): readonly Host[] {
    return this.#hosts;
  }

  /** The data center whose nodes serve requests (inferred after connect when not given). */
  get localDataCenter(): string | undefined {
    return this.#localDc;
  }

  /** The node the control connection is on. */
  get controlHost(): Host | null {
    return this.#control.host;
  }

  /** How many control connections were opened so far. */
  get controlConnections(): number {
    return this.#control.opened;
  }

  /**
   * Resolves the contact points, opens the control connection (reading every node), then the
   * pools of the local nodes. Rejects with {@link NoHostAvailableError}, or the server's
   * AuthenticationError.
   */
  async connect(): Promise<void> {
    if (this.#hosts.length === 0) {
      const seen = new Set<string>();
      for (const ep of await resolveContactPoints(this.#ctx.contactPoints)) {
        const h = this.#newHost(ep.host, ep.port);
        if (seen.has(h.address)) continue;
        seen.add(h.address);
        h.contactPoint = true;
        this.#hosts.push(h);
      }
      this.#computeDistances();
    }
    try {
      await this.#control.connect();
    } catch (e) {
      if (e instanceof ControlConnectError) throw new NoHostAvailableError(e.errors);
      throw e;
    }
    this.#initialized = true;
    const local = this.#hosts.filter((h) => h.distance === "local");
    if (local.length === 0) {
      const where = this.#hosts.map((h) => `${h.address} is in ${h.datacenter}`).join(", ");
      throw new NoHostAvailableError(
        new Map(),
        `no node is in localDataCenter "${this.#localDc}" (${where})`,
      );
    }
    const opened = await Promise.all(local.map((h) => h.fill()));
    for (const h of this.#hosts) if (h.distance === "remote") h.fill().catch(() => {});
    if (!opened.some((ok) => ok)) {
      throw new NoHostAvailableError(
        new Map(local.map((h) => [h.address, h.lastError ?? new Error("no connection")])),
      );
    }
  }

  #controlCandidates(): Host[] {
    const rank = (h: Host) =>
      (h.isUp ? 0 : 4) + (h.distance === "local" ? 0 : h.distance === "remote" ? 1 : 2);
    // Sorting is stable: among equals, the order the cluster listed them in.
    const hosts = this.#hosts.slice();
    return hosts.sort((a, b) => rank(a) - rank(b));
  }

  async #refreshTopology(): Promise<void> {
    const conn = this.#control.connection, host = this.#control.host;
    if (conn === null || host === null) return;
    await this.#readTopology(conn, host);
  }

  /** Reads system.local and the peers on `conn` (to `via`) and applies them. */
  async #readTopology(conn: Connection, via: Host): Promise<void> {
    this.#ctx.negotiated(conn);
    const timeout = this.#ctx.queryTimeout;
    const [localRows, peerRows, keyspaceRows] = await Promise.all([
      querySystem(conn, LOCAL_QUERY, timeout),
      this.#peers(conn, timeout),
      querySystem(conn, KEYSPACES_QUERY, timeout).catch(() => null),
    ]);
    const local = localRecord(localRows[0]);
    const peers: NodeRecord[] = [];
    for (const row of peerRows) {
      const r = peerRecord(row as Record<string, unknown>, via.port);
      if (r !== null) peers.push(r);
    }
    const l = localRows[0] as Record<string, unknown> | undefined;
    const reported = typeof l?.rpc_address === "string"
      ? formatAddress(l.rpc_address, typeof l.rpc_port === "number" ? l.rpc_port : via.port)
      : via.address;
    if (typeof l?.partitioner === "string") this.#partitioner = l.partitioner;
    if (keyspaceRows !== null) this.#replication = replicationOf(keyspaceRows);
    this.#apply(via, local, reported, peers);
    this.#buildTokenMap();
  }

  /** Reads every keyspace's replication again (after a keyspace was created, altered, dropped). */
  async #refreshKeyspaces(): Promise<void> {
    const conn = this.#control.connection;
    if (conn === null) return;
    const rows = await querySystem(conn, KEYSPACES_QUERY, this.#ctx.queryTimeout);
    this.#replication = replicationOf(rows);
    const map = this.tokenMap;
    if (map !== undefined) this.tokenMap = map.withKeyspaces(this.#replication);
    else this.#buildTokenMap();
  }

  #buildTokenMap(): void {
    if (this.#partitioner === undefined) return;
    try {
      this.tokenMap = TokenMap.build(this.#partitioner, this.#hosts, this.#replication);
    } catch {
      // A partitioner whose tokens are not integers: requests are not routed by token.
      this.tokenMap = undefined;
    }
  }

  async #peers(conn: Connection, timeout: number) {
    try {
      return await querySystem(conn, this.#peersQuery, timeout);
    } catch (e) {
      // Servers before 4.0 have no peers_v2.
      if (!(e instanceof InvalidQueryError) || this.#peersQuery === PEERS_QUERY) throw e;
      this.#peersQuery = PEERS_QUERY;
      return await querySystem(conn, PEERS_QUERY, timeout);
    }
  }

  #apply(via: Host, local: NodeRecord | null, viaReported: string, peers: NodeRecord[]): void {
    const byId = new Map<string, Host>();
    for (const h of this.#hosts) if (h.hostId !== undefined) byId.set(h.hostId, h);
    const seen = new Set<Host>();
    const added: Host[] = [];
    const removed: Host[] = [];
    const reported = new Map<string, Host>();
    if (local !== null) {
      const other = byId.get(local.hostId);
      if (other !== undefined && other !== via) removed.push(other);
      via.hostId = local.hostId;
      byId.set(local.hostId, via);
      update(via, local);
      seen.add(via);
      reported.set(viaReported, via);
    } else {
      seen.add(via); // a row we cannot read says nothing against the node we are connected to
    }
    for (const rec of peers) {
      const ep = rec.endpoint!;
      const target = this.#ctx.addressTranslator?.translate(ep) ?? ep;
      const address = formatAddress(target.host, target.port);
      let host = byId.get(rec.hostId);
      if (host !== undefined && !host.contactPoint && host.address !== address) {
        // The node moved to another address: a new node as far as connections go.
        removed.push(host);
        host = undefined;
      }
      if (host === undefined) {
        host = this.#hosts.find((h) => h.hostId === undefined && h.address === address);
      }
      if (host === undefined) {
        host = this.#newHost(target.host, target.port);
        added.push(host);
      }
      host.hostId = rec.hostId;
      update(host, rec);
      seen.add(host);
      reported.set(formatAddress(ep.host, ep.port), host);
    }
    for (const h of this.#hosts) {
      if (!seen.has(h) && !removed.includes(h)) removed.push(h);
    }
    this.#byReported = reported;
    this.#localDc ??= via.datacenter;
    this.#hosts = [...this.#hosts.filter((h) => seen.has(h) && !removed.includes(h)), ...added];
    this.#computeDistances();
    for (const h of removed) {
      h.close().catch(() => {});
      // Contact points that turned out not to be nodes of the ring are dropped silently.
      if (h.hostId !== undefined && this.#initialized) {
        this.log("info", `${h.address} left the cluster`, h.address);
        this.events.emit("hostRemove", h);
      }
    }
    for (const h of added) {
      if (this.#initialized) {
        this.log("info", `${h.address} joined the cluster`, h.address);
        this.events.emit("hostAdd", h);
        h.fill().catch(() => {});
      }
    }
  }

  /** Sets each node's distance and the hosts requests may be planned on. */
  #computeDistances(): void {
    const dc = this.#localDc;
    const remote = new Map<string, number>();
    for (const h of this.#hosts) {
      let d: HostDistance = "local";
      if (dc !== undefined && h.datacenter !== undefined && h.datacenter !== dc) {
        const n = remote.get(h.datacenter) ?? 0;
        d = n < this.#ctx.remoteDcHosts ? "remote" : "ignored";
        remote.set(h.datacenter, n + 1);
      }
      h.setDistance(d);
    }
    this.planHosts = this.#hosts.filter((h) => h.distance !== "ignored");
  }

  #onEvent(e: EventMessage): void {
    if (this.#closed) return;
    switch (e.type) {
      case "TOPOLOGY_CHANGE":
        this.#refresh.request();
        return;
      case "STATUS_CHANGE": {
        const host = this.#byReported.get(formatAddress(e.node.address, e.node.port));
        if (host === undefined) {
          this.#refresh.request();
          return;
        }
        if (e.change === "UP") host.upEvent();
        else if (e.change === "DOWN") host.downEvent();
        return;
      }
      case "SCHEMA_CHANGE":
        if (e.change.target === "KEYSPACE") this.#keyspaceRefresh.request();
        this.events.emit("schemaChange", e.change);
        return;
    }
  }

  /** How many topology refreshes ran after events (tests check that bursts coalesce). */
  get topologyRefreshes(): number {
    return this.#refresh.runs;
  }

  /**
   * Whether every node that is up reports the same schema version now (and, given `expected`,
   * that version).
   */
  async isSchemaInAgreement(expected?: string): Promise<boolean> {
    const conn = this.#control.connection;
    if (conn === null) return false;
    const up = new Set(this.#hosts.filter((h) => h.isUp).map((h) => h.hostId));
    const versions = await schemaVersions(
      conn,
      this.#peersQuery,
      (id) => up.has(id),
      this.#ctx.queryTimeout,
    );
    return versions.size === 1 && (expected === undefined || versions.has(expected));
  }

  /**
   * After a schema change made through `coordinator`: waits (up to `maxSchemaAgreementWait`)
   * until every node up reports the coordinator's new schema version; false when they did not.
   * The coordinator's version is asked first because the other nodes, the control connection's
   * among them, may not have heard of the change yet and would agree on the old schema.
   */
  async awaitSchemaAgreement(coordinator: Connection): Promise<boolean> {
    let expected: string | undefined;
    try {
      const rows = await querySystem(
        coordinator,
        "SELECT schema_version FROM system.local WHERE key = 'local'",
        this.#ctx.queryTimeout,
      );
      const v = (rows[0] as Record<string, unknown> | undefined)?.schema_version;
      if (typeof v === "string") expected = v;
    } catch { /* the coordinator is gone: agreement among the others is the best we can know */ }
    return await awaitAgreement(
      () => this.isSchemaInAgreement(expected),
      this.#ctx.maxSchemaAgreementWait,
    );
  }

  /** Closes the control connection and every pool. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#refresh.close();
    this.#keyspaceRefresh.close();
    await this.#control.close();
    await Promise.all(this.#hosts.map((h) => h.close()));
  }
}

/** Every keyspace's replication settings: what the token map places replicas by. */
const KEYSPACES_QUERY = "SELECT keyspace_name, replication FROM system_schema.keyspaces";

function replicationOf(
  rows: readonly Record<string, unknown>[],
): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const name = r.keyspace_name, replication = r.replication;
    if (typeof name !== "string" || !(replication instanceof Map)) continue;
    out.set(name, Object.fromEntries(replication) as Record<string, string>);
  }
  return out;
}

function update(host: Host, rec: NodeRecord): void {
  host.datacenter = rec.datacenter;
  host.rack = rec.rack;
  host.releaseVersion = rec.releaseVersion;
  host.tokens = rec.tokens;
}
