/**
 * `errors`: cassandra-driver's error classes, and the mapping of the native driver's errors onto
 * them at the boundary.
 *
 * @module
 */
import { Consistency } from "../protocol/consistency.ts";
import {
  AbortError,
  ClosedError,
  ConnectionError,
  NoHostAvailableError as NativeNoHost,
  RequestTimeoutError,
} from "../errors.ts";
import { ProtocolError } from "../protocol/errors.ts";
import {
  AlreadyExistsError,
  AuthenticationError as NativeAuthError,
  CasWriteUnknownError,
  FunctionFailureError,
  ReadFailureError,
  ReadTimeoutError,
  ResponseError as NativeResponseError,
  UnavailableError,
  UnpreparedError,
  WriteFailureError,
  WriteTimeoutError,
} from "../protocol/server-errors.ts";
import { toBlob } from "./buffer.ts";

type Format = (f: string, ...args: unknown[]) => string;
let utilFormat: Format | null | undefined;

/**
 * `util.format("%s", v)`, which cassandra-driver writes inner errors with (its output differs
 * between runtimes); where there is no `node:util`, the error's stack.
 */
function formatS(v: unknown): string {
  if (utilFormat === undefined) {
    const p = (globalThis as {
      process?: { getBuiltinModule?: (id: string) => { format?: Format } | undefined };
    }).process;
    utilFormat = p?.getBuiltinModule?.("node:util")?.format ?? null;
  }
  if (utilFormat !== null) return utilFormat("%s", v);
  return v instanceof Error ? v.stack ?? String(v) : String(v);
}

/** Base of every error this entry raises. */
export class DriverError extends Error {
  /** A description of the error class. */
  info: string;
  /** The statement that failed, when a statement did. */
  query?: string;
  /** The address of the node that answered with the error. */
  coordinator?: string;

  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
    this.info = "Cassandra Driver Error";
  }
}

/** No node could serve the request; `innerErrors` holds the error of each node tried. */
export class NoHostAvailableError extends DriverError {
  /** The error per node address ("host:port"); null when no node was tried. */
  innerErrors: Record<string, Error> | null;

  /** Creates the error from the per-node errors. */
  constructor(innerErrors: Record<string, Error> | null, message?: string) {
    super(message ?? "");
    this.innerErrors = innerErrors;
    this.info = "Represents an error when a query cannot be performed because no host is " +
      "available or could be reached by the driver.";
    if (!message) {
      let m = "All host(s) tried for query failed.";
      const hosts = innerErrors === null ? [] : Object.keys(innerErrors);
      if (hosts.length > 0) {
        m += ` First host tried, ${hosts[0]}: ${formatS(innerErrors![hosts[0]])}. See innerErrors.`;
      }
      this.message = m;
    }
  }
}

/** An error the server answered with; `code` is one of `types.responseErrorCodes`. */
export class ResponseError extends DriverError {
  /** The server's error code. */
  code: number;
  /** Consistency level of a timeout, failure or unavailable error. */
  consistencies?: number;
  /** Replicas required (unavailable). */
  required?: number;
  /** Replicas alive (unavailable). */
  alive?: number;
  /** Replicas that answered (timeouts, failures). */
  received?: number;
  /** Replicas required to answer (timeouts, failures). */
  blockFor?: number;
  /** Replicas that failed (failures). */
  failures?: number;
  /** Failure reason code per replica (protocol v5 failures). */
  reasons?: Record<string, number>;
  /** Whether the data replica answered (read timeouts and failures). */
  isDataPresent?: number;
  /** The kind of write (write timeouts and failures). */
  writeType?: string;
  /** Unknown prepared statement id (unprepared). */
  queryId?: Uint8Array;
  /** Keyspace (function failure, already exists). */
  keyspace?: string;
  /** Function name (function failure). */
  functionName?: string;
  /** Argument types (function failure). */
  argTypes?: string[];
  /** Table (already exists). */
  table?: string;

  /** Creates the error with the server's code and message. */
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
    this.info = "Represents an error message from the server";
  }
}

/** A bug in the driver or a node. */
export class DriverInternalError extends DriverError {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.info = "Represents a bug inside the driver or in a Cassandra host.";
  }
}

/** Authentication failed. */
export class AuthenticationError extends DriverError {
  /** The server's error, when it sent one. */
  additionalInfo?: ResponseError;
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.info = "Represents an authentication error from the driver or from a Cassandra node.";
  }
}

/** An argument of a call is not valid. */
export class ArgumentError extends DriverError {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.info =
      "Represents an error that is raised when one of the arguments provided to a method is not valid.";
  }
}

/** No answer within `socketOptions.readTimeout`. */
export class OperationTimedOutError extends DriverError {
  /** The node that did not answer. */
  host?: string;
  /** Creates the error for the node at `host`. */
  constructor(message: string, host?: string) {
    super(message);
    this.info = "Represents a client-side error that is raised when the client did not hear " +
      "back from the server within socketOptions.readTimeout";
    this.host = host;
  }
}

/** A feature this driver or the server version does not support. */
export class NotSupportedError extends DriverError {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.info =
      "Represents a feature that is not supported in the driver or in the Cassandra version.";
  }
}

/** Every connection to a node has `maxRequestsPerConnection` requests in flight. */
export class BusyConnectionError extends DriverError {
  /** Creates the error for the node at `address`. */
  constructor(address: string, maxRequestsPerConnection: number, connectionLength: number) {
    super(
      `All connections to host ${address} are busy, ${maxRequestsPerConnection} requests are ` +
        `in-flight on ${connectionLength === 1 ? "a single connection" : "each connection"}`,
    );
    this.info = "Represents a client-side error indicating that all connections to a certain " +
      "host have reached the maximum amount of in-flight requests supported " +
      "(pooling.maxRequestsPerConnection)";
  }
}

/** A vint too large for a JavaScript number. */
export class VIntOutOfRangeException extends DriverError {
  /** Creates the error. */
  constructor(value: unknown) {
    super(`Value ${value} is out of range for a JavaScript Number`);
    this.info = "Represents a run-time exception when attempting to decode a vint and the " +
      "JavaScript Number doesn't have enough space to fit the value that was decoded";
  }
}

/** Wire codes by consistency name (server errors name the level; cassandra-driver gives codes). */
const CL_CODE: Readonly<Record<string, number>> = Consistency;

function reasonsOf(m: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of m) out[k] = v;
  return out;
}

/** A server error as cassandra-driver reports it: its fields, and its message for timeouts. */
function fromServer(e: NativeResponseError): ResponseError {
  const r = new ResponseError(e.code, e.message);
  if (e instanceof UnavailableError) {
    r.consistencies = CL_CODE[e.consistency];
    r.required = e.required;
    r.alive = e.alive;
    r.message = `Not enough replicas available for query at consistency ${e.consistency} ` +
      `(${e.required} required but only ${e.alive} alive)`;
  } else if (e instanceof ReadTimeoutError) {
    r.consistencies = CL_CODE[e.consistency];
    r.received = e.received;
    r.blockFor = e.blockFor;
    r.isDataPresent = e.dataPresent ? 1 : 0;
    const details = e.received < e.blockFor
      ? `${e.received} replica(s) responded over ${e.blockFor} required`
      : !e.dataPresent
      ? "the replica queried for the data didn't respond"
      : "timeout while waiting for repair of inconsistent replica";
    r.message = `Server timeout during read query at consistency ${e.consistency} (${details})`;
  } else if (e instanceof ReadFailureError) {
    r.consistencies = CL_CODE[e.consistency];
    r.received = e.received;
    r.blockFor = e.blockFor;
    r.failures = e.failures;
    r.reasons = reasonsOf(e.reasons);
    r.isDataPresent = e.dataPresent ? 1 : 0;
    r.message = `Server failure during read query at consistency ${e.consistency} ` +
      `(${e.blockFor} responses were required but only ${e.received} replicas responded, ` +
      `${e.failures} failed)`;
  } else if (e instanceof WriteTimeoutError) {
    r.consistencies = CL_CODE[e.consistency];
    r.received = e.received;
    r.blockFor = e.blockFor;
    r.writeType = e.writeType;
    r.message = `Server timeout during ${
      e.writeType === "BATCH_LOG" ? "batchlog write" : "write query"
    } at consistency ${e.consistency} (${e.received} peer(s) acknowledged the write over ${e.blockFor} required)`;
  } else if (e instanceof WriteFailureError) {
    r.consistencies = CL_CODE[e.consistency];
    r.received = e.received;
    r.blockFor = e.blockFor;
    r.failures = e.failures;
    r.reasons = reasonsOf(e.reasons);
    r.writeType = e.writeType;
    r.message = `Server failure during write query at consistency ${e.consistency} ` +
      `(${e.blockFor} responses were required but only ${e.received} replicas responded, ` +
      `${e.failures} failed)`;
  } else if (e instanceof CasWriteUnknownError) {
    r.consistencies = CL_CODE[e.consistency];
    r.received = e.received;
    r.blockFor = e.blockFor;
  } else if (e instanceof FunctionFailureError) {
    r.keyspace = e.keyspace;
    r.functionName = e.functionName;
    r.argTypes = [...e.argTypes];
  } else if (e instanceof AlreadyExistsError) {
    r.keyspace = e.keyspace;
    r.table = e.table;
  } else if (e instanceof UnpreparedError) {
    r.queryId = toBlob(e.id);
  }
  return r;
}

/** Per-node errors keyed by address, each mapped. */
function innerErrorsOf(errors: ReadonlyMap<string, Error>): Record<string, Error> {
  const out: Record<string, Error> = {};
  for (const [address, e] of errors) out[address] = toCompatError(e);
  return out;
}

/**
 * The error cassandra-driver would raise for a native one. `query` is attached to server errors
 * of a statement, as cassandra-driver does.
 */
export function toCompatError(e: unknown, query?: string): Error {
  if (e instanceof DriverError) return e;
  if (e instanceof NativeAuthError) {
    const a = new AuthenticationError(e.message);
    a.additionalInfo = fromServer(e);
    return a;
  }
  if (e instanceof NativeResponseError) {
    const r = fromServer(e);
    if (query !== undefined) r.query = query;
    return r;
  }
  if (e instanceof NativeNoHost) {
    return new NoHostAvailableError(innerErrorsOf(e.errors));
  }
  // The native busy error, matched by shape: its fields are those cassandra-driver's takes.
  const busy = e as {
    name?: unknown;
    address?: unknown;
    maxRequestsPerConnection?: unknown;
    connections?: unknown;
  };
  if (
    e instanceof Error && busy.name === "BusyConnectionError" && typeof busy.address === "string"
  ) {
    return new BusyConnectionError(
      busy.address,
      Number(busy.maxRequestsPerConnection),
      Number(busy.connections),
    );
  }
  if (e instanceof RequestTimeoutError) {
    return new OperationTimedOutError(
      `The host ${e.address} did not reply before timeout ${e.timeoutMs} ms`,
      e.address,
    );
  }
  if (e instanceof ClosedError) {
    return new NoHostAvailableError(null, "Connecting after shutdown is not supported");
  }
  if (e instanceof ConnectionError || e instanceof AbortError) {
    const d = new DriverError(e.message);
    (d as { cause?: unknown }).cause = e;
    return d;
  }
  if (e instanceof ProtocolError) return new DriverInternalError(e.message);
  return e instanceof Error ? e : new Error(String(e));
}
