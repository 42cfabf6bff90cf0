/**
 * Token functions: Murmur3 against vectors taken from Cassandra 5.0 (`SELECT token(pk)` on a
 * blob and a text partition key, every tail length 1..15 and more, with and without bytes of
 * 0x80 and above) and against a bigint transcription of the Java; MD5 and RandomPartitioner
 * tokens against openssl; routing keys of composite partition keys.
 */
import { murmur3Token } from "../../src/routing/murmur3.ts";
import { md5, md5Into } from "../../src/routing/md5.ts";
import { randomPartitionerToken } from "../../src/routing/random-partitioner.ts";
import { routingKey } from "../../src/routing/routing-key.ts";
import {
  MURMUR3_PARTITIONER,
  partitionerFor,
  RANDOM_PARTITIONER,
} from "../../src/routing/partitioner.ts";
import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import { keyForHash, referenceMurmur3Token } from "./murmur3-reference.ts";

const MIN = -(1n << 63n);
const MAX = (1n << 63n) - 1n;

function fromHex(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** MD5 digests (hex) of each input, by one `openssl dgst` run over temporary files. */
async function opensslMd5(inputs: readonly Uint8Array[]): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "cql-md5-" });
  try {
    const files = inputs.map((_, i) => `${dir}/${i}`);
    await Promise.all(inputs.map((b, i) => Deno.writeFile(files[i], b)));
    const out = await new Deno.Command("openssl", { args: ["dgst", "-md5", "-r", ...files] })
      .output();
    assert(out.success, new TextDecoder().decode(out.stderr));
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    assertEquals(lines.length, inputs.length);
    return lines.map((l) => l.slice(0, 32));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

// From Cassandra 5.0.x: `SELECT token(pk) FROM t WHERE pk = ?` with pk blob, after inserting
// each key (fetched once by hand, then frozen here).
const BLOB_VECTORS: readonly [string, bigint][] = [
  ["01", 8849112093580131862n],
  ["81", -1907894690725236177n],
  ["0227", 799513281540574969n],
  ["82a7", -2114156943346479766n],
  ["03284d", -5539475470761112520n],
  ["83a8cd", -3400792363150641457n],
  ["04294e73", 5094400054452330526n],
  ["84a9cef3", -8989243509097366593n],
  ["052a4f7419", 1273628077786985147n],
  ["85aacff499", 6676577033853525470n],
  ["062b50751a3f", 7636126508539831734n],
  ["86abd0f59abf", 7777139723491751110n],
  ["072c51761b4065", -5498138752326001665n],
  ["87acd1f69bc0e5", -7310552346972670966n],
  ["082d52771c41660b", -6583267453741995704n],
  ["88add2f79cc1e68b", -3043671216030622786n],
  ["092e53781d42670c31", 5017989777363952867n],
  ["89aed3f89dc2e78cb1", -302793790990004987n],
  ["0a2f54791e43680d3257", 4691334761264677955n],
  ["8aafd4f99ec3e88db2d7", -3274725553941027428n],
  ["0b30557a1f44690e33587d", -4256762116327185712n],
  ["8bb0d5fa9fc4e98eb3d8fd", -9120746430175861029n],
  ["0c31567b20456a0f34597e23", -3963245204246942116n],
  ["8cb1d6fba0c5ea8fb4d9fea3", 6330220996013081759n],
  ["0d32577c21466b10355a7f2449", 1654632905110833074n],
  ["8db2d7fca1c6eb90b5daffa4c9", -4310822910130815356n],
  ["0e33587d22476c11365b00254a6f", 5524794790655448272n],
  ["8eb3d8fda2c7ec91b6db80a5caef", 8590702498009453980n],
  ["0f34597e23486d12375c01264b7015", -1881587437814205511n],
  ["8fb4d9fea3c8ed92b7dc81a6cbf095", -5919489397002665135n],
  ["10355a7f24496e13385d02274c71163b", -7343649367548384153n],
  ["90b5daffa4c9ee93b8dd82a7ccf196bb", 3430833735418299576n],
  ["11365b00254a6f14395e03284d72173c61", 7253297351245262598n],
  ["91b6db80a5caef94b9de83a8cdf297bce1", -4735320804504337230n],
  ["12375c01264b70153a5f04294e73183d6207", -5985278202661309161n],
  ["92b7dc81a6cbf095badf84a9cef398bde287", -475616562792354516n],
  ["13385d02274c71163b60052a4f74193e63082d", -328865563797715997n],
  ["93b8dd82a7ccf196bbe085aacff499bee388ad", -2807107655439696666n],
  ["14395e03284d72173c61062b50751a3f64092e53", -8781572034166223626n],
  ["94b9de83a8cdf297bce186abd0f59abfe489aed3", -1482784981568829273n],
  ["153a5f04294e73183d62072c51761b40650a2f5479", 2057610191836660226n],
  ["95badf84a9cef398bde287acd1f69bc0e58aafd4f9", -4160529731886968867n],
  ["163b60052a4f74193e63082d52771c41660b30557a1f", -5191301048353235372n],
  ["96bbe085aacff499bee388add2f79cc1e68bb0d5fa9f", -9155202518523234629n],
  ["173c61062b50751a3f64092e53781d42670c31567b2045", -6126246644180354923n],
  ["97bce186abd0f59abfe489aed3f89dc2e78cb1d6fba0c5", 7724974641878607638n],
  ["183d62072c51761b40650a2f54791e43680d32577c21466b", -5129886763908170342n],
  ["98bde287acd1f69bc0e58aafd4f99ec3e88db2d7fca1c6eb", 8093470174235687124n],
  ["193e63082d52771c41660b30557a1f44690e33587d22476c11", 7079937263634903936n],
  ["99bee388add2f79cc1e68bb0d5fa9fc4e98eb3d8fda2c7ec91", 3695507926547901101n],
  ["1a3f64092e53781d42670c31567b20456a0f34597e23486d1237", -856416352596530032n],
  ["9abfe489aed3f89dc2e78cb1d6fba0c5ea8fb4d9fea3c8ed92b7", 2002951498870294262n],
  ["1b40650a2f54791e43680d32577c21466b10355a7f24496e13385d", -1964845482253475098n],
  ["9bc0e58aafd4f99ec3e88db2d7fca1c6eb90b5daffa4c9ee93b8dd", -8763038640695734217n],
  ["1c41660b30557a1f44690e33587d22476c11365b00254a6f14395e03", -8065769019225508579n],
  ["9cc1e68bb0d5fa9fc4e98eb3d8fda2c7ec91b6db80a5caef94b9de83", -1221118042755369535n],
  ["1d42670c31567b20456a0f34597e23486d12375c01264b70153a5f0429", 119266944396106901n],
  ["9dc2e78cb1d6fba0c5ea8fb4d9fea3c8ed92b7dc81a6cbf095badf84a9", 6153874819090333317n],
  ["1e43680d32577c21466b10355a7f24496e13385d02274c71163b60052a4f", 5527315130004043827n],
  ["9ec3e88db2d7fca1c6eb90b5daffa4c9ee93b8dd82a7ccf196bbe085aacf", 6738336985878572421n],
  ["1f44690e33587d22476c11365b00254a6f14395e03284d72173c61062b5075", -3880188072448894891n],
  ["9fc4e98eb3d8fda2c7ec91b6db80a5caef94b9de83a8cdf297bce186abd0f5", 3361858899151458246n],
  ["20456a0f34597e23486d12375c01264b70153a5f04294e73183d62072c51761b", -8408490822214224668n],
  ["a0c5ea8fb4d9fea3c8ed92b7dc81a6cbf095badf84a9cef398bde287acd1f69b", -6177833463351216022n],
  ["21466b10355a7f24496e13385d02274c71163b60052a4f74193e63082d52771c41", -5890507229703091838n],
  ["a1c6eb90b5daffa4c9ee93b8dd82a7ccf196bbe085aacff499bee388add2f79cc1", 2129285681290923595n],
  ["ffffffffffffffffffffffffffffffff", -2824192546314762522n],
  ["ffffffffffffffffffffffffffffffffff", -4128212798341382003n],
  [
    "00070e151c232a31383f464d545b626970777e858c939aa1a8afb6bdc4cbd2d9e0e7eef5fc030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5",
    8030174700234322958n,
  ],
];

const TEXT_VECTORS: readonly [string, bigint][] = [
  ["hello", -3758069500696749310n],
  ["Cassandra", -8102916151384655401n],
  ["é", 5461403030378599040n],
  ["日本語のテキスト", 1117207337165023463n],
  ["a", -8839064797231613815n],
];

Deno.test("murmur3: blob keys match Cassandra's token()", () => {
  for (const [hex, token] of BLOB_VECTORS) {
    assertEquals(murmur3Token(fromHex(hex)), token, `key 0x${hex}`);
  }
});

Deno.test("murmur3: text keys (UTF-8) match Cassandra's token()", () => {
  const enc = new TextEncoder();
  for (const [text, token] of TEXT_VECTORS) {
    assertEquals(murmur3Token(enc.encode(text)), token, `key ${JSON.stringify(text)}`);
  }
});

Deno.test("murmur3: agrees with the bigint transcription on random keys of 0..200 bytes", () => {
  const buf = new Uint8Array(200);
  for (let i = 0; i < 5000; i++) {
    crypto.getRandomValues(buf);
    const key = buf.subarray(0, i % 201);
    assertEquals(murmur3Token(key), referenceMurmur3Token(key), `key 0x${toHex(key)}`);
  }
});

Deno.test("murmur3: reads a key through its view (byteOffset), not its whole buffer", () => {
  const whole = fromHex("ff00112233445566778899aabbccddeeff0102ff");
  const key = whole.subarray(1, 19);
  assertEquals(murmur3Token(key), murmur3Token(whole.slice(1, 19)));
  assertEquals(murmur3Token(key), referenceMurmur3Token(key.slice()));
});

Deno.test("murmur3: the empty key has Long.MIN_VALUE; a hash of MIN_VALUE becomes MAX_VALUE", () => {
  assertEquals(murmur3Token(new Uint8Array(0)), MIN);
  const key = keyForHash(MIN);
  assertEquals(referenceMurmur3Token(key), MAX);
  assertEquals(murmur3Token(key), MAX);
  // Neighbours of the special value are left alone.
  assertEquals(murmur3Token(keyForHash(MIN + 1n)), MIN + 1n);
  assertEquals(murmur3Token(keyForHash(MAX)), MAX);
  assertEquals(murmur3Token(keyForHash(-1n)), -1n);
  assertEquals(murmur3Token(keyForHash(0n)), 0n);
});

Deno.test("md5: matches openssl for 0..300 bytes (every padding case)", async () => {
  const buf = new Uint8Array(300);
  crypto.getRandomValues(buf);
  const inputs = Array.from({ length: 301 }, (_, n) => buf.slice(0, n));
  const expected = await opensslMd5(inputs);
  for (let n = 0; n <= 300; n++) assertEquals(toHex(md5(inputs[n])), expected[n], `${n} bytes`);
  assertEquals(toHex(md5(new Uint8Array(0))), "d41d8cd98f00b204e9800998ecf8427e");
  assertEquals(toHex(md5(new TextEncoder().encode("abc"))), "900150983cd24fb0d6963f7d28e17f72");
  const into = new Uint8Array(20).fill(0xee);
  md5Into(new TextEncoder().encode("abc"), into, 2);
  assertEquals(toHex(into), "eeee900150983cd24fb0d6963f7d28e17f72eeee");
});

Deno.test("random partitioner: |signed big-endian MD5|, the empty key -1", async () => {
  const keys = Array.from(
    { length: 300 },
    (_, i) => crypto.getRandomValues(new Uint8Array(1 + i % 64)),
  );
  const digests = await opensslMd5(keys);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    let v = BigInt("0x" + digests[i]);
    if (v >= 1n << 127n) v -= 1n << 128n;
    const expected = v < 0n ? -v : v;
    const t = randomPartitionerToken(key);
    assertEquals(t, expected);
    assert(t >= 0n && t <= 1n << 127n);
  }
  // MD5("abc") = 0x9001..: negative as a Java BigInteger.
  const abc = 0x900150983cd24fb0d6963f7d28e17f72n;
  assertEquals(randomPartitionerToken(new TextEncoder().encode("abc")), (1n << 128n) - abc);
  assertEquals(randomPartitionerToken(new Uint8Array(0)), -1n);
});

Deno.test("routing key: one component is the value itself; a composite is CompositeType", () => {
  const a = fromHex("0000002a");
  assert(routingKey([a]) === a, "a single component is not copied");
  const b = new TextEncoder().encode("hé");
  assertEquals(toHex(routingKey([a, b])), "0004" + "0000002a" + "00" + "0003" + "68c3a9" + "00");
  assertEquals(toHex(routingKey([new Uint8Array(0), a])), "000000" + "0004" + "0000002a" + "00");
  const big = new Uint8Array(300).fill(7);
  const k = routingKey([big, a, b]);
  assertEquals(k.length, 303 + 7 + 6);
  assertEquals(toHex(k.subarray(0, 3)), "012c07");
  assertEquals(k[302], 0);
  assertThrows(() => routingKey([]), RangeError);
  assertThrows(() => routingKey([new Uint8Array(65536), a]), RangeError);
  assertEquals(routingKey([new Uint8Array(65535), a]).length, 65538 + 7);
});

Deno.test("routing key: composites kept by the caller are never overwritten", () => {
  // Small composites share slabs: each must stay intact however many follow.
  const kept: [Uint8Array, string][] = [];
  for (let i = 0; i < 2000; i++) {
    const a = crypto.getRandomValues(new Uint8Array(i % 40));
    const b = crypto.getRandomValues(new Uint8Array((i * 7) % 300));
    const expected = toHex(Uint8Array.of(a.length >> 8, a.length & 255)) + toHex(a) + "00" +
      toHex(Uint8Array.of(b.length >> 8, b.length & 255)) + toHex(b) + "00";
    kept.push([routingKey([a, b]), expected]);
  }
  for (const [key, expected] of kept) assertEquals(toHex(key), expected);
});

Deno.test("partitioners: names, token syntax and ranges", () => {
  assert(partitionerFor("org.apache.cassandra.dht.Murmur3Partitioner") === MURMUR3_PARTITIONER);
  assert(partitionerFor("Murmur3Partitioner") === MURMUR3_PARTITIONER);
  assert(partitionerFor("org.apache.cassandra.dht.RandomPartitioner") === RANDOM_PARTITIONER);
  assertEquals(partitionerFor("org.apache.cassandra.dht.ByteOrderedPartitioner"), undefined);
  const m = MURMUR3_PARTITIONER;
  assertEquals(m.parseToken("-9223372036854775808"), MIN);
  assertEquals(m.parseToken("9223372036854775807"), MAX);
  assertEquals(m.parseToken("9223372036854775808"), undefined);
  assertEquals(m.parseToken("42"), 42n);
  for (const bad of ["", " 1", "1 ", "0x10", "1.5", "abc", "--1"]) {
    assertEquals(m.parseToken(bad), undefined, JSON.stringify(bad));
  }
  assertEquals(
    RANDOM_PARTITIONER.parseToken("170141183460469231731687303715884105728"),
    1n << 127n,
  );
  assertEquals(RANDOM_PARTITIONER.parseToken("-2"), undefined);
  assertEquals(m.tokenOf(new TextEncoder().encode("hello")), -3758069500696749310n);
});
