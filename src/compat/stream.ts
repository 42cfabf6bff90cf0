/**
 * `client.stream()`: a Node `Readable` in object mode over every row of every page, fetching a
 * page only once the rows before it were read. `node:stream` is found at run time
 * (`process.getBuiltinModule`, or the module loaded when the first client was made), so this
 * entry imports nothing runtime-specific.
 *
 * @module
 */
import { NotSupportedError } from "./errors.ts";
import type { ResultSet } from "./types/result-set.ts";
import type { Row } from "./types/row.ts";

/** The part of Node's `Readable` the stream uses and gives. */
export interface ReadableLike {
  /** Queues a chunk (null ends the stream); false asks to wait for the next read. */
  push(chunk: unknown): boolean;
  /** Ends the stream with an error. */
  destroy(error?: Error): unknown;
  /** Calls the listeners of an event. */
  emit(event: string, ...args: unknown[]): boolean;
  /** The number of listeners of an event. */
  listenerCount(event: string): number;
  /** Listens to an event ("data", "readable", "end", "error"). */
  // deno-lint-ignore no-explicit-any
  on(event: string, listener: (...args: any[]) => void): this;
  /** The next row, or null when none is buffered (typed `any`, as a row's columns are). */
  // deno-lint-ignore no-explicit-any
  read(): any;
}

type ReadableClass = new (options: { objectMode: boolean; read(): void }) => ReadableLike;

let loaded: ReadableClass | undefined;
let loading: Promise<void> | undefined;

/** Starts loading `node:stream` where it exists (called when a client is made). */
export function preloadStream(): void {
  if (loaded !== undefined || loading !== undefined || findBuiltin() !== undefined) return;
  const spec = "node:stream";
  loading = import(spec).then(
    (m: { Readable: ReadableClass }) => {
      loaded = m.Readable;
    },
    () => {},
  );
}

function findBuiltin(): ReadableClass | undefined {
  const p = (globalThis as {
    process?: { getBuiltinModule?: (id: string) => { Readable?: ReadableClass } | undefined };
  }).process;
  const m = p?.getBuiltinModule?.("node:stream");
  if (m?.Readable) loaded = m.Readable;
  return loaded;
}

/**
 * A Readable of the rows of `first()` and of each page after it. `done` is called once, at the
 * end or with the error.
 */
export function rowStream(
  first: () => Promise<ResultSet>,
  nextOf: (rs: ResultSet) => (() => Promise<ResultSet>) | null,
  done: (err: Error | null) => void,
): ReadableLike {
  const Readable = loaded ?? findBuiltin();
  if (Readable === undefined) {
    throw new NotSupportedError("client.stream() needs node:stream, which this runtime lacks");
  }
  let rows: Row[] = [];
  let i = 0;
  let next: (() => Promise<ResultSet>) | null = first;
  let fetching = false;
  let ended = false;
  const s: ReadableLike = new Readable({ objectMode: true, read: () => pump() });
  function pump(): void {
    while (i < rows.length) if (!s.push(rows[i++])) return;
    if (fetching || ended) return;
    if (next === null) {
      ended = true;
      s.push(null);
      done(null);
      return;
    }
    const f = next;
    next = null;
    fetching = true;
    f().then((rs) => {
      fetching = false;
      rows = rs.rows ?? [];
      i = 0;
      next = nextOf(rs);
      pump();
    }, (e: Error) => {
      fetching = false;
      ended = true;
      // As cassandra-driver's stream: "error", then the end.
      if (s.listenerCount("error") > 0) {
        s.emit("error", e);
        s.push(null);
      } else {
        s.destroy(e);
      }
      done(e);
    });
  }
  return s;
}
