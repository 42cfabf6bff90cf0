/**
 * A Worker that exercises the transport picked by `defaultTransport()` inside workerd and reports
 * what happened as JSON. Driven by workerd_test.ts; `?echo=PORT` names a 127.0.0.1 echo server,
 * `?closed=PORT` a port nothing listens on, `?cql=HOST:PORT` a Cassandra (127.x only).
 */

import { defaultTransport } from "../../src/transport/detect.ts";
import { TransportError } from "../../src/transport/errors.ts";
import { OPTIONS_FRAME } from "../transport/cql_options.ts";
import { Probe } from "../transport/suite.ts";

type Report = Record<string, unknown>;

async function echo(port: number, report: Report): Promise<void> {
  const transport = await defaultTransport();
  const probe = new Probe();
  const socket = await transport.connect({ host: "127.0.0.1", port, connectTimeout: 5000 }, probe);
  report.remote = socket.remote;
  const payload = new Uint8Array(300_000).map((_, i) => i & 0xff);
  for (let offset = 0; offset < payload.length; offset += 10_000) {
    if (!socket.write(payload.subarray(offset, offset + 10_000))) await socket.drained();
  }
  await probe.until(() => probe.bytes >= payload.length, 5000, "echo");
  const back = probe.received();
  report.echoIntact = back.length === payload.length && back.every((b, i) => b === payload[i]);
  socket.close();
  socket.close();
  await probe.until(() => probe.closes.length > 0, 5000, "onClose");
  await new Promise((resolve) => setTimeout(resolve, 50));
  report.closeCalls = probe.closes.length;
  report.closeError = probe.closes[0]?.message ?? null;
}

async function expectError(report: Report, key: string, attempt: () => Promise<unknown>) {
  try {
    await attempt();
    report[key] = "connected";
  } catch (err) {
    report[key] = err instanceof TransportError
      ? { kind: err.kind, message: err.message }
      : { notTransportError: String(err) };
  }
}

async function options(address: string, report: Report): Promise<void> {
  const [host, port] = address.split(":");
  if (!host.startsWith("127.")) throw new Error("only 127.x addresses are used in tests");
  const transport = await defaultTransport();
  const probe = new Probe();
  const socket = await transport.connect({ host, port: Number(port), connectTimeout: 5000 }, probe);
  socket.write(OPTIONS_FRAME.slice());
  await probe.until(() => probe.bytes >= 9, 5000, "SUPPORTED header");
  const header = probe.received();
  report.cqlVersionByte = header[0];
  report.cqlOpcode = header[4];
  socket.close();
}

export default {
  async fetch(request: Request): Promise<Response> {
    const params = new URL(request.url).searchParams;
    const report: Report = { transport: (await defaultTransport()).name };
    try {
      const echoPort = params.get("echo");
      if (echoPort) await echo(Number(echoPort), report);
      const closed = params.get("closed");
      const transport = await defaultTransport();
      if (closed) {
        await expectError(
          report,
          "refused",
          () => transport.connect({ host: "127.0.0.1", port: Number(closed) }, new Probe()),
        );
      }
      await expectError(
        report,
        "customCa",
        () => transport.connect({ host: "127.0.0.1", port: 9, tls: { ca: "x" } }, new Probe()),
      );
      await expectError(report, "aborted", () =>
        transport.connect(
          { host: "127.0.0.1", port: Number(echoPort ?? 9), signal: AbortSignal.abort() },
          new Probe(),
        ));
      const cql = params.get("cql");
      if (cql) await options(cql, report);
    } catch (err) {
      report.failure = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
    }
    return Response.json(report);
  },
};
