/**
 * Transport tests under Deno: the shared suite against the Deno adapter (and against the Node
 * adapter through Deno's Node compatibility layer), plus checks against servers made with Deno's
 * own `Deno.listen` / `Deno.listenTls`. Run: `node_modules/.bin/deno test -A tests/transport/`.
 */

import { denoTransport } from "../../src/transport/deno.ts";
import { nodeTransport } from "../../src/transport/node.ts";
import { defaultTransport, detectRuntime } from "../../src/transport/detect.ts";
import { TransportError } from "../../src/transport/errors.ts";
import { makeCerts } from "./support.ts";
import { assert, expectTransportError, Probe, sleep, transportCases } from "./suite.ts";

const certs = await makeCerts();

for (const transport of [denoTransport, nodeTransport]) {
  for (const c of transportCases(transport, { certs })) {
    Deno.test({
      name: `[${transport.name} adapter on deno] ${c.name}`,
      // node:net servers keep internal timers/ops a little past close(); the suite itself checks
      // that sockets close.
      sanitizeOps: false,
      sanitizeResources: false,
      fn: () => c.run(),
    });
  }
}

Deno.test("detect: runtime is deno and defaultTransport is the Deno adapter", async () => {
  assert(detectRuntime() === "deno", `detected ${detectRuntime()}`);
  const transport = await defaultTransport();
  assert(transport === denoTransport, `got ${transport.name}`);
  assert((await defaultTransport()) === transport, "cached");
});

/** Accepts connections on a Deno TCP or TLS listener and echoes until told "QUIT". */
function denoEcho(listener: Deno.Listener): Promise<void> {
  return (async () => {
    for await (const conn of listener) {
      (async () => {
        const buffer = new Uint8Array(64 * 1024);
        try {
          while (true) {
            const n = await conn.read(buffer);
            if (n === null) break;
            const text = new TextDecoder().decode(buffer.subarray(0, n));
            if (text === "QUIT") break;
            let offset = 0;
            while (offset < n) offset += await conn.write(buffer.subarray(offset, n));
          }
        } catch {
          // The client went away or the TLS handshake failed: expected in failure tests.
        } finally {
          try {
            conn.close();
          } catch {
            // already closed
          }
        }
      })();
    }
  })();
}

Deno.test("Deno.listen server: echo, chunk views of one reused buffer, peer close", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = denoEcho(listener);
  try {
    const buffers = new Set<ArrayBufferLike>();
    const probe = new Probe();
    const socket = await denoTransport.connect({ host: "127.0.0.1", port: listener.addr.port }, {
      onData(chunk) {
        buffers.add(chunk.buffer);
        probe.onData(chunk);
      },
      onClose: (e) => probe.onClose(e),
    });
    let sent = 0;
    for (let i = 0; i < 20; i++) {
      const ping = new TextEncoder().encode(`ping ${i};`);
      sent += ping.byteLength;
      socket.write(ping);
      await probe.until(() => probe.bytes === sent, 2000, "echo");
    }
    assert(buffers.size === 1, `onData chunks come from ${buffers.size} buffers`);
    socket.write(new TextEncoder().encode("QUIT"));
    await probe.until(() => probe.closes.length > 0, 2000, "onClose");
    await sleep(50);
    assert(probe.closes.length === 1, "onClose once");
    assert(probe.closes[0] instanceof TransportError && probe.closes[0].kind === "closed", "kind");
  } finally {
    listener.close();
    await serving.catch(() => {});
  }
});

Deno.test("Deno.listenTls server: good CA connects, wrong CA and wrong name fail", async () => {
  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: certs.serverCert,
    key: certs.serverKey,
  });
  const serving = denoEcho(listener);
  const port = listener.addr.port;
  try {
    const probe = new Probe();
    const socket = await denoTransport.connect(
      { host: "127.0.0.1", port, tls: { ca: certs.ca }, connectTimeout: 5000 },
      probe,
    );
    socket.write(new TextEncoder().encode("hello"));
    await probe.until(() => probe.bytes === 5, 2000, "echo over TLS");
    socket.close();
    await probe.until(() => probe.closes.length === 1, 2000, "onClose");
    assert(probe.closes[0] === undefined, "clean close");

    const wrongCa = await expectTransportError(
      denoTransport.connect({ host: "127.0.0.1", port, tls: { ca: certs.otherCa } }, new Probe()),
      "tls",
      `127.0.0.1:${port}`,
    );
    assert(/UnknownIssuer|certificate/i.test(wrongCa.message), wrongCa.message);
    const wrongName = await expectTransportError(
      denoTransport.connect(
        { host: "127.0.0.1", port, tls: { ca: certs.ca, serverName: "db.invalid" } },
        new Probe(),
      ),
      "tls",
    );
    assert(wrongName.message.includes("db.invalid"), wrongName.message);
  } finally {
    listener.close();
    await serving.catch(() => {});
  }
});

Deno.test("Deno adapter: client certificate plus a different serverName is refused up front", async () => {
  await expectTransportError(
    denoTransport.connect({
      host: "127.0.0.1",
      port: 9,
      tls: { serverName: "localhost", cert: certs.clientCert, key: certs.clientKey },
    }, new Probe()),
    "unsupported",
  );
});
