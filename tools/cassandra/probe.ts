/**
 * A CQL OPTIONS round trip: the launcher's proof that a node is ready. An open TCP port is not
 * enough (Cassandra binds it before it can answer), so we wait for a real SUPPORTED response.
 * And a one-statement query (SELECT JSON), for checks such as "node 1 sees node 3's tokens",
 * written against the protocol directly so the launcher does not depend on the driver it tests.
 *
 * @module
 */
import { ByteReader, ByteWriter } from "../../src/protocol/bytes.ts";

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

const OP = {
  error: 0x00,
  startup: 0x01,
  ready: 0x02,
  authenticate: 0x03,
  options: 0x05,
  supported: 0x06,
  query: 0x07,
  result: 0x08,
  authResponse: 0x0f,
  authSuccess: 0x10,
} as const;
const FLAG_WARNING = 0x08;
const RESULT_ROWS = 2;
const ROWS_HAS_MORE_PAGES = 0x02;
const CONSISTENCY_ONE = 0x0001;

type Conn = Deno.Conn | Deno.TlsConn;

/** Sends OPTIONS (protocol v4) and returns the SUPPORTED options; throws when it can't. */
export async function cqlOptions(
  t: ProbeTarget,
  timeoutMs = 2000,
): Promise<Record<string, string[]>> {
  return await withConnection(t, timeoutMs, async (conn) => {
    const body = await request(conn, OP.options, new Uint8Array(0), OP.supported);
    return new ByteReader(body).stringMultimap();
  });
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

/** Login for a node with PasswordAuthenticator. */
export interface Credentials {
  username: string;
  password: string;
}

/**
 * Runs one `SELECT JSON ...` at consistency ONE (protocol v4, first page only) and returns the
 * rows, each parsed from its JSON text; throws with the server's message on an error.
 */
export async function selectJson(
  t: ProbeTarget,
  cql: string,
  credentials?: Credentials,
  timeoutMs = 5000,
): Promise<Record<string, unknown>[]> {
  if (!/^\s*select\s+json\s/i.test(cql)) throw new Error(`not a SELECT JSON statement: ${cql}`);
  return await withConnection(t, timeoutMs, async (conn) => {
    await startup(conn, credentials);
    const w = new ByteWriter();
    w.longString(cql);
    w.short(CONSISTENCY_ONE);
    w.byte(0); // no query flags: no values, no paging options
    const r = new ByteReader(await request(conn, OP.query, w.toBytes(), OP.result));
    return readJsonRows(r).map((text) => JSON.parse(text));
  });
}

async function startup(conn: Conn, credentials?: Credentials): Promise<void> {
  const w = new ByteWriter();
  w.stringMap({ CQL_VERSION: "3.0.0" });
  const { opcode } = await exchange(conn, OP.startup, w.toBytes());
  if (opcode === OP.ready) return;
  if (opcode !== OP.authenticate) throw new Error(`unexpected answer to STARTUP: opcode ${opcode}`);
  if (!credentials) throw new Error("the node requires authentication and no credentials given");
  const enc = new TextEncoder();
  const token = new Uint8Array([
    0,
    ...enc.encode(credentials.username),
    0,
    ...enc.encode(credentials.password),
  ]);
  const a = new ByteWriter();
  a.bytes(token);
  await request(conn, OP.authResponse, a.toBytes(), OP.authSuccess);
}

/** The cells of a Rows result whose only column is SELECT JSON's "[json]" text. */
function readJsonRows(r: ByteReader): string[] {
  const kind = r.int();
  if (kind !== RESULT_ROWS) throw new Error(`expected a Rows result, got kind ${kind}`);
  const flags = r.int();
  const columns = r.int();
  if (columns !== 1) throw new Error(`SELECT JSON returned ${columns} columns`);
  if (flags & ROWS_HAS_MORE_PAGES) r.bytes();
  // Keyspace and table: with a single column they come once, global spec or not.
  r.string();
  r.string();
  r.string(); // the column name, "[json]"
  if (r.short() === 0) r.string(); // a custom type names its class; JSON is varchar anyway
  const rows: string[] = [];
  const dec = new TextDecoder();
  for (let n = r.int(); n > 0; n--) {
    const cell = r.bytes();
    if (cell) rows.push(dec.decode(cell));
  }
  return rows;
}

async function withConnection<T>(
  t: ProbeTarget,
  timeoutMs: number,
  fn: (conn: Conn) => Promise<T>,
): Promise<T> {
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
  // Closing the connection is what ends a read that would otherwise wait for ever.
  const timer = setTimeout(() => conn.close(), timeoutMs);
  try {
    return await fn(conn);
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* already closed by the timer */ }
  }
}

/** Sends a request and returns the body of the answer, which must have opcode `expect`. */
async function request(
  conn: Conn,
  opcode: number,
  body: Uint8Array,
  expect: number,
): Promise<Uint8Array> {
  const answer = await exchange(conn, opcode, body);
  if (answer.opcode !== expect) {
    throw new Error(`unexpected answer to opcode ${opcode}: opcode ${answer.opcode}`);
  }
  return answer.body;
}

/** One request, one answer (stream 0, protocol v4); a server ERROR becomes an exception. */
async function exchange(
  conn: Conn,
  opcode: number,
  body: Uint8Array,
): Promise<{ opcode: number; body: Uint8Array }> {
  const frame = new Uint8Array(9 + body.length);
  frame.set([0x04, 0, 0, 0, opcode]);
  new DataView(frame.buffer).setInt32(5, body.length);
  frame.set(body, 9);
  await conn.write(frame);
  const header = await readExactly(conn, 9);
  const length = new DataView(header.buffer).getInt32(5);
  if ((header[0] & 0x7f) !== 4 || length < 0) {
    throw new Error(
      `unexpected answer to opcode ${opcode}: version 0x${header[0].toString(16)} opcode ${
        header[4]
      }`,
    );
  }
  let answer = await readExactly(conn, length);
  // Warnings (the only optional part a server adds unasked) precede the body proper.
  if (header[1] & FLAG_WARNING) {
    const r = new ByteReader(answer);
    r.stringList();
    answer = answer.subarray(r.pos);
  }
  if (header[4] === OP.error) {
    const r = new ByteReader(answer);
    const code = r.int();
    throw new Error(`server error 0x${code.toString(16)}: ${r.string()}`);
  }
  return { opcode: header[4], body: answer };
}

async function readExactly(conn: Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let off = 0;
  while (off < n) {
    const got = await conn.read(out.subarray(off));
    if (got === null) throw new Error("connection closed before the answer was complete");
    off += got;
  }
  return out;
}
