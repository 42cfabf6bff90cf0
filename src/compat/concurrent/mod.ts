/**
 * `concurrent.executeConcurrent`: runs one statement for many parameter sets (an array or an
 * object-mode Node stream of arrays), or many statements, with a bound on requests in flight,
 * as cassandra-driver documents it.
 *
 * @module
 */
import type { CompatParams } from "../convert-in.ts";
import type { ExecutionProfile } from "../profiles.ts";
import type { ResultSet } from "../types/result-set.ts";

/** The options of `executeConcurrent`. */
export interface ExecuteConcurrentOptions {
  /** The profile of every request. */
  executionProfile?: string | ExecutionProfile;
  /** Requests in flight at most. Default 100. */
  concurrencyLevel?: number;
  /** Reject at the first error (default true); else collect errors and go on. */
  raiseOnFirstError?: boolean;
  /** Keep each result (or error) in `resultItems`, by input position. Default false. */
  collectResults?: boolean;
  /** Errors kept at most in `errors`. Default 100. */
  maxErrors?: number;
}

/** What `executeConcurrent` needs of a client. */
export interface ConcurrentClient {
  /** Runs one statement. */
  execute(query: string, params?: CompatParams | null, options?: object | null): Promise<ResultSet>;
}

/** An object-mode stream of parameter arrays, as Node's `Readable` is. */
export interface ParamStream {
  /** Listens to "data", "error" and "end". */
  on(event: string, listener: (value?: unknown) => void): unknown;
  /** Stops "data" events. */
  pause(): unknown;
  /** Resumes "data" events. */
  resume(): unknown;
  /** Whether the stream is paused. */
  isPaused(): boolean;
}

/** One statement of the queries-array form. */
export interface ConcurrentQuery {
  /** The statement. */
  query: string;
  /** Its parameters. */
  params?: CompatParams;
}

/** The outcome of `executeConcurrent`. */
export class ResultSetGroup {
  /** Requests that completed, successfully or not. */
  totalExecuted = 0;
  /** The errors, up to `maxErrors`. */
  errors: Error[] = [];
  readonly #collect: boolean;
  readonly #maxErrors: number;
  readonly #items: (ResultSet | Error)[] = [];

  /** A group for `options`. */
  constructor(options: ExecuteConcurrentOptions) {
    this.#collect = !!options.collectResults;
    this.#maxErrors = options.maxErrors || 100;
  }

  /** Each result or error by input position; only with `collectResults`. */
  get resultItems(): (ResultSet | Error)[] {
    if (!this.#collect) {
      throw new Error(
        "Property resultItems can not be accessed when collectResults is set to false",
      );
    }
    return this.#items;
  }

  /** Records a result. */
  setResultItem(index: number, rs: ResultSet): void {
    this.totalExecuted++;
    if (this.#collect) this.#items[index] = rs;
  }

  /** Records an error. */
  setError(index: number, err: Error): void {
    this.totalExecuted++;
    if (this.errors.length < this.#maxErrors) this.errors.push(err);
    if (this.#collect) this.#items[index] = err;
  }
}

function isParamStream(v: unknown): v is ParamStream {
  const s = v as ParamStream | null;
  return !!s && typeof s.on === "function" && typeof s.pause === "function" &&
    typeof s.resume === "function" && typeof s.isPaused === "function";
}

/** Every item of an array, `level` workers each taking the next index. */
async function runArray(
  client: ConcurrentClient,
  query: string | null,
  items: readonly unknown[],
  options: ExecuteConcurrentOptions,
): Promise<ResultSetGroup> {
  const raise = options.raiseOnFirstError !== false;
  const level = Math.min(options.concurrencyLevel || 100, items.length);
  const group = new ResultSetGroup(options);
  const execOptions = { prepare: true, executionProfile: options.executionProfile };
  let next = 0;
  let stop = false;
  const worker = async () => {
    while (!stop && next < items.length) {
      const index = next++;
      const item = items[index];
      const q = query ?? (item as ConcurrentQuery).query;
      const p = query === null ? (item as ConcurrentQuery).params : item as CompatParams;
      try {
        group.setResultItem(index, await client.execute(q, p, execOptions));
      } catch (e) {
        group.setError(index, e as Error);
        if (raise) {
          stop = true;
          throw e;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: level }, worker));
  return group;
}

/** Every array the stream gives, pausing it while `level` requests are in flight. */
function runStream(
  client: ConcurrentClient,
  query: string,
  stream: ParamStream,
  options: ExecuteConcurrentOptions,
): Promise<ResultSetGroup> {
  const raise = options.raiseOnFirstError !== false;
  const level = options.concurrencyLevel || 100;
  const group = new ResultSetGroup(options);
  const execOptions = { prepare: true, executionProfile: options.executionProfile };
  return new Promise((resolve, reject) => {
    let inFlight = 0, index = 0, ended = false;
    const end = (err?: Error) => {
      if (ended) return;
      ended = true;
      if (err) reject(err);
      else if (inFlight === 0) resolve(group);
    };
    const settle = () => {
      inFlight--;
      if (stream.isPaused()) stream.resume();
      if (ended && inFlight === 0) resolve(group);
    };
    stream.on("data", (params) => {
      if (!Array.isArray(params)) {
        return end(new TypeError("Stream should be in objectMode and should emit Array instances"));
      }
      if (ended) return;
      const i = index++;
      inFlight++;
      client.execute(query, params, execOptions).then((rs) => {
        group.setResultItem(i, rs);
        settle();
      }, (e) => {
        group.setError(i, e);
        if (raise) end(e);
        settle();
      });
      if (inFlight >= level) stream.pause();
    });
    stream.on("error", (e) => end(e as Error));
    stream.on("end", () => end());
  });
}

/**
 * Runs `query` once per parameter set of `parameters` (an array, or an object-mode stream of
 * arrays), or each `{ query, params }` of an array, prepared, at most `concurrencyLevel` at a
 * time. Resolves to a {@link ResultSetGroup}; rejects at the first error unless
 * `raiseOnFirstError` is false.
 */
export function executeConcurrent(
  client: ConcurrentClient,
  query: string | readonly ConcurrentQuery[],
  parameters?: readonly CompatParams[] | ParamStream | ExecuteConcurrentOptions,
  options?: ExecuteConcurrentOptions,
): Promise<ResultSetGroup> {
  if (!client) throw new TypeError("Client instance is not defined");
  if (typeof query === "string") {
    if (Array.isArray(parameters)) return runArray(client, query, parameters, options ?? {});
    if (isParamStream(parameters)) return runStream(client, query, parameters, options ?? {});
    throw new TypeError("parameters should be an Array or a Stream instance");
  }
  if (Array.isArray(query)) {
    return runArray(client, null, query, (parameters as ExecuteConcurrentOptions) ?? {});
  }
  throw new TypeError("A string query or query and parameters array should be provided");
}
