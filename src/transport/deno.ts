/**
 * Deno adapter: `Deno.connect`, plus `Deno.startTls` / `Deno.connectTls` for TLS.
 *
 * - Reads go into one preallocated buffer per socket and `onData` gets `subarray` views of it, so
 *   the read path allocates nothing per chunk (the handler contract says a chunk is only valid
 *   during the call).
 * - Writes are queued and sent by one loop that handles partial writes; chunks queued while a
 *   write is in flight are merged into one `conn.write` (bounded), because each Deno op has a
 *   fixed cost. `write` reports backpressure past {@link WRITE_HIGH_WATER} queued bytes.
 * - TCP_NODELAY and keep-alive are set on the TCP socket. For TLS without a client certificate
 *   the adapter connects over TCP (so it can set those) and upgrades with `Deno.startTls`, which
 *   also lets the SNI/verified name differ from the host. With a client certificate it must use
 *   `Deno.connectTls` (the only API taking `cert`/`key`), whose socket exposes neither option
 *   (Deno's defaults apply) and which sends the host as SNI: a `serverName` different from the
 *   host is then rejected as unsupported.
 * - `checkServerIdentity: false` maps to `unsafelyDisableHostnameVerification` (Deno 2.x); the
 *   chain is still verified. Deno offers no way to skip chain verification short of the
 *   process-wide `--unsafely-ignore-certificate-errors` flag, which this adapter never needs.
 * - CA certificates are added to Deno's default roots (`caCerts`), not used instead of them.
 *
 * @module
 */

import type { ConnectOptions, Socket, SocketHandlers, TlsOptions, Transport } from "./types.ts";
import { guardConnect } from "./attempt.ts";
import { zlibCrc32 } from "./native-crc.ts";
import { bufferUtf8Slice } from "./native-utf8.ts";
import { formatAddress, unsupportedError } from "./errors.ts";
import { QueuedSocket } from "./queued-socket.ts";

/** Size of the per-socket read buffer: large enough to take a burst of responses in one op. */
const READ_BUFFER_SIZE = 256 * 1024;

function caList(ca: string | string[] | undefined): string[] | undefined {
  if (ca === undefined) return undefined;
  return Array.isArray(ca) ? ca : [ca];
}

function tuneTcp(conn: Deno.TcpConn): void {
  // Requests are small and latency-bound; Nagle would hold them back waiting for ACKs.
  conn.setNoDelay(true);
  // Detects half-dead peers on idle connections that the driver keeps open for a long time.
  conn.setKeepAlive(true);
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed (e.g. consumed by a failed startTls): nothing left to release.
  }
}

async function openTls(
  options: ConnectOptions,
  tls: TlsOptions,
  cancel: AbortSignal,
  address: string,
): Promise<Deno.Conn> {
  const { host, port } = options;
  const name = tls.serverName ?? host;
  const caCerts = caList(tls.ca);
  const unsafelyDisableHostnameVerification = tls.checkServerIdentity === false;
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw unsupportedError(address, "TLS client authentication needs both cert and key");
  }
  if (tls.cert !== undefined && tls.key !== undefined) {
    if (name !== host) {
      throw unsupportedError(
        address,
        "Deno cannot combine a client certificate with a serverName different from the host " +
          "(Deno.startTls takes no client certificate); connect by that name instead",
      );
    }
    const conn = await Deno.connectTls({
      hostname: host,
      port,
      caCerts,
      cert: tls.cert,
      key: tls.key,
      unsafelyDisableHostnameVerification,
    });
    try {
      await conn.handshake();
    } catch (err) {
      closeQuietly(conn);
      throw err;
    }
    return conn;
  }
  const tcp = await Deno.connect({ hostname: host, port, signal: cancel });
  tuneTcp(tcp);
  let conn: Deno.TlsConn;
  try {
    conn = await Deno.startTls(tcp, {
      hostname: name,
      caCerts,
      unsafelyDisableHostnameVerification,
    });
  } catch (err) {
    closeQuietly(tcp);
    throw err;
  }
  try {
    // startTls/connectTls resolve before the handshake; without this a bad certificate would
    // only surface on the first read, after `connect` had already reported success.
    await conn.handshake();
  } catch (err) {
    closeQuietly(conn);
    throw err;
  }
  return conn;
}

async function open(options: ConnectOptions, cancel: AbortSignal): Promise<Deno.Conn> {
  const address = formatAddress(options.host, options.port);
  if (options.tls) return await openTls(options, options.tls, cancel, address);
  const conn = await Deno.connect({ hostname: options.host, port: options.port, signal: cancel });
  tuneTcp(conn);
  return conn;
}

class DenoSocket extends QueuedSocket {
  readonly #conn: Deno.Conn;

  constructor(conn: Deno.Conn, handlers: SocketHandlers, remote: string) {
    super(handlers, remote);
    this.#conn = conn;
    void this.#readLoop();
  }

  protected async writeAll(batch: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < batch.byteLength) {
      offset += await this.#conn.write(offset === 0 ? batch : batch.subarray(offset));
    }
  }

  protected release(): void {
    closeQuietly(this.#conn);
  }

  async #readLoop(): Promise<void> {
    const buffer = new Uint8Array(READ_BUFFER_SIZE);
    try {
      while (!this.isClosed) {
        const n = await this.#conn.read(buffer);
        if (n === null) return this.ended();
        if (!this.deliver(buffer.subarray(0, n))) return;
      }
    } catch (err) {
      this.readFailed(err);
    }
  }
}

/**
 * The Deno transport. Needs `--allow-net` for the target host.
 *
 * @example
 * ```ts
 * import { denoTransport } from "./deno.ts";
 * const socket = await denoTransport.connect(
 *   { host: "127.0.0.1", port: 9042, connectTimeout: 5000 },
 *   { onData: (chunk) => console.log(chunk.length), onClose: (err) => console.log("closed", err) },
 * );
 * socket.close();
 * ```
 */
export const denoTransport: Transport = {
  name: "deno",
  nativeCrc32: zlibCrc32,
  nativeUtf8: bufferUtf8Slice,
  async connect(options: ConnectOptions, handlers: SocketHandlers): Promise<Socket> {
    const remote = formatAddress(options.host, options.port);
    const conn = await guardConnect(
      options,
      remote,
      (cancel) => open(options, cancel),
      closeQuietly,
    );
    return new DenoSocket(conn, handlers, remote);
  },
};
