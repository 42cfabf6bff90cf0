// @ts-check
/**
 * A TCP proxy the conformance suite can cut while a request is in flight. Written against
 * `node:net` because Deno, Bun and Node all provide it, so one implementation serves every
 * runtime that can listen (workerd cannot: run-workerd.ts runs this proxy on its behalf).
 *
 * `hold()` stops forwarding client bytes to the server, so the next request is certain to be
 * pending (Cassandra answers too fast to race against); `cut()` then destroys every connection
 * and stops listening, which is what a dying node or a broken network looks like to the driver.
 *
 * @module
 */
/**
 * The slice of `node:net` used here, typed locally and imported through a variable (below) so
 * `deno check` needs no `@types/node`.
 *
 * @typedef {object} NetSocket
 * @property {(chunk: Uint8Array) => boolean} write
 * @property {() => void} destroy
 * @property {(event: string, listener: (arg: any) => void) => void} on
 *
 * @typedef {object} NetServer
 * @property {(port: number, host: string, cb: () => void) => void} listen
 * @property {() => {port: number}} address
 * @property {(cb: () => void) => void} close
 * @property {(event: "error", listener: (e: Error) => void) => void} once
 *
 * @typedef {object} NetModule
 * @property {(listener: (socket: NetSocket) => void) => NetServer} createServer
 * @property {(opts: {host: string, port: number}) => NetSocket} connect
 */

/** @returns {Promise<NetModule>} */
function nodeNet() {
  const name = "node:net";
  return import(name);
}

/**
 * @typedef {object} CutProxy
 * @property {string} host     where the proxy listens (127.0.0.1)
 * @property {number} port     its port
 * @property {() => void} hold swallow client-to-server bytes from now on
 * @property {() => Promise<void>} cut destroy every connection and stop listening
 * @property {() => number} connections connections accepted so far
 */

/**
 * Starts a proxy on 127.0.0.1 (ephemeral port) in front of `target`.
 *
 * @param {{host: string, port: number}} target
 * @returns {Promise<CutProxy>}
 */
export async function startProxy(target) {
  const net = await nodeNet();
  /** @type {Set<NetSocket>} */
  const sockets = new Set();
  let held = false;
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect({ host: target.host, port: target.port });
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("data", (/** @type {Uint8Array} */ chunk) => {
      if (!held) upstream.write(chunk);
    });
    upstream.on("data", (/** @type {Uint8Array} */ chunk) => client.write(chunk));
    client.on("error", drop);
    upstream.on("error", drop);
    client.on("close", drop);
    upstream.on("close", drop);
  });
  return await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      resolve({
        host: "127.0.0.1",
        port: server.address().port,
        hold: () => {
          held = true;
        },
        cut: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            sockets.clear();
            server.close(() => done());
          }),
        connections: () => accepted,
      });
    });
  });
}
