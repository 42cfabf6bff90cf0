/**
 * `npm run demo`: starts the local Cassandra when none answers on 127.0.0.1:9042, then shows the
 * driver talking to it. Until the client lands this is a raw protocol handshake: OPTIONS, STARTUP,
 * and a QUERY for the server's release_version.
 *
 * @module
 */
import { ByteReader, ByteWriter } from "../src/protocol/bytes.ts";
import { start } from "./cassandra/launcher.ts";
import { answers } from "./cassandra/probe.ts";

const host = "127.0.0.1", port = 9042;

function frame(stream: number, opcode: number, body: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter();
  w.raw(new Uint8Array([0x04, 0, 0, stream, opcode, 0, 0, 0, 0]));
  body(w);
  w.setIntAt(5, w.length - 9);
  return w.toBytes();
}

async function readFrame(conn: Deno.Conn): Promise<{ opcode: number; body: Uint8Array }> {
  const header = await readN(conn, 9);
  const len = new DataView(header.buffer).getInt32(5);
  return { opcode: header[4], body: await readN(conn, len) };
}

async function readN(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  for (let off = 0; off < n;) {
    const got = await conn.read(out.subarray(off));
    if (got === null) throw new Error("server closed the connection");
    off += got;
  }
  return out;
}

if (!await answers({ host, port })) {
  console.log(
    `no Cassandra on ${host}:${port}: starting the local one (npm run cassandra -- start)`,
  );
  await start({ name: "main" });
}
const conn = await Deno.connect({ hostname: host, port });
try {
  await conn.write(frame(1, 0x05, () => {}));
  const supported = new ByteReader((await readFrame(conn)).body).stringMultimap();
  console.log("SUPPORTED:");
  for (const [k, v] of Object.entries(supported)) console.log(`  ${k}: ${v.join(", ")}`);

  await conn.write(frame(2, 0x01, (w) => w.stringMap({ CQL_VERSION: "3.0.0" })));
  const ready = await readFrame(conn);
  if (ready.opcode !== 0x02) throw new Error(`expected READY, got opcode ${ready.opcode}`);

  await conn.write(frame(3, 0x07, (w) => {
    w.longString("SELECT release_version FROM system.local");
    w.short(0x0001); // consistency ONE
    w.byte(0); // no query flags
  }));
  const res = await readFrame(conn);
  const r = new ByteReader(res.body);
  if (res.opcode !== 0x08 || r.int() !== 0x0002) throw new Error("expected a Rows result");
  const flags = r.int(), columns = r.int();
  if (flags & 0x0001) r.string(), r.string(); // global table spec
  for (let i = 0; i < columns; i++) {
    if (!(flags & 0x0001)) r.string(), r.string();
    r.string();
    r.short(); // varchar
  }
  r.int(); // row count
  console.log(`release_version: ${new TextDecoder().decode(r.bytes()!)}`);
} finally {
  conn.close();
}
