/**
 * The part of `node:net` the harness uses, typed locally (no @types/node in this repo; see
 * builtins.mjs) and loaded once. node:net rather than Deno.connect so that the ceiling runs
 * the same code on Deno and Bun.
 *
 * @module
 */

import { load } from "./builtins.mjs";

/** A TCP socket (node:net Socket, reduced to what is used here). */
export interface Socket {
  /** Queues bytes for sending. */
  write(data: Uint8Array): boolean;
  /** Received bytes. */
  on(event: "data", listener: (chunk: Uint8Array) => void): Socket;
  /** Other events (close, error). */
  on(event: string, listener: (...args: unknown[]) => void): Socket;
  /** One-shot listener (connect, error). */
  once(event: string, listener: (...args: unknown[]) => void): Socket;
  /** Turns Nagle off or on. */
  setNoDelay(noDelay: boolean): Socket;
  /** Closes at once. */
  destroy(): void;
}

/** A listening TCP server. */
export interface Server {
  /** Binds; `ready` runs once listening. */
  listen(port: number, host: string, ready: () => void): Server;
  /** Bound address. */
  address(): { port: number } | string | null;
  /** Stops accepting. */
  close(): void;
}

/** node:net, reduced. */
export interface Net {
  /** Opens a client socket. */
  connect(options: { host: string; port: number; noDelay?: boolean }): Socket;
  /** Creates a server calling `onConnection` per accepted socket. */
  createServer(onConnection: (socket: Socket) => void): Server;
}

/** The runtime's node:net. */
export const net: Net = await load("node:net");

/** Port a server listens on. */
export function portOf(server: Server): number {
  const a = server.address();
  if (!a || typeof a === "string") throw new Error("server is not listening on TCP");
  return a.port;
}
