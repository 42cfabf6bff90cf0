/**
 * The ceiling: the fastest a client on this machine can get answers out of this node. It sends
 * EXECUTE frames encoded before the clock starts (protocol v4), pipelined on a few connections,
 * and reads only the 9-byte header of each answer (the scan also reads the rows metadata, for
 * the row count and the paging state). No row is decoded, no promise is created per request and
 * the writes that answers trigger are coalesced into one per socket read, so whatever a driver
 * does beyond this is its own cost. Every contender is reported as a percentage of it.
 *
 * Runs on Deno, Bun and Node (node:net on all three, so they are compared on equal terms; Node
 * runs the bundle bench/run.ts makes, `deno bundle bench/workers/ceiling.ts -o .cache/bench/ceiling.mjs`):
 *   node_modules/.bin/deno run -A bench/workers/ceiling.ts '<job json>'
 *   node_modules/.bin/bun bench/workers/ceiling.ts '<job json>'
 *   node .cache/bench/ceiling.mjs '<job json>'
 * Job and result: the worker contract at the top of bench/run.ts.
 *
 * @module
 */

import { net, type Socket } from "../net.ts";
import { cpuMs, emit, Histogram, type Job, readJob, windowResult } from "./harness.mjs";
import {
  bodyLength,
  enc,
  errorMessage,
  executeBody,
  FLAG_COMPRESSED,
  frame,
  HEADER,
  lz4,
  type Lz4Codec,
  Op,
  prepareBody,
  rowsSummary,
  startupBody,
} from "../proto.ts";
import {
  BLOB_ROWS,
  blobKey,
  blobValue,
  CQL,
  kvKey,
  kvRow,
  READ_ROWS,
  SCAN_PAGE_SIZE,
  WRITE_KEYS,
} from "../workloads.mjs";

/** Connections the requests are spread over: a few, as the issue asks; more buys nothing here. */
const MAX_CONNECTIONS = 4;

type Codec = Lz4Codec;

/** A socket that reassembles frames and hands each to `onFrame` (header offset into `buf`). */
class FrameSocket {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  onFrame: (buf: Uint8Array, off: number) => void = () => {};
  /** Called after each socket read's frames were handled: the place to flush coalesced writes. */
  onBatchEnd: () => void = () => {};

  constructor(readonly sock: Socket) {
    sock.on("data", (chunk: Uint8Array) => this.onData(chunk));
  }

  private onData(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.buffered) {
      // Only a frame split across reads is copied; the common case parses the chunk in place.
      this.chunks.push(chunk);
      const total = this.buffered + chunk.length;
      if (total < HEADER) {
        this.buffered = total;
        return;
      }
      const first = this.chunks[0].length >= HEADER ? this.chunks[0] : concat(this.chunks);
      if (total < HEADER + bodyLength(first, 0)) {
        this.buffered = total;
        return;
      }
      buf = concat(this.chunks);
      this.chunks = [];
      this.buffered = 0;
    }
    let off = 0;
    while (buf.length - off >= HEADER) {
      const end = off + HEADER + bodyLength(buf, off);
      if (end > buf.length) break;
      this.onFrame(buf, off);
      off = end;
    }
    if (off < buf.length) {
      this.chunks = [buf.subarray(off)];
      this.buffered = buf.length - off;
    }
    this.onBatchEnd();
  }

  /** Sends one frame and waits for the next answer (setup only, nothing else in flight). */
  request(opcode: number, body: Uint8Array, flags = 0): Promise<[number, Uint8Array]> {
    return new Promise((resolve) => {
      this.onFrame = (buf, off) =>
        resolve([buf[off + 4], buf.slice(off + HEADER, off + HEADER + bodyLength(buf, off))]);
      this.sock.write(frame(opcode, 0, body, flags));
    });
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

async function open(job: Job, codec: Codec | null): Promise<FrameSocket> {
  const sock = net.connect({ host: job.host, port: job.port, noDelay: true });
  await new Promise<void>((ok, fail) => {
    sock.once("connect", () => ok());
    sock.once("error", fail);
  });
  const fs = new FrameSocket(sock);
  const [op, body] = await fs.request(Op.STARTUP, startupBody(codec ? "lz4" : undefined));
  if (op !== Op.READY) throw new Error(`STARTUP: ${errorMessage(body)}`);
  return fs;
}

async function prepare(fs: FrameSocket, cql: string, codec: Codec | null): Promise<Uint8Array> {
  const [op, raw] = await fs.request(
    Op.PREPARE,
    codec ? codec.compress(prepareBody(cql)) : prepareBody(cql),
    codec ? FLAG_COMPRESSED : 0,
  );
  const body = codec ? codec.decompress(raw) : raw;
  if (op !== Op.RESULT) throw new Error(`PREPARE: ${errorMessage(body)}`);
  const n = new DataView(body.buffer, body.byteOffset).getUint16(4);
  return body.slice(6, 6 + n);
}

/**
 * Pre-encoded frames (stream 0; the stream is patched in the copy that is written), one per key
 * the drivers use: the ceiling must make the server do the same work, and writing 1024 keys
 * over and over (as it once did) is far cheaper for Cassandra than writing 100k distinct ones.
 */
function requestPool(job: Job, id: Uint8Array, codec: Codec | null): Uint8Array[] {
  const bodies: Uint8Array[] = [];
  switch (job.workload) {
    case "insert":
      for (let i = 0; i < WRITE_KEYS; i++) {
        const [k, c1, c2, c3, c4, c5] = kvRow(i % WRITE_KEYS);
        bodies.push(executeBody(id, [
          enc.text(k),
          enc.text(c1),
          enc.text(c2),
          enc.int(c3),
          enc.bigint(c4),
          enc.double(c5),
        ]));
      }
      break;
    case "select":
      for (let i = 0; i < READ_ROWS; i++) {
        bodies.push(executeBody(id, [enc.text(kvKey(i))], {
          skipMetadata: true,
        }));
      }
      break;
    case "blob-insert": {
      const blob = blobValue();
      for (let i = 0; i < BLOB_ROWS; i++) {
        bodies.push(executeBody(id, [enc.text(blobKey(i)), blob]));
      }
      break;
    }
    case "blob-select":
      for (let i = 0; i < BLOB_ROWS; i++) {
        bodies.push(executeBody(id, [enc.text(blobKey(i))], { skipMetadata: true }));
      }
      break;
    default:
      throw new Error(`no request pool for ${job.workload}`);
  }
  return bodies.map((b) =>
    codec ? frame(Op.EXECUTE, 0, codec.compress(b), FLAG_COMPRESSED) : frame(Op.EXECUTE, 0, b)
  );
}

/**
 * The key of loop `loop`'s `n`-th request, as every driver worker picks it (bench/workers/cql.mjs,
 * cassandra-driver.mjs, bench/python/*_worker.py), as an index into {@link requestPool}.
 */
function poolIndex(workload: string, loop: number, n: number, c: number): number {
  switch (workload) {
    case "insert":
      return (n * c + loop) % WRITE_KEYS;
    case "select":
      return (loop * 7919 + n) % READ_ROWS;
    default: // blob-insert, blob-select
      return (loop + n) % BLOB_ROWS;
  }
}

const STATEMENTS: Record<string, string> = {
  "insert": CQL.insert,
  "select": CQL.select,
  "scan": CQL.scan,
  "blob-insert": CQL.blobInsert,
  "blob-select": CQL.blobSelect,
};

async function main(): Promise<void> {
  const job = readJob();
  const cql = STATEMENTS[job.workload];
  if (!cql) throw new Error(`unknown workload ${job.workload}`);
  const codec = job.compression === "lz4" ? lz4 : null;
  const connections = Math.min(MAX_CONNECTIONS, job.concurrency);
  const socks: FrameSocket[] = [];
  for (let i = 0; i < connections; i++) socks.push(await open(job, codec));
  // Prepared ids are per node, not per connection, but every connection prepares so that none
  // can answer UNPREPARED.
  let id: Uint8Array = new Uint8Array(0);
  for (const s of socks) id = await prepare(s, cql, codec);
  const scan = job.workload === "scan";
  const pool = scan ? [] : requestPool(job, id, codec);

  const c = job.concurrency;
  const sentAt = new Float64Array(c);
  const issued = new Uint32Array(c);
  const pagingState: (Uint8Array | null)[] = new Array(c).fill(null);
  const hist = new Histogram();
  let measuring = false;
  let stopped = false;
  let ops = 0;
  let failure: Error | null = null;
  const out: Uint8Array[][] = socks.map(() => []);

  // Slot s lives on connection s % connections with stream id floor(s / connections).
  const enqueue = (slot: number) => {
    let f: Uint8Array;
    if (scan) {
      const body = executeBody(id, [], {
        pageSize: SCAN_PAGE_SIZE,
        pagingState: pagingState[slot],
        skipMetadata: true,
      });
      f = codec
        ? frame(Op.EXECUTE, 0, codec.compress(body), FLAG_COMPRESSED)
        : frame(Op.EXECUTE, 0, body);
    } else {
      f = pool[poolIndex(job.workload, slot, issued[slot], c)];
    }
    issued[slot]++;
    const stream = Math.floor(slot / connections);
    out[slot % connections].push(f);
    sentAt[slot] = performance.now();
    return stream;
  };
  // Stream ids of queued frames, in order, per connection (set right before flush).
  const streams: number[][] = socks.map(() => []);
  const flushPatched = (ci: number) => {
    const frames = out[ci];
    const ids = streams[ci];
    let n = 0;
    for (const f of frames) n += f.length;
    if (!n) return;
    const buf = new Uint8Array(n);
    n = 0;
    for (let i = 0; i < frames.length; i++) {
      buf.set(frames[i], n);
      buf[n + 2] = (ids[i] >> 8) & 0xff;
      buf[n + 3] = ids[i] & 0xff;
      n += frames[i].length;
    }
    socks[ci].sock.write(buf);
    out[ci] = [];
    streams[ci] = [];
  };
  const send = (slot: number) => streams[slot % connections].push(enqueue(slot));

  socks.forEach((fs, ci) => {
    fs.onFrame = (buf, off) => {
      const slot = (((buf[off + 2] << 8) | buf[off + 3]) * connections) + ci;
      const now = performance.now();
      let done = 1;
      if (buf[off + 4] !== Op.RESULT) {
        let body = buf.subarray(off + HEADER, off + HEADER + bodyLength(buf, off));
        if (codec && buf[off + 1] & FLAG_COMPRESSED) body = codec.decompress(body);
        failure ??= new Error(`request failed: ${errorMessage(body)}`);
        stopped = true;
        return;
      }
      if (scan) {
        let body = buf.subarray(off + HEADER, off + HEADER + bodyLength(buf, off));
        if (codec && buf[off + 1] & FLAG_COMPRESSED) body = codec.decompress(body);
        const page = rowsSummary(body);
        done = page.rows;
        pagingState[slot] = page.pagingState;
      }
      if (measuring && !stopped) {
        hist.record(now - sentAt[slot]);
        ops += done;
      }
      if (!stopped) send(slot);
    };
    fs.onBatchEnd = () => flushPatched(ci);
  });

  let cpuStart = 0, cpuEnd = 0, start = 0, end = 0;
  const finished = new Promise<void>((resolve) => {
    setTimeout(() => {
      measuring = true;
      cpuStart = cpuMs();
      start = performance.now();
      setTimeout(() => {
        stopped = true;
        end = performance.now();
        cpuEnd = cpuMs();
        resolve();
      }, job.durationSec * 1000);
    }, job.warmupSec * 1000);
  });
  for (let s = 0; s < c; s++) send(s);
  for (let ci = 0; ci < connections; ci++) flushPatched(ci);
  await finished;
  if (failure) throw failure;
  emit({ ...windowResult({ ops, start, end, cpuStart, cpuEnd, hist }), connections });
}

main().catch((e) => {
  emit({ ok: false, reason: String(e?.stack ?? e) });
});
