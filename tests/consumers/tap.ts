/**
 * A TCP tap in front of the node for the consumer tests: forwards bytes both ways and keeps the
 * first bytes each client sent, so the runner can read the STARTUP of every connection and see
 * that the package, as installed, asked the server for LZ4 (the client has no public flag for it).
 *
 * @module
 */

/** What a client asked for in one connection's STARTUP (absent if it sent none). */
export type StartupOptions = Record<string, string> | undefined;

/** A tap listening on 127.0.0.1. */
export interface Tap {
  /** "127.0.0.1:PORT", the contact point to give the consumer. */
  contact: string;
  /** The STARTUP options of each connection accepted so far, in order. */
  startups(): StartupOptions[];
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Enough client bytes for the OPTIONS and STARTUP frames that open every connection. */
const KEEP = 4096;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The [string map] body of the first STARTUP frame in `bytes`. Before STARTUP completes every
 * protocol version (v5 included) uses plain frames: a 9-byte header (version, flags, stream,
 * opcode, length) and the body.
 */
export function startupOptions(bytes: Uint8Array): StartupOptions {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder();
  for (let off = 0; off + 9 <= bytes.length;) {
    const opcode = bytes[off + 4];
    const len = view.getUint32(off + 5);
    const body = off + 9;
    if (body + len > bytes.length) return undefined;
    if (opcode === 0x01) {
      const options: Record<string, string> = {};
      let p = body + 2;
      const str = () => {
        const n = view.getUint16(p);
        const s = text.decode(bytes.subarray(p + 2, p + 2 + n));
        p += 2 + n;
        return s;
      };
      for (let i = view.getUint16(body); i > 0; i--) {
        const key = str();
        options[key] = str();
      }
      return options;
    }
    off = body + len;
  }
  return undefined;
}

/** Starts a tap in front of `target` ("host:port"). */
export function startTap(target: string): Tap {
  const [hostname, port] = target.split(":");
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const kept: Uint8Array[][] = [];
  const open = new Set<Deno.Conn>();
  const pipes: Promise<void>[] = [];
  const closeQuietly = (c: Deno.Conn) => {
    try {
      c.close();
    } catch { /* already closed */ }
  };
  const serve = async (client: Deno.Conn) => {
    const parts: Uint8Array[] = [];
    kept.push(parts);
    let size = 0;
    open.add(client);
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect({ hostname, port: Number(port) });
    } catch {
      closeQuietly(client);
      return;
    }
    open.add(upstream);
    const record = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, out) {
        if (size < KEEP) {
          parts.push(chunk.slice(0, KEEP - size));
          size += Math.min(chunk.length, KEEP - size);
        }
        out.enqueue(chunk);
      },
    });
    // A pipe ends when either side closes; the other side is closed with it.
    const done = () => {
      closeQuietly(client);
      closeQuietly(upstream);
      open.delete(client);
      open.delete(upstream);
    };
    await Promise.all([
      client.readable.pipeThrough(record).pipeTo(upstream.writable).catch(() => {}).finally(done),
      upstream.readable.pipeTo(client.writable).catch(() => {}).finally(done),
    ]);
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) pipes.push(serve(conn));
    } catch { /* listener closed */ }
  })();
  const { port: own } = listener.addr as Deno.NetAddr;
  return {
    contact: `127.0.0.1:${own}`,
    startups: () => kept.map((parts) => startupOptions(concat(parts))),
    async close() {
      listener.close();
      await accepting;
      for (const c of open) closeQuietly(c);
      await Promise.all(pipes);
    },
  };
}
