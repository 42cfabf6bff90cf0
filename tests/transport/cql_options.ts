/**
 * A real-server check for any transport: send a CQL v4 OPTIONS request and expect SUPPORTED.
 * Kept free of the protocol module on purpose, so transport tests do not depend on it.
 *
 * @module
 */

import type { Transport } from "../../src/transport/types.ts";
import { assert, Probe } from "./suite.ts";

/** OPTIONS, protocol v4, stream 1, empty body. */
export const OPTIONS_FRAME: Uint8Array = new Uint8Array([0x04, 0, 0, 1, 0x05, 0, 0, 0, 0]);

/** Where the test Cassandra is. */
export interface CassandraAddress {
  host: string;
  port: number;
}

/**
 * The Cassandra to test against: `ensureCassandra()` from tests/support/cassandra.ts when that
 * launcher exists (it starts one if none answers), else 127.0.0.1:9042 as is.
 */
export async function cassandraHost(): Promise<CassandraAddress> {
  // Resolved at run time: the launcher is written separately and may not exist yet.
  const launcher = new URL("../support/cassandra.ts", import.meta.url).href;
  try {
    const mod = (await import(launcher)) as { ensureCassandra?: () => Promise<CassandraAddress> };
    if (typeof mod.ensureCassandra === "function") return await mod.ensureCassandra();
  } catch {
    // No launcher (or not loadable from a bundle): use the default address.
  }
  return { host: "127.0.0.1", port: 9042 };
}

/** Sends OPTIONS through `transport` and checks the SUPPORTED response header. */
export async function optionsRoundTrip(
  transport: Transport,
  host: string,
  port: number,
): Promise<void> {
  const probe = new Probe();
  const socket = await transport.connect({ host, port, connectTimeout: 10_000 }, probe);
  try {
    socket.write(OPTIONS_FRAME.slice());
    await probe.until(() => probe.bytes >= 9, 10_000, "response header");
    const header = probe.received();
    const length = new DataView(header.buffer, header.byteOffset).getInt32(5);
    await probe.until(() => probe.bytes >= 9 + length, 10_000, "response body");
    assert(header[0] === 0x84, `response version byte 0x${header[0].toString(16)}`);
    assert(header[2] === 0 && header[3] === 1, "stream id 1");
    assert(header[4] === 0x06, `opcode 0x${header[4].toString(16)} (SUPPORTED is 0x06)`);
  } finally {
    socket.close();
  }
}
