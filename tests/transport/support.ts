/**
 * Test servers and certificates for the transport tests, written against `node:net`/`node:tls`
 * so the same helpers run under Deno (node compat), Bun and Node. The Node built-ins are typed by
 * the minimal interfaces below and imported through a variable, so `deno check` needs no
 * `@types/node`. Every server binds 127.0.0.1 only.
 *
 * @module
 */

interface ServerSocket {
  write(data: Uint8Array): boolean;
  end(): void;
  destroy(): void;
  on(event: "data", listener: (chunk: Uint8Array) => void): void;
  on(event: "error", listener: (err: Error) => void): void;
  on(event: "close", listener: () => void): void;
}

interface ListeningServer {
  listen(port: number, host: string, callback: () => void): void;
  address(): { port: number };
  close(callback?: () => void): void;
  on(event: "tlsClientError" | "error", listener: (err: Error) => void): void;
}

interface NetModule {
  createServer(listener: (socket: ServerSocket) => void): ListeningServer;
}

interface TlsModule {
  createServer(
    options: { key: string; cert: string; ca?: string; requestCert?: boolean },
    listener: (socket: ServerSocket) => void,
  ): ListeningServer;
}

interface ChildProcessModule {
  execFileSync(file: string, args: string[], options: { cwd: string; stdio: "pipe" }): unknown;
}

interface FsModule {
  mkdtempSync(prefix: string): string;
  readFileSync(path: string, encoding: "utf8"): string;
  writeFileSync(path: string, data: string): void;
  rmSync(path: string, options: { recursive: boolean; force: boolean }): void;
}

interface OsModule {
  tmpdir(): string;
}

function builtin<T>(name: string): Promise<T> {
  return import(name) as Promise<T>;
}

/** A running test server. */
export interface TestServer {
  readonly port: number;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

/** What a test server does with each accepted connection. */
export type ServerMode = "echo" | "silent";

/** Bytes that make the echo server close the connection instead of echoing. */
export const QUIT = new Uint8Array([0x51, 0x55, 0x49, 0x54]);

function isQuit(chunk: Uint8Array): boolean {
  return chunk.length === QUIT.length && chunk.every((b, i) => b === QUIT[i]);
}

/** TLS material for a server, PEM. */
export interface ServerTls {
  key: string;
  cert: string;
  /** When set, the server requires a client certificate issued by this CA. */
  clientCa?: string;
}

/**
 * Starts a server on 127.0.0.1 and an ephemeral port. "echo" sends every chunk back (or ends the
 * connection on {@link QUIT}); "silent" accepts and never answers, which stalls a TLS handshake.
 */
export async function startServer(mode: ServerMode, tls?: ServerTls): Promise<TestServer> {
  const sockets = new Set<ServerSocket>();
  const onSocket = (socket: ServerSocket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    if (mode === "silent") return;
    socket.on("data", (chunk) => {
      if (isQuit(chunk)) socket.end();
      else socket.write(chunk);
    });
  };
  let server: ListeningServer;
  if (tls) {
    const tlsModule = await builtin<TlsModule>("node:tls");
    server = tlsModule.createServer(
      {
        key: tls.key,
        cert: tls.cert,
        ca: tls.clientCa,
        requestCert: tls.clientCa !== undefined,
      },
      onSocket,
    );
    server.on("tlsClientError", () => {});
  } else {
    const net = await builtin<NetModule>("node:net");
    server = net.createServer(onSocket);
  }
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = await startServer("silent");
  await server.close();
  return server.port;
}

/** PEM material made fresh by `openssl` for one test run. */
export interface TestCerts {
  /** CA that signed `serverCert` and `clientCert`. */
  ca: string;
  /** An unrelated CA, for "wrong CA" tests. */
  otherCa: string;
  /** Server certificate for DNS:localhost and IP:127.0.0.1. */
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** Generates a CA, an unrelated CA, a server and a client certificate with `openssl`. */
export async function makeCerts(): Promise<TestCerts> {
  const fs = await builtin<FsModule>("node:fs");
  const os = await builtin<OsModule>("node:os");
  const cp = await builtin<ChildProcessModule>("node:child_process");
  const dir = fs.mkdtempSync(`${os.tmpdir()}/cql-transport-certs-`);
  const openssl = (...args: string[]) =>
    cp.execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  // EC keys: generated in milliseconds, and accepted by rustls (Deno) and OpenSSL/BoringSSL alike.
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  try {
    for (const name of ["ca", "other"]) {
      openssl(
        "req",
        "-x509",
        ...key,
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.crt`,
        "-days",
        "2",
        "-subj",
        `/CN=cql test ${name}`,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
      );
    }
    const extensions: Record<string, string> = {
      server: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
      client: "extendedKeyUsage=clientAuth\n",
    };
    for (const name of ["server", "client"]) {
      fs.writeFileSync(`${dir}/${name}.ext`, `${extensions[name]}basicConstraints=CA:FALSE\n`);
      openssl(
        "req",
        ...key,
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.csr`,
        "-subj",
        `/CN=${name}`,
      );
      openssl(
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        `${name}.crt`,
        "-days",
        "2",
        "-extfile",
        `${name}.ext`,
      );
    }
    const read = (file: string) => fs.readFileSync(`${dir}/${file}`, "utf8");
    return {
      ca: read("ca.crt"),
      otherCa: read("other.crt"),
      serverCert: read("server.crt"),
      serverKey: read("server.key"),
      clientCert: read("client.crt"),
      clientKey: read("client.key"),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
