/**
 * Transport throughput: pipelined CQL v4 OPTIONS requests over one socket, counting SUPPORTED
 * responses by their 9-byte headers, through the runtime's default transport.
 *
 *   node_modules/.bin/deno run -A bench/transport-throughput.ts [--total=100000] [--concurrency=256]
 *   node_modules/.bin/bun bench/transport-throughput.ts [...]
 *
 * Target: 127.0.0.1:9042, or `--host=127.0.0.x --port=N`. `--fake` answers OPTIONS from an
 * in-process node:net server instead (measures the adapter and loopback only, sharing the event
 * loop with the server), for use when no Cassandra is running.
 *
 * Replies that arrive together are answered with one coalesced write, as the connection layer
 * does, so this measures the transport rather than per-request write calls.
 */

import { defaultTransport, detectRuntime } from "../src/transport/detect.ts";

const HEADER = 9;

function argument(name: string, fallback: string): string {
  const args = (globalThis as unknown as { process?: { argv: string[] } }).process?.argv ?? [];
  const prefix = `--${name}=`;
  const found = args.find((a) => a.startsWith(prefix));
  if (found) return found.slice(prefix.length);
  return args.includes(`--${name}`) ? "true" : fallback;
}

function optionsFrame(target: Uint8Array, offset: number, stream: number): void {
  target[offset] = 0x04;
  target[offset + 1] = 0;
  target[offset + 2] = (stream >> 8) & 0x7f;
  target[offset + 3] = stream & 0xff;
  target[offset + 4] = 0x05;
  target.fill(0, offset + 5, offset + HEADER);
}

interface FakeServer {
  port: number;
  close(): void;
}

// Minimal node:net typing so this file checks without @types/node.
interface FakeSocket {
  on(event: "data", listener: (chunk: Uint8Array) => void): void;
  on(event: "error", listener: () => void): void;
  write(data: Uint8Array): boolean;
}
interface FakeNet {
  createServer(listener: (socket: FakeSocket) => void): {
    listen(port: number, host: string, callback: () => void): void;
    address(): { port: number };
    close(): void;
  };
}

/** Answers every 9-byte OPTIONS header with a SUPPORTED frame with an empty string multimap. */
async function startFake(): Promise<FakeServer> {
  const spec = "node:net";
  const net = (await import(spec)) as FakeNet;
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    let pending = new Uint8Array(0);
    socket.on("data", (chunk) => {
      const data = pending.length ? new Uint8Array([...pending, ...chunk]) : chunk;
      const count = Math.floor(data.length / HEADER);
      const reply = new Uint8Array(count * (HEADER + 2));
      for (let i = 0; i < count; i++) {
        const o = i * (HEADER + 2);
        reply.set([0x84, 0, data[i * HEADER + 2], data[i * HEADER + 3], 0x06, 0, 0, 0, 2, 0, 0], o);
      }
      pending = data.slice(count * HEADER);
      socket.write(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: server.address().port, close: () => server.close() };
}

const total = Number(argument("total", "100000"));
const concurrency = Math.min(Number(argument("concurrency", "256")), 32768);
const fake = argument("fake", "") === "true" ? await startFake() : undefined;
const host = fake ? "127.0.0.1" : argument("host", "127.0.0.1");
const port = fake ? fake.port : Number(argument("port", "9042"));
if (!/^127\./.test(host)) throw new Error("this benchmark only talks to 127.x addresses");

const transport = await defaultTransport();
let sent = 0;
let received = 0;
let finished: () => void = () => {};
const done = new Promise<void>((resolve) => (finished = resolve));

// Streaming header parser: the chunk is only valid during onData, so keep just the parse state.
const header = new Uint8Array(HEADER);
let headerFill = 0;
let bodyLeft = 0;
const freed: number[] = [];

const socket = await transport.connect({ host, port, connectTimeout: 5000 }, {
  onData(chunk) {
    let i = 0;
    while (i < chunk.length) {
      if (bodyLeft > 0) {
        const take = Math.min(bodyLeft, chunk.length - i);
        bodyLeft -= take;
        i += take;
        continue;
      }
      const take = Math.min(HEADER - headerFill, chunk.length - i);
      header.set(chunk.subarray(i, i + take), headerFill);
      headerFill += take;
      i += take;
      if (headerFill < HEADER) break;
      headerFill = 0;
      if (header[0] !== 0x84 || header[4] !== 0x06) {
        throw new Error(`unexpected response: version ${header[0]} opcode ${header[4]}`);
      }
      bodyLeft = new DataView(header.buffer).getInt32(5);
      received++;
      freed.push((header[2] << 8) | header[3]);
    }
    if (received >= total) {
      finished();
      return;
    }
    // One coalesced write for every stream freed by this chunk.
    const n = Math.min(freed.length, total - sent);
    if (n === 0) return;
    const batch = new Uint8Array(n * HEADER);
    for (let k = 0; k < n; k++) optionsFrame(batch, k * HEADER, freed[k]);
    freed.splice(0, n);
    sent += n;
    socket.write(batch);
  },
  onClose(error) {
    if (received < total) console.error("connection closed early:", error?.message ?? "closed");
    finished();
  },
});

const started = performance.now();
const first = Math.min(concurrency, total);
const initial = new Uint8Array(first * HEADER);
for (let s = 0; s < first; s++) optionsFrame(initial, s * HEADER, s);
sent = first;
socket.write(initial);
await done;
const ms = performance.now() - started;
socket.close();
fake?.close();
const rate = Math.round((received / ms) * 1000);
console.log(
  `${detectRuntime()} (${transport.name} transport${fake ? ", fake server" : ""}): ` +
    `${received} OPTIONS round trips in ${ms.toFixed(0)} ms at concurrency ${concurrency} = ` +
    `${rate.toLocaleString("en-US")} ops/s`,
);
