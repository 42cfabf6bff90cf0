/**
 * The conformance suite inside workerd, against mod.ts bundled into the Worker. run-workerd.ts
 * POSTs `{servers, control}` and gets the outcomes back as JSON; GET answers "ready".
 *
 * - LZ4: the wasm is a module of the Worker (config: `wasm = embed "lz4.wasm"`), as a Workers
 *   user ships it, and goes to the client as `lz4Wasm`. It is imported through a variable so the
 *   bundler leaves the import to workerd and `deno check` does not try to type the wasm.
 * - Proxy: a Worker cannot listen, so the proxy to cut runs in run-workerd.ts and the Worker
 *   drives it over HTTP (`control`).
 *
 * @module
 */
import * as driver from "../../mod.ts";
import { type Context, type Proxy, runChecks } from "./checks.mjs";
import type { ConformanceServers } from "./clusters.ts";

async function lz4Module(): Promise<WebAssembly.Module> {
  const name = "./lz4.wasm";
  return ((await import(name)) as { default: WebAssembly.Module }).default;
}

async function call(url: string): Promise<Response> {
  const res = await fetch(url, { method: "POST" });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

function remoteProxy(control: string): () => Promise<Proxy> {
  return async () => {
    const { id, port } = await (await call(`${control}/proxy`)).json() as {
      id: string;
      port: number;
    };
    return {
      host: "127.0.0.1",
      port,
      hold: async () => void (await call(`${control}/proxy/${id}/hold`)).body?.cancel(),
      cut: async () => void (await call(`${control}/proxy/${id}/cut`)).body?.cancel(),
    };
  };
}

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method !== "POST") return new Response("ready");
    const { servers, control } = await request.json() as {
      servers: ConformanceServers;
      control: string;
    };
    const ctx: Context = {
      runtime: "workerd",
      driver,
      contact: servers.contact,
      tls: servers.tls,
      lz4Wasm: await lz4Module(),
      startProxy: remoteProxy(control),
    };
    return Response.json(await runChecks(ctx));
  },
};
