/**
 * The Worker consumer: bundled from the installed package, with lz4-wasm's `.wasm` shipped as a
 * module of the Worker (as Workers take wasm) and handed to the client. POST `{contact}` runs the
 * steps and answers their result as JSON.
 *
 * @module
 */
import { Client } from "@cql/driver";
// @ts-ignore: the runner copies the installed lz4-wasm file here, next to the bundle.
import lz4Wasm from "./lz4.wasm";
import { exercise } from "./exercise.mjs";

export default {
  async fetch(request) {
    if (request.method !== "POST") return new Response("ready");
    const { contact } = await request.json();
    try {
      return Response.json(await exercise(Client, contact, { lz4Wasm }));
    } catch (e) {
      return new Response(String(e?.stack ?? e), { status: 500 });
    }
  },
};
