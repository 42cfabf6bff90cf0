/**
 * The token ring: every token the cluster's nodes own, sorted, each with its owner. A key's
 * token belongs to the first ring token at or after it (wrapping past the largest to the
 * smallest), whose owner is the key's primary replica; the other replicas follow along the
 * ring (see `replication.ts`).
 *
 * @module
 */

/** What the ring needs of a node; `Host` of `src/cluster/host.ts` fits. */
export interface RingHost {
  /** The node's tokens, as decimal strings (unparsable ones are left out of the ring). */
  readonly tokens: readonly string[];
  /** Data center, once known; replica placement by data center skips a node without one. */
  readonly datacenter?: string | undefined;
  /** Rack, once known. */
  readonly rack?: string | undefined;
}

/** A sorted ring of tokens and their owners. */
export class TokenRing<H extends RingHost> {
  /** Every owned token, ascending, each once. */
  readonly tokens: readonly bigint[];
  /** `owners[i]` owns `tokens[i]`: the range from `tokens[i - 1]` (exclusive) to it. */
  readonly owners: readonly H[];
  /**
   * `ownerIndex[i]` is the position of `owners[i]` in {@link hosts}: replica placement walks
   * the ring by these small integers rather than by object identity in Sets.
   */
  readonly ownerIndex: Int32Array;
  /** The nodes that own at least one token, in the order they were given. */
  readonly hosts: readonly H[];

  private constructor(tokens: bigint[], owners: H[], ownerIndex: Int32Array, hosts: H[]) {
    this.tokens = tokens;
    this.owners = owners;
    this.ownerIndex = ownerIndex;
    this.hosts = hosts;
  }

  /**
   * The ring of `hosts`' tokens, read with `parseToken` (a partitioner's). When two nodes
   * report the same token (a node replacing another, not yet gone from `system.peers`), the
   * first one given keeps it.
   */
  static build<H extends RingHost>(
    hosts: Iterable<H>,
    parseToken: (text: string) => bigint | undefined,
  ): TokenRing<H> {
    const owned: H[] = [];
    const entries: { token: bigint; host: number }[] = [];
    for (const h of hosts) {
      let any = false;
      for (const text of h.tokens) {
        const token = parseToken(text);
        if (token === undefined) continue;
        if (!any) {
          owned.push(h);
          any = true;
        }
        entries.push({ token, host: owned.length - 1 });
      }
    }
    // Stable sort: equal tokens keep the order of the hosts, so the first host wins below.
    entries.sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
    const tokens: bigint[] = [];
    const idx: number[] = [];
    for (const e of entries) {
      if (tokens.length > 0 && tokens[tokens.length - 1] === e.token) continue;
      tokens.push(e.token);
      idx.push(e.host);
    }
    // A host whose every token went to another is no owner after all.
    const used = new Uint8Array(owned.length);
    for (const i of idx) used[i] = 1;
    const hostsOut: H[] = [];
    const renumber = new Int32Array(owned.length);
    for (let i = 0; i < owned.length; i++) {
      if (used[i] === 0) continue;
      renumber[i] = hostsOut.length;
      hostsOut.push(owned[i]);
    }
    const ownerIndex = new Int32Array(idx.length);
    const owners: H[] = new Array(idx.length);
    for (let i = 0; i < idx.length; i++) {
      ownerIndex[i] = renumber[idx[i]];
      owners[i] = hostsOut[ownerIndex[i]];
    }
    // slice(): exact-size copies, without the spare capacity push left.
    return new TokenRing(tokens.slice(), owners, ownerIndex, hostsOut);
  }

  /** Number of tokens on the ring. */
  get size(): number {
    return this.tokens.length;
  }

  /**
   * The ring position a token belongs to: the index of the first ring token >= `token`, or 0
   * past the largest (the range that wraps around). -1 for an empty ring.
   */
  position(token: bigint): number {
    const t = this.tokens;
    const n = t.length;
    if (n === 0) return -1;
    let lo = 0, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t[mid] < token) lo = mid + 1;
      else hi = mid;
    }
    return lo === n ? 0 : lo;
  }

  /** The primary replica of a token (the owner of its ring position), if the ring has any. */
  primary(token: bigint): H | undefined {
    const i = this.position(token);
    return i < 0 ? undefined : this.owners[i];
  }
}
