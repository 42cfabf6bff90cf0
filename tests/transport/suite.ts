/**
 * Behaviour every transport adapter must have, as plain async checks so the same list runs under
 * `deno test` (deno_test.ts) and as a script under Bun and Node (run.ts).
 *
 * @module
 */

import type { Socket, SocketHandlers, Transport } from "../../src/transport/types.ts";
import { TransportError, type TransportErrorKind } from "../../src/transport/errors.ts";
import { CASSANDRA_CRC32_SEED, payloadCrc32 } from "../../src/protocol/crc.ts";
import { closedPort, QUIT, startServer, type TestCerts, type TestServer } from "./support.ts";

/** One named check. */
export interface TransportCase {
  name: string;
  run(): Promise<void>;
}

/** Throws when `condition` is false. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

/** Rejects with a message naming `what` if `promise` takes longer than `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Handlers that record everything a socket delivers, copying chunks as the contract requires. */
export class Probe implements SocketHandlers {
  readonly chunks: Uint8Array[] = [];
  readonly closes: Array<Error | undefined> = [];
  bytes = 0;
  #waiters: Array<() => void> = [];

  onData(chunk: Uint8Array): void {
    this.chunks.push(chunk.slice());
    this.bytes += chunk.byteLength;
    this.#wake();
  }

  onClose(error?: Error): void {
    this.closes.push(error);
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Waits until `predicate` holds, re-checking after every event. */
  async until(predicate: () => boolean, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await within(new Promise<void>((resolve) => this.#waiters.push(resolve)), left, what);
    }
  }

  /** All received bytes, in order. */
  received(): Uint8Array {
    const out = new Uint8Array(this.bytes);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }
}

/** Awaits a promise that must reject, and returns the rejection after checking its kind. */
export async function expectTransportError(
  promise: Promise<unknown>,
  kind: TransportErrorKind,
  address?: string,
): Promise<TransportError> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  assert(error !== undefined, `expected a ${kind} error, but it succeeded`);
  assert(error instanceof TransportError, `expected a TransportError, got ${String(error)}`);
  assert(error.kind === kind, `expected kind ${kind}, got ${error.kind}: ${error.message}`);
  if (address) {
    assert(error.message.includes(address), `message names ${address}: ${error.message}`);
  }
  return error;
}

function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function withServer(
  server: Promise<TestServer>,
  body: (server: TestServer) => Promise<void>,
): Promise<void> {
  const running = await server;
  try {
    await body(running);
  } finally {
    await running.close();
  }
}

async function echoRoundTrip(socket: Socket, probe: Probe, size: number): Promise<void> {
  const data = pattern(size);
  const start = probe.bytes;
  // Several writes, honouring backpressure the way the connection layer does.
  const step = 64 * 1024;
  for (let offset = 0; offset < size; offset += step) {
    if (!socket.write(data.subarray(offset, Math.min(size, offset + step)))) {
      await within(socket.drained(), 10_000, "drained()");
    }
  }
  await probe.until(() => probe.bytes - start >= size, 20_000, `${size} echoed bytes`);
  assert(sameBytes(probe.received().subarray(start), data), "echoed bytes match what was sent");
}

/** Options for {@link transportCases}. */
export interface SuiteOptions {
  certs: TestCerts;
  /** Skip the cases the adapter documents as unsupported. */
  skip?: ReadonlySet<string>;
}

/** The checks, bound to one transport. */
export function transportCases(transport: Transport, options: SuiteOptions): TransportCase[] {
  const { certs } = options;
  const host = "127.0.0.1";
  const serverTls = { key: certs.serverKey, cert: certs.serverCert };
  const cases: TransportCase[] = [
    {
      name: "offers the runtime's native CRC-32, and it agrees with the portable one",
      run: async () => {
        const native = await transport.nativeCrc32?.();
        assert(native !== undefined, "node:zlib crc32 (Node >= 20.15, Bun, Deno) is offered");
        const data = new Uint8Array(70_000).map((_, i) => (i * 2654435761) >>> 24);
        for (const [start, end] of [[0, 0], [0, 9], [3, 1000], [1, 65_537], [0, 70_000]]) {
          const got = native(data.subarray(start, end), CASSANDRA_CRC32_SEED) >>> 0;
          assert(got === payloadCrc32(data, start, end), `CRC of [${start}, ${end})`);
        }
      },
    },
    {
      name: "offers the runtime's native UTF-8 decoder, and it agrees with TextDecoder",
      run: async () => {
        const slice = await transport.nativeUtf8?.();
        assert(slice !== undefined, "node:buffer utf8Slice (Node, Bun, Deno) is offered");
        const texts = [
          "",
          "a",
          "key-00000042",
          "\uFEFFbom",
          "h\u00e9 \u20ac \u{1D11E}",
          "x".repeat(300),
        ];
        for (const t of texts) {
          const bytes = new TextEncoder().encode(`<${t}>`);
          const got = slice(bytes, 1, bytes.length - 1);
          assert(
            got === t,
            `decodes ${JSON.stringify(t.slice(0, 20))}: got ${JSON.stringify(got)}`,
          );
        }
        const bad = slice(new Uint8Array([0x61, 0xff, 0x62]), 0, 3);
        assert(bad.includes("\uFFFD"), "an invalid byte shows as U+FFFD");
      },
    },
    {
      name: "connects, writes, receives an echo; remote names the address",
      run: () =>
        withServer(startServer("echo"), async (server) => {
          const probe = new Probe();
          const socket = await transport.connect({ host, port: server.port }, probe);
          assert(socket.remote === `${host}:${server.port}`, `remote is ${socket.remote}`);
          await within(socket.drained(), 1000, "drained() with an empty queue");
          await echoRoundTrip(socket, probe, 9);
          socket.close();
          await probe.until(() => probe.closes.length > 0, 5000, "onClose");
        }),
    },
    {
      name: "8 MiB round trip with backpressure stays intact",
      run: () =>
        withServer(startServer("echo"), async (server) => {
          const probe = new Probe();
          const socket = await transport.connect({ host, port: server.port }, probe);
          await echoRoundTrip(socket, probe, 8 * 1024 * 1024);
          socket.close();
          await probe.until(() => probe.closes.length > 0, 5000, "onClose");
        }),
    },
    {
      name: "one big write (larger than socket buffers) arrives intact",
      run: () =>
        withServer(startServer("echo"), async (server) => {
          const probe = new Probe();
          const socket = await transport.connect({ host, port: server.port }, probe);
          const data = pattern(6 * 1024 * 1024 + 3);
          socket.write(data);
          await probe.until(() => probe.bytes >= data.byteLength, 20_000, "echo of one big write");
          assert(sameBytes(probe.received(), data), "echoed bytes match");
          socket.close();
          await probe.until(() => probe.closes.length > 0, 5000, "onClose");
        }),
    },
    {
      name: "peer close calls onClose once with a 'closed' TransportError",
      run: () =>
        withServer(startServer("echo"), async (server) => {
          const probe = new Probe();
          const socket = await transport.connect({ host, port: server.port }, probe);
          socket.write(QUIT.slice());
          await probe.until(() => probe.closes.length > 0, 5000, "onClose after peer close");
          await sleep(100);
          assert(probe.closes.length === 1, `onClose called ${probe.closes.length} times`);
          const error = probe.closes[0];
          assert(error instanceof TransportError, `close error is a TransportError: ${error}`);
          assert(error.kind === "closed", `kind is ${error.kind}`);
          assert(error.message.includes(`${host}:${server.port}`), error.message);
          socket.close(); // after the fact: must not call onClose again
          await sleep(50);
          assert(probe.closes.length === 1, "close() after peer close adds no onClose");
        }),
    },
    {
      name: "close() calls onClose once without an error; idempotent; later writes dropped",
      run: () =>
        withServer(startServer("echo"), async (server) => {
          const probe = new Probe();
          const socket = await transport.connect({ host, port: server.port }, probe);
          await echoRoundTrip(socket, probe, 100);
          socket.close();
          socket.close();
          await probe.until(() => probe.closes.length > 0, 5000, "onClose after close()");
          await sleep(100);
          assert(probe.closes.length === 1, `onClose called ${probe.closes.length} times`);
          assert(probe.closes[0] === undefined, `no error on close(): ${probe.closes[0]}`);
          assert(socket.write(new Uint8Array([1])) === false, "write after close returns false");
          await within(socket.drained(), 1000, "drained() after close");
        }),
    },
    {
      name: "close() with a large write in flight closes cleanly, once",
      run: () =>
        withServer(startServer("echo"), async (server) => {
          const probe = new Probe();
          const socket = await transport.connect({ host, port: server.port }, probe);
          socket.write(pattern(4 * 1024 * 1024));
          socket.close();
          await probe.until(() => probe.closes.length > 0, 10_000, "onClose after close()");
          await sleep(50);
          assert(probe.closes.length === 1, `onClose called ${probe.closes.length} times`);
          assert(probe.closes[0] === undefined, `no error: ${probe.closes[0]}`);
        }),
    },
    {
      name: "onData throwing closes the socket once with an 'io' TransportError",
      run: () =>
        withServer(startServer("echo"), async (server) => {
          const probe = new Probe();
          const socket = await transport.connect({ host, port: server.port }, {
            onData() {
              throw new Error("handler bug");
            },
            onClose: (e) => probe.onClose(e),
          });
          socket.write(new Uint8Array([1, 2, 3]));
          await probe.until(() => probe.closes.length > 0, 5000, "onClose after handler threw");
          await sleep(50);
          assert(probe.closes.length === 1, `onClose called ${probe.closes.length} times`);
          const error = probe.closes[0];
          assert(error instanceof TransportError && error.kind === "io", `closed with ${error}`);
          assert(error.cause instanceof Error && error.cause.message === "handler bug", "cause");
        }),
    },
    {
      name: "refused connection rejects with kind 'refused' naming host:port",
      run: async () => {
        const port = await closedPort();
        await expectTransportError(
          transport.connect({ host, port }, new Probe()),
          "refused",
          `${host}:${port}`,
        );
      },
    },
    {
      name: "connect timeout (TLS handshake never answered) rejects with kind 'timeout'",
      run: () =>
        withServer(startServer("silent"), async (server) => {
          const started = Date.now();
          const error = await expectTransportError(
            transport.connect(
              { host, port: server.port, tls: { ca: certs.ca }, connectTimeout: 300 },
              new Probe(),
            ),
            "timeout",
            `${host}:${server.port}`,
          );
          const elapsed = Date.now() - started;
          assert(elapsed >= 250 && elapsed < 5000, `timed out after ${elapsed} ms`);
          assert(error.message.includes("timed out"), error.message);
        }),
    },
    {
      name: "AbortSignal aborts a pending attempt; a pre-aborted signal fails at once",
      run: () =>
        withServer(startServer("silent"), async (server) => {
          const controller = new AbortController();
          const attempt = transport.connect(
            { host, port: server.port, tls: { ca: certs.ca }, signal: controller.signal },
            new Probe(),
          );
          setTimeout(() => controller.abort(new Error("user gave up")), 100);
          const error = await expectTransportError(attempt, "aborted", `${host}:${server.port}`);
          assert(
            error.cause instanceof Error && error.cause.message === "user gave up",
            "cause is the reason",
          );
          await expectTransportError(
            transport.connect(
              { host, port: server.port, signal: AbortSignal.abort() },
              new Probe(),
            ),
            "aborted",
          );
        }),
    },
    {
      name: "TLS: trusted CA, IP host connects and echoes",
      run: () =>
        withServer(startServer("echo", serverTls), async (server) => {
          const probe = new Probe();
          const socket = await transport.connect(
            { host, port: server.port, tls: { ca: certs.ca }, connectTimeout: 5000 },
            probe,
          );
          await echoRoundTrip(socket, probe, 200_000);
          socket.close();
          await probe.until(() => probe.closes.length > 0, 5000, "onClose");
          assert(probe.closes.length === 1 && probe.closes[0] === undefined, "clean close");
        }),
    },
    {
      name: "TLS: serverName other than the host is used for SNI and verification",
      run: () =>
        withServer(startServer("echo", serverTls), async (server) => {
          const probe = new Probe();
          const socket = await transport.connect(
            { host, port: server.port, tls: { ca: certs.ca, serverName: "localhost" } },
            probe,
          );
          await echoRoundTrip(socket, probe, 10);
          socket.close();
          await probe.until(() => probe.closes.length > 0, 5000, "onClose");
        }),
    },
    {
      name: "TLS: unknown CA fails with kind 'tls'",
      run: () =>
        withServer(startServer("echo", serverTls), async (server) => {
          await expectTransportError(
            transport.connect({ host, port: server.port, tls: { ca: certs.otherCa } }, new Probe()),
            "tls",
            `${host}:${server.port}`,
          );
        }),
    },
    {
      name: "TLS: wrong host name fails with kind 'tls'",
      run: () =>
        withServer(startServer("echo", serverTls), async (server) => {
          await expectTransportError(
            transport.connect(
              { host, port: server.port, tls: { ca: certs.ca, serverName: "db.invalid" } },
              new Probe(),
            ),
            "tls",
          );
        }),
    },
    {
      name: "TLS: checkServerIdentity false accepts a name mismatch but still checks the CA",
      run: () =>
        withServer(startServer("echo", serverTls), async (server) => {
          const probe = new Probe();
          const tls = { ca: certs.ca, serverName: "db.invalid", checkServerIdentity: false };
          const socket = await transport.connect({ host, port: server.port, tls }, probe);
          await echoRoundTrip(socket, probe, 10);
          socket.close();
          await probe.until(() => probe.closes.length > 0, 5000, "onClose");
          await expectTransportError(
            transport.connect(
              { host, port: server.port, tls: { ...tls, ca: certs.otherCa } },
              new Probe(),
            ),
            "tls",
          );
        }),
    },
    {
      name: "mutual TLS: client certificate accepted; missing one is refused",
      run: () =>
        withServer(startServer("echo", { ...serverTls, clientCa: certs.ca }), async (server) => {
          const probe = new Probe();
          const socket = await transport.connect(
            {
              host,
              port: server.port,
              tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey },
            },
            probe,
          );
          await echoRoundTrip(socket, probe, 10);
          socket.close();
          await probe.until(() => probe.closes.length > 0, 5000, "onClose");
          // With TLS 1.3 the client may finish its handshake before the server rejects the
          // missing certificate, so the failure shows either as a rejection or as a close with
          // an error before any echo.
          const bare = new Probe();
          try {
            const unauth = await transport.connect(
              { host, port: server.port, tls: { ca: certs.ca } },
              bare,
            );
            unauth.write(new Uint8Array([1, 2, 3]));
            await bare.until(() => bare.closes.length > 0, 5000, "close of unauthenticated socket");
            assert(bare.closes[0] instanceof TransportError, `closed with ${bare.closes[0]}`);
            assert(bare.bytes === 0, "no echo without a client certificate");
          } catch (err) {
            assert(err instanceof TransportError, `rejected with ${err}`);
          }
        }),
    },
  ];
  return cases.filter((c) => !options.skip?.has(c.name));
}
