/**
 * A CQL OPTIONS round trip: the launcher's proof that a node is ready. An open TCP port is not
 * enough (Cassandra binds it before it can answer), so we wait for a real SUPPORTED response.
 *
 * @module
 */
import { ByteReader } from "../../src/protocol/bytes.ts";

/** How to reach a node for a probe. */
export interface ProbeTarget {
  host: string;
  port: number;
  /** CA certificate (PEM) when the node requires TLS. */
  caPem?: string;
  /** Client certificate and key (PEM) when the node requires one. */
  certPem?: string;
  keyPem?: string;
}

const OPTIONS_V4 = new Uint8Array([0x04, 0, 0, 1, 0x05, 0, 0, 0, 0]);
const OPCODE_SUPPORTED = 0x06;

/** Sends OPTIONS (protocol v4) and returns the SUPPORTED options; throws when it can't. */
export async function cqlOptions(
  t: ProbeTarget,
  timeoutMs = 2000,
): Promise<Record<string, string[]>> {
  const signal = AbortSignal.timeout(timeoutMs);
  const conn = t.caPem
    ? await Deno.connectTls({
      hostname: t.host,
      port: t.port,
      caCerts: [t.caPem],
      cert: t.certPem,
      key: t.keyPem,
      signal,
    } as Deno.ConnectTlsOptions)
    : await Deno.connect({ hostname: t.host, port: t.port, signal } as Deno.ConnectOptions);
  const timer = setTimeout(() => conn.close(), timeoutMs);
  try {
    await conn.write(OPTIONS_V4);
    const header = await readExactly(conn, 9);
    const length = new DataView(header.buffer).getInt32(5);
    if ((header[0] & 0x7f) !== 4 || header[4] !== OPCODE_SUPPORTED || length < 0) {
      throw new Error(
        `unexpected answer to OPTIONS: version 0x${header[0].toString(16)} opcode ${header[4]}`,
      );
    }
    return new ByteReader(await readExactly(conn, length)).stringMultimap();
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* already closed by the timer */ }
  }
}

async function readExactly(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let off = 0;
  while (off < n) {
    const got = await conn.read(out.subarray(off));
    if (got === null) throw new Error("connection closed before the answer was complete");
    off += got;
  }
  return out;
}

/** True when the node answers OPTIONS. */
export async function answers(t: ProbeTarget, timeoutMs = 2000): Promise<boolean> {
  try {
    await cqlOptions(t, timeoutMs);
    return true;
  } catch {
    return false;
  }
}
