/**
 * Driver-bound mode: a server that answers CQL requests at once with responses recorded from the
 * real node, so that `select` and `scan` show what a client costs without the server's time.
 *
 * Recording: `record()` starts a proxy in front of the real node and runs the cassandra-driver
 * worker through it (select, then a full scan); every request/response pair of protocol v3/v4
 * is kept, keyed by opcode and statement. Replaying: `serve` answers each request with the
 * recorded response for its key, with the stream id rewritten.
 *
 *   node_modules/.bin/deno run -A bench/replay.ts record [--out=FILE] [--host=H --port=P]
 *   node_modules/.bin/deno run -A bench/replay.ts serve [--recording=FILE] [--port=0]
 *
 * Keys: OPTIONS/STARTUP/REGISTER by opcode; QUERY and PREPARE by statement text (QUERY also by
 * paging state); EXECUTE by prepared id, paging state and skip-metadata flag, so the values of a
 * select are ignored and every select gets the recorded row, while a scan walks the recorded
 * pages. Misses fall back to looser keys (same table for QUERY; same id for EXECUTE), and a real
 * miss gets an ERROR frame and a line on stderr. Protocol v5 is not replayed: a v5 request gets
 * the protocol error a v4-only server sends, so a driver that negotiates falls back to v4.
 * Compression is not replayed either (recordings are uncompressed).
 *
 * @module
 */

import { net, portOf, type Socket } from "./net.ts";
import { bodyLength, HEADER, Op, Writer } from "./proto.ts";

/** Where a recording is kept by default: under bench/results/, git-ignored by its suffix. */
export const DEFAULT_RECORDING = new URL("./results/replay-recording.tmp", import.meta.url)
  .pathname;

const decoder = new TextDecoder();

function hex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

/** Offset past the [value]s of query parameters, and the paging state if any. */
function queryParams(
  body: Uint8Array,
  p: number,
): { flags: number; pagingState: string } {
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  p += 2; // consistency
  const flags = body[p++];
  if (flags & 0x01) {
    const n = dv.getUint16(p);
    p += 2;
    for (let i = 0; i < n; i++) {
      if (flags & 0x40) p += 2 + dv.getUint16(p); // named values
      const len = dv.getInt32(p);
      p += 4 + Math.max(0, len);
    }
  }
  if (flags & 0x04) p += 4;
  let pagingState = "";
  if (flags & 0x08) {
    const len = dv.getInt32(p);
    pagingState = len > 0 ? hex(body.subarray(p + 4, p + 4 + len)) : "";
  }
  return { flags, pagingState };
}

/** Lookup keys for a request, most specific first. */
export function requestKeys(opcode: number, body: Uint8Array): string[] {
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  switch (opcode) {
    case Op.QUERY: {
      const n = dv.getInt32(0);
      const cql = decoder.decode(body.subarray(4, 4 + n)).trim().replace(/\s+/g, " ");
      const { pagingState } = queryParams(body, 4 + n);
      const table = /\bfrom\s+([\w."]+)/i.exec(cql)?.[1]?.toLowerCase() ?? "";
      return [`Q:${cql}:${pagingState}`, `Q:${cql}:`, `Qt:${table}`];
    }
    case Op.PREPARE: {
      const n = dv.getInt32(0);
      return [`P:${decoder.decode(body.subarray(4, 4 + n)).trim().replace(/\s+/g, " ")}`];
    }
    case Op.EXECUTE: {
      const n = dv.getUint16(0);
      const id = hex(body.subarray(2, 2 + n));
      const { flags, pagingState } = queryParams(body, 2 + n);
      const skip = flags & 0x02 ? "s" : "m";
      return [`E:${id}:${skip}:${pagingState}`, `E:${id}:${skip}:`, `E:${id}`];
    }
    default:
      return [`O:${opcode}`];
  }
}

/** Recorded responses by key (whole frames, stream id to be rewritten). */
export type Recording = Map<string, Uint8Array>;

/** Splits a byte stream into frames; returns the unconsumed tail. */
function frames(buf: Uint8Array, each: (frame: Uint8Array) => void): Uint8Array {
  let off = 0;
  while (buf.length - off >= HEADER) {
    const end = off + HEADER + bodyLength(buf, off);
    if (end > buf.length) break;
    each(buf.subarray(off, end));
    off = end;
  }
  return buf.subarray(off);
}

function append(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Serialises a recording: per entry, [string key][bytes frame]. */
export function encodeRecording(rec: Recording): Uint8Array {
  const w = new Writer();
  w.i32(rec.size);
  for (const [k, v] of rec) w.longStr(k).value(v);
  return w.done();
}

/** Reads a recording written by {@link encodeRecording}. */
export function decodeRecording(buf: Uint8Array): Recording {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const rec: Recording = new Map();
  let p = 4;
  for (let i = dv.getInt32(0); i > 0; i--) {
    const kl = dv.getInt32(p);
    const key = decoder.decode(buf.subarray(p + 4, p + 4 + kl));
    p += 4 + kl;
    const vl = dv.getInt32(p);
    rec.set(key, buf.slice(p + 4, p + 4 + vl));
    p += 4 + vl;
  }
  return rec;
}

/**
 * A recording proxy in front of `host:port`: the first response seen for each key is kept.
 * Resolves with its port and a function that stops it and returns the recording.
 */
export async function startRecorder(
  host: string,
  port: number,
): Promise<{ port: number; stop(): Recording }> {
  const rec: Recording = new Map();
  const sockets = new Set<Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host, port, noDelay: true });
    sockets.add(client).add(upstream);
    const pendingKeys = new Map<number, string[]>();
    let fromClient: Uint8Array = new Uint8Array(0);
    let fromServer: Uint8Array = new Uint8Array(0);
    client.on("data", (chunk: Uint8Array) => {
      upstream.write(chunk);
      fromClient = frames(append(fromClient, chunk), (f) => {
        if ((f[0] & 0x7f) > 4) return; // v5 is proxied but not recorded
        const stream = (f[2] << 8) | f[3];
        pendingKeys.set(stream, requestKeys(f[4], f.subarray(HEADER)));
      }).slice();
    });
    upstream.on("data", (chunk: Uint8Array) => {
      client.write(chunk);
      fromServer = frames(append(fromServer, chunk), (f) => {
        const stream = (f[2] << 8) | f[3];
        const keys = pendingKeys.get(stream);
        if (!keys || (f[0] & 0x7f) > 4) return;
        pendingKeys.delete(stream);
        if (f[4] === Op.ERROR) return;
        for (const k of keys) if (!rec.has(k)) rec.set(k, f.slice());
      }).slice();
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", close).on("error", close);
    upstream.on("close", close).on("error", close);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    port: portOf(server),
    stop() {
      for (const s of sockets) s.destroy();
      server.close();
      return rec;
    },
  };
}

function errorFrame(version: number, stream: number, code: number, message: string): Uint8Array {
  const body = new Writer().i32(code).str(message).done();
  const f = new Uint8Array(HEADER + body.length);
  f[0] = 0x80 | version;
  f[2] = (stream >> 8) & 0xff;
  f[3] = stream & 0xff;
  f[4] = Op.ERROR;
  new DataView(f.buffer).setUint32(5, body.length);
  f.set(body, HEADER);
  return f;
}

/** Serves a recording on 127.0.0.1:`port` (0 = any); resolves with the bound port. */
export async function serve(rec: Recording, port = 0): Promise<number> {
  const misses = new Set<string>();
  const server = net.createServer((sock) => {
    sock.setNoDelay(true);
    let acc: Uint8Array = new Uint8Array(0);
    sock.on("data", (chunk: Uint8Array) => {
      const out: Uint8Array[] = [];
      let total = 0;
      acc = frames(append(acc, chunk), (f) => {
        const version = f[0] & 0x7f;
        const s0 = f[2], s1 = f[3];
        let answer: Uint8Array | undefined;
        if (version > 4) {
          answer = errorFrame(
            4,
            (s0 << 8) | s1,
            0x000a,
            `Invalid or unsupported protocol version (${version}); supported versions are (3/v3, 4/v4)`,
          );
        } else {
          const keys = requestKeys(f[4], f.subarray(HEADER));
          for (const k of keys) if ((answer = rec.get(k))) break;
          if (answer) {
            answer = answer.slice();
            answer[0] = 0x80 | version;
            answer[2] = s0;
            answer[3] = s1;
          } else if (keys[0].includes("system.peers_v2")) {
            // The recording comes from a v4 client that read system.peers; answer as a server
            // without peers_v2 does, so a driver that asks for it falls back to system.peers.
            answer = errorFrame(version, (s0 << 8) | s1, 0x2200, "unconfigured table peers_v2");
          } else {
            if (!misses.has(keys[0])) {
              misses.add(keys[0]);
              console.error(`replay: no recording for ${keys[0].slice(0, 200)}`);
            }
            answer = errorFrame(version, (s0 << 8) | s1, 0x0000, `replay: nothing recorded`);
          }
        }
        out.push(answer);
        total += answer.length;
      }).slice();
      if (out.length === 1) sock.write(out[0]);
      else if (out.length) {
        const buf = new Uint8Array(total);
        let p = 0;
        for (const a of out) {
          buf.set(a, p);
          p += a.length;
        }
        sock.write(buf);
      }
    });
    sock.on("error", () => sock.destroy());
  });
  await new Promise<void>((ok) => server.listen(port, "127.0.0.1", ok));
  return portOf(server);
}

/** Command-line argument `--name=value`. */
function arg(name: string, fallback: string): string {
  const found = Deno.args.find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}

/**
 * Records select and scan traffic of the cassandra-driver worker (on Node) through the proxy and
 * writes the recording to `out`.
 */
export async function record(
  host: string,
  port: number,
  out: string,
  dataCenter: string,
  log: (s: string) => void = () => {},
): Promise<number> {
  const proxy = await startRecorder(host, port);
  const worker = new URL("./workers/cassandra-driver.mjs", import.meta.url).pathname;
  for (const [workload, seconds] of [["select", 1], ["scan", 4]] as const) {
    const job = {
      workload,
      concurrency: workload === "scan" ? 1 : 16,
      durationSec: seconds,
      warmupSec: 0.5,
      host: "127.0.0.1",
      port: proxy.port,
      keyspace: "bench",
      localDataCenter: dataCenter,
      compression: "none",
    };
    const r = await new Deno.Command("node", { args: [worker, JSON.stringify(job)] }).output();
    log(`recorded ${workload}: ${decoder.decode(r.stdout).trim().slice(0, 120)}`);
  }
  const rec = proxy.stop();
  await Deno.writeFile(out, encodeRecording(rec));
  return rec.size;
}

if (import.meta.main) {
  const mode = Deno.args[0];
  if (mode === "record") {
    const n = await record(
      arg("host", "127.0.0.1"),
      Number(arg("port", "9042")),
      arg("out", DEFAULT_RECORDING),
      arg("dc", "datacenter1"),
      console.error,
    );
    console.log(`recorded ${n} responses`);
  } else if (mode === "serve") {
    const rec = decodeRecording(await Deno.readFile(arg("recording", DEFAULT_RECORDING)));
    const port = await serve(rec, Number(arg("port", "0")));
    // The orchestrator reads this line to learn the port.
    console.log(JSON.stringify({ listening: port, responses: rec.size }));
  } else {
    console.error("usage: replay.ts record|serve [--out=FILE|--recording=FILE] [--port=N]");
    Deno.exit(2);
  }
}
