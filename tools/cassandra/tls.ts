/**
 * Generates, on the spot, a CA, a server certificate for the test nodes and a client certificate
 * for mutual TLS, with openssl; and the PKCS12 keystore/truststore Cassandra reads, with keytool.
 *
 * @module
 */
import { join } from "./path.ts";

/** The files {@link generateTls} writes. */
export interface TlsFiles {
  dir: string;
  /** CA certificate (PEM): what clients trust. */
  caPem: string;
  /** Server keystore (PKCS12) and truststore (the CA, PKCS12). */
  keystore: string;
  truststore: string;
  password: string;
  /** A client certificate and key signed by the CA (PEM), for mutual TLS. */
  clientCertPem: string;
  clientKeyPem: string;
  /** A second, unrelated CA (PEM) for tests that a wrong CA is refused. */
  otherCaPem: string;
}

async function run(cmd: string, args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr).slice(-2000)}`,
    );
  }
}

/** Writes the CA, server and client material into `dir` (reused when already there). */
export async function generateTls(dir: string, addresses: string[]): Promise<TlsFiles> {
  const password = "cassandra";
  const f: TlsFiles = {
    dir,
    caPem: join(dir, "ca.pem"),
    keystore: join(dir, "server.p12"),
    truststore: join(dir, "truststore.p12"),
    password,
    clientCertPem: join(dir, "client.pem"),
    clientKeyPem: join(dir, "client.key"),
    otherCaPem: join(dir, "other-ca.pem"),
  };
  try {
    await Deno.stat(f.truststore);
    return f;
  } catch { /* not generated yet */ }
  await Deno.mkdir(dir, { recursive: true });
  const san = ["DNS:localhost", ...addresses.map((a) => `IP:${a}`)].join(",");
  const days = "3650";
  for (const ca of ["ca", "other-ca"]) {
    await run("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${ca}.key`,
      "-out",
      `${ca}.pem`,
      "-days",
      days,
      "-subj",
      `/CN=cql test ${ca}`,
    ], dir);
  }
  for (
    const [name, ext] of [["server", `subjectAltName=${san}`], [
      "client",
      "extendedKeyUsage=clientAuth",
    ]]
  ) {
    await run("openssl", [
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=cql test ${name}`,
    ], dir);
    await Deno.writeTextFile(join(dir, `${name}.ext`), ext + "\n");
    await run("openssl", [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      days,
      "-extfile",
      `${name}.ext`,
    ], dir);
  }
  await run("openssl", [
    "pkcs12",
    "-export",
    "-in",
    "server.pem",
    "-inkey",
    "server.key",
    "-certfile",
    "ca.pem",
    "-name",
    "server",
    "-out",
    "server.p12",
    "-passout",
    `pass:${password}`,
  ], dir);
  await run("keytool", [
    "-importcert",
    "-noprompt",
    "-alias",
    "ca",
    "-file",
    "ca.pem",
    "-keystore",
    "truststore.p12",
    "-storetype",
    "PKCS12",
    "-storepass",
    password,
  ], dir);
  return f;
}
