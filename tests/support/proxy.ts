/**
 * A fault-injecting TCP proxy in front of a real node, for tests of what the driver does when the
 * network or the server misbehaves: cut connections, stall replies, inject garbage, or answer a
 * protocol v5 handshake the way a v4-only server does.
 *
 * @module
 */

/** A running proxy. */
export interface FaultProxy {
  /** Where clients connect. */
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Closes every proxied connection abruptly (both sides). */
  cut(): void;
  /** Stops forwarding server replies (they are held, not lost) until {@link resume}. */
  stall(): void;
  /** Delivers held replies and forwards again. */
  resume(): void;
  /** Sends these bytes to every connected client, as if the server had. */
  inject(bytes: Uint8Array): void;
  /** Answers a first frame of version 5 with a v4 protocol ERROR and closes, like Cassandra 3. */
  refuseV5: boolean;
  /**
   * Open connections allowed at once; one more is closed as soon as it is accepted, as Cassandra
   * does past `native_transport_max_concurrent_connections_per_ip`. Default Infinity.
   */
  maxConnections: number;
  /** Stops listening and closes everything. */
  close(): Promise<void>;
}

interface Pair {
  client: Deno.TcpConn;
  server: Deno.TcpConn;
  held: Uint8Array[];
}

/** Starts a proxy on 127.0.0.1 (a free port) forwarding to `target`. */
export function startProxy(target: { host: string; port: number }): FaultProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const pairs = new Set<Pair>();
  let stalled = false;
  let accepted = 0;
  const tasks: Promise<void>[] = [];

  const closePair = (p: Pair) => {
    pairs.delete(p);
    try {
      p.client.close();
    } catch { /* already closed */ }
    try {
      p.server.close();
    } catch { /* already closed */ }
  };

  const pump = async (
    from: Deno.TcpConn,
    deliver: (chunk: Uint8Array) => Promise<void>,
    p: Pair,
  ) => {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await from.read(buf);
        if (n === null) break;
        await deliver(buf.slice(0, n));
      }
    } catch { /* closed by cut() or the peer */ }
    closePair(p);
  };

  const proxy: FaultProxy = {
    host: "127.0.0.1",
    port: (listener.addr as Deno.NetAddr).port,
    get accepted() {
      return accepted;
    },
    refuseV5: false,
    maxConnections: Infinity,
    cut() {
      for (const p of [...pairs]) closePair(p);
    },
    stall() {
      stalled = true;
    },
    resume() {
      stalled = false;
      for (const p of pairs) {
        for (const chunk of p.held.splice(0)) p.client.write(chunk).catch(() => closePair(p));
      }
    },
    inject(bytes) {
      for (const p of pairs) p.client.write(bytes).catch(() => closePair(p));
    },
    async close() {
      listener.close();
      proxy.cut();
      await Promise.allSettled(tasks);
    },
  };

  tasks.push(
    (async () => {
      for await (const client of listener) {
        accepted++;
        if (pairs.size >= proxy.maxConnections) {
          client.close();
          continue;
        }
        let server: Deno.TcpConn;
        try {
          server = await Deno.connect({ hostname: target.host, port: target.port });
        } catch {
          client.close();
          continue;
        }
        const p: Pair = { client, server, held: [] };
        pairs.add(p);
        let first = true;
        tasks.push(pump(client, async (chunk) => {
          if (first && proxy.refuseV5 && chunk[0] === 5) {
            await client.write(v4ProtocolError(chunk));
            closePair(p);
            return;
          }
          first = false;
          await server.write(chunk);
        }, p));
        tasks.push(pump(server, async (chunk) => {
          if (stalled) p.held.push(chunk);
          else await client.write(chunk);
        }, p));
      }
    })().catch(() => {}),
  );
  return proxy;
}

/** The ERROR a v4-only server sends for a v5 frame: v4 header, code 0x000A, the stream echoed. */
function v4ProtocolError(request: Uint8Array): Uint8Array {
  const msg = new TextEncoder().encode(
    "Invalid or unsupported protocol version (5); the lowest supported version is 3 and the greatest is 4",
  );
  const body = new Uint8Array(4 + 2 + msg.length);
  const dv = new DataView(body.buffer);
  dv.setInt32(0, 0x000a);
  dv.setUint16(4, msg.length);
  body.set(msg, 6);
  const frame = new Uint8Array(9 + body.length);
  frame[0] = 0x84;
  frame[2] = request[2];
  frame[3] = request[3];
  frame[4] = 0x00; // ERROR
  new DataView(frame.buffer).setInt32(5, body.length);
  frame.set(body, 9);
  return frame;
}
