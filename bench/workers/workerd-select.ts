/**
 * Runs inside workerd for bench/runtime-throughput.ts: prepared single-row SELECTs through the
 * public Client at a given concurrency, answering with the operations per second. A Worker has
 * no process CPU or RSS to report, so only throughput is measured here.
 *
 * @module
 */
import { Client } from "../../mod.ts";

interface Job {
  host: string;
  port: number;
  total: number;
  concurrency: number;
}

export default {
  async fetch(req: Request): Promise<Response> {
    if (req.method !== "POST") return new Response("ready");
    const job = await req.json() as Job;
    const client = new Client({ contactPoints: [`${job.host}:${job.port}`] });
    try {
      await client.execute("SELECT key FROM system.local WHERE key = ?", ["local"]);
      let next = 0;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: job.concurrency }, async () => {
        while (next < job.total) {
          next++;
          const rs = await client.execute("SELECT key FROM system.local WHERE key = ?", ["local"]);
          if (rs.rowLength !== 1) throw new Error("no row");
        }
      }));
      // Workers freeze the clock during I/O-free stretches only; across awaits on sockets it
      // advances, so this is the wall time of the run.
      const seconds = (performance.now() - t0) / 1000;
      return Response.json({ ops_per_sec: job.total / seconds, seconds });
    } finally {
      await client.close();
    }
  },
};
