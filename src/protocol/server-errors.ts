/**
 * Errors reported by the server in ERROR responses (spec section 9; v5 section 8), one class per
 * error code, each carrying the code's extra fields.
 *
 * @module
 */
import type { ByteReader } from "./bytes.ts";
import { consistencyName } from "./consistency.ts";
import { ProtocolError } from "./errors.ts";
import { formatInetAddress } from "./metadata.ts";

/** ERROR codes. */
export const ErrorCode = {
  ServerError: 0x0000,
  ProtocolError: 0x000a,
  AuthenticationError: 0x0100,
  Unavailable: 0x1000,
  Overloaded: 0x1001,
  IsBootstrapping: 0x1002,
  TruncateError: 0x1003,
  WriteTimeout: 0x1100,
  ReadTimeout: 0x1200,
  ReadFailure: 0x1300,
  FunctionFailure: 0x1400,
  WriteFailure: 0x1500,
  CdcWriteFailure: 0x1600,
  CasWriteUnknown: 0x1700,
  SyntaxError: 0x2000,
  Unauthorized: 0x2100,
  Invalid: 0x2200,
  ConfigError: 0x2300,
  AlreadyExists: 0x2400,
  Unprepared: 0x2500,
} as const;

/**
 * Base of every error the server reports. An unknown code (from a newer server) arrives as a
 * plain ResponseError carrying that code.
 *
 * @example
 * ```ts
 * import { ResponseError, UnavailableError } from "./server-errors.ts";
 * function explain(e: unknown): string {
 *   if (e instanceof UnavailableError) return `${e.alive}/${e.required} at ${e.consistency}`;
 *   if (e instanceof ResponseError) return `server error 0x${e.code.toString(16)}`;
 *   return String(e);
 * }
 * ```
 */
export class ResponseError extends Error {
  /** Error class name, as shown in stack traces. */
  override name = "ResponseError";
  /** The ERROR code. */
  readonly code: number;
  /** Creates an error with the server's code and message. */
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** 0x0000: something unexpected happened on the server (a server bug). */
export class ServerError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "ServerError";
}
/** 0x000A: the server says the client violated the protocol. */
export class ServerProtocolError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "ServerProtocolError";
}
/** 0x0100: authentication failed (bad credentials). */
export class AuthenticationError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "AuthenticationError";
}
/** 0x1001: the coordinator is overloaded. */
export class OverloadedError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "OverloadedError";
}
/** 0x1002: the coordinator is bootstrapping. */
export class IsBootstrappingError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "IsBootstrappingError";
}
/** 0x1003: a TRUNCATE failed. */
export class TruncateError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "TruncateError";
}
/** 0x1600: a write to a CDC table failed because CDC space is exhausted. */
export class CdcWriteFailureError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "CdcWriteFailureError";
}
/** 0x2000: the query has a syntax error. */
export class CqlSyntaxError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "CqlSyntaxError";
}
/** 0x2100: the user lacks a permission. */
export class UnauthorizedError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "UnauthorizedError";
}
/** 0x2200: the query is syntactically correct but invalid. */
export class InvalidQueryError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "InvalidQueryError";
}
/** 0x2300: the query is invalid because of the server configuration. */
export class ConfigError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "ConfigError";
}

/** 0x1000: not enough replicas alive to reach the consistency level. */
export class UnavailableError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "UnavailableError";
  /** Creates the error; `consistency` is a level name like "LOCAL_QUORUM". */
  constructor(
    message: string,
    /** Consistency level requested. */
    readonly consistency: string,
    /** Replicas needed. */
    readonly required: number,
    /** Replicas known alive. */
    readonly alive: number,
  ) {
    super(ErrorCode.Unavailable, message);
  }
}

/** 0x1100: a write timed out. */
export class WriteTimeoutError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "WriteTimeoutError";
  /** Creates the error; `contentions` is set only for CAS writes on v5. */
  constructor(
    message: string,
    /** Consistency level requested. */
    readonly consistency: string,
    /** Replicas that acknowledged. */
    readonly received: number,
    /** Acknowledgements required. */
    readonly blockFor: number,
    /** SIMPLE, BATCH, UNLOGGED_BATCH, COUNTER, BATCH_LOG, CAS, VIEW or CDC. */
    readonly writeType: string,
    /** v5, CAS writes only: number of contentions during the Paxos round. */
    readonly contentions?: number,
  ) {
    super(ErrorCode.WriteTimeout, message);
  }
}

/** 0x1200: a read timed out. */
export class ReadTimeoutError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "ReadTimeoutError";
  /** Creates the error. */
  constructor(
    message: string,
    /** Consistency level requested. */
    readonly consistency: string,
    /** Replicas that answered. */
    readonly received: number,
    /** Answers required. */
    readonly blockFor: number,
    /** Whether the replica asked for data answered. */
    readonly dataPresent: boolean,
  ) {
    super(ErrorCode.ReadTimeout, message);
  }
}

/** 0x1300: a read failed on some replicas (not a timeout). */
export class ReadFailureError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "ReadFailureError";
  /** Creates the error. */
  constructor(
    message: string,
    /** Consistency level requested. */
    readonly consistency: string,
    /** Replicas that answered. */
    readonly received: number,
    /** Answers required. */
    readonly blockFor: number,
    /** Number of replicas that failed. */
    readonly failures: number,
    /** v5: failure reason code per replica address; empty on v4. */
    readonly reasons: ReadonlyMap<string, number>,
    /** Whether the replica asked for data answered. */
    readonly dataPresent: boolean,
  ) {
    super(ErrorCode.ReadFailure, message);
  }
}

/** 0x1500: a write failed on some replicas (not a timeout). */
export class WriteFailureError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "WriteFailureError";
  /** Creates the error. */
  constructor(
    message: string,
    /** Consistency level requested. */
    readonly consistency: string,
    /** Replicas that acknowledged. */
    readonly received: number,
    /** Acknowledgements required. */
    readonly blockFor: number,
    /** Number of replicas that failed. */
    readonly failures: number,
    /** v5: failure reason code per replica address; empty on v4. */
    readonly reasons: ReadonlyMap<string, number>,
    /** Write type, as in {@link WriteTimeoutError}. */
    readonly writeType: string,
  ) {
    super(ErrorCode.WriteFailure, message);
  }
}

/** 0x1400: a user-defined function failed. */
export class FunctionFailureError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "FunctionFailureError";
  /** Creates the error. */
  constructor(
    message: string,
    /** Keyspace of the function. */
    readonly keyspace: string,
    /** Function name. */
    readonly functionName: string,
    /** CQL types of its arguments. */
    readonly argTypes: readonly string[],
  ) {
    super(ErrorCode.FunctionFailure, message);
  }
}

/** 0x1700 (v5): a contended CAS write may or may not have been applied. */
export class CasWriteUnknownError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "CasWriteUnknownError";
  /** Creates the error. */
  constructor(
    message: string,
    /** Consistency level requested. */
    readonly consistency: string,
    /** Replicas that acknowledged. */
    readonly received: number,
    /** Acknowledgements required. */
    readonly blockFor: number,
  ) {
    super(ErrorCode.CasWriteUnknown, message);
  }
}

/** 0x2400: the keyspace or table already exists. */
export class AlreadyExistsError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "AlreadyExistsError";
  /** Creates the error; `table` is "" when a keyspace already exists. */
  constructor(message: string, readonly keyspace: string, readonly table: string) {
    super(ErrorCode.AlreadyExists, message);
  }
}

/** 0x2500: the prepared statement id is unknown to this node; re-prepare and retry. */
export class UnpreparedError extends ResponseError {
  /** Error class name, as shown in stack traces. */
  override name = "UnpreparedError";
  /** Creates the error with the unknown statement id (a copy). */
  constructor(message: string, readonly id: Uint8Array) {
    super(ErrorCode.Unprepared, message);
  }
}

const SIMPLE: Record<number, new (code: number, message: string) => ResponseError> = {
  [ErrorCode.ServerError]: ServerError,
  [ErrorCode.ProtocolError]: ServerProtocolError,
  [ErrorCode.AuthenticationError]: AuthenticationError,
  [ErrorCode.Overloaded]: OverloadedError,
  [ErrorCode.IsBootstrapping]: IsBootstrappingError,
  [ErrorCode.TruncateError]: TruncateError,
  [ErrorCode.CdcWriteFailure]: CdcWriteFailureError,
  [ErrorCode.SyntaxError]: CqlSyntaxError,
  [ErrorCode.Unauthorized]: UnauthorizedError,
  [ErrorCode.Invalid]: InvalidQueryError,
  [ErrorCode.ConfigError]: ConfigError,
};

/** Reads the v5 <reasonmap>: [int] n then n pairs of [inetaddr] and [short] reason code. */
function readReasonMap(r: ByteReader): { failures: number; reasons: Map<string, number> } {
  const n = r.int();
  // Each entry is at least 1 + 4 + 2 bytes.
  if (n < 0 || n * 7 > r.remaining) throw new ProtocolError(`bad reason map size ${n}`);
  const out = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const addr = formatInetAddress(r.inetAddrBytes());
    out.set(addr, r.short());
  }
  return { failures: n, reasons: out };
}

const NO_REASONS: ReadonlyMap<string, number> = new Map();

/**
 * Reads an ERROR body (after any envelope fields) into the matching error class. `version` picks
 * between the v4 and v5 layouts of the failure errors. Extra trailing bytes are ignored, as the
 * spec asks.
 */
export function readError(r: ByteReader, version: number): ResponseError {
  const code = r.int();
  const message = r.string();
  const simple = SIMPLE[code];
  if (simple !== undefined) return new simple(code, message);
  switch (code) {
    case ErrorCode.Unavailable:
      return new UnavailableError(message, consistencyName(r.short()), r.int(), r.int());
    case ErrorCode.WriteTimeout: {
      const cl = consistencyName(r.short());
      const received = r.int();
      const blockFor = r.int();
      const writeType = r.string();
      // v5 appends the CAS contention count; be lenient if an older server omits it.
      const contentions = version >= 5 && writeType === "CAS" && r.remaining >= 2
        ? r.short()
        : undefined;
      return new WriteTimeoutError(message, cl, received, blockFor, writeType, contentions);
    }
    case ErrorCode.ReadTimeout:
      return new ReadTimeoutError(
        message,
        consistencyName(r.short()),
        r.int(),
        r.int(),
        r.byte() !== 0,
      );
    case ErrorCode.ReadFailure: {
      const cl = consistencyName(r.short());
      const received = r.int();
      const blockFor = r.int();
      const { failures, reasons } = readFailures(r, version);
      return new ReadFailureError(
        message,
        cl,
        received,
        blockFor,
        failures,
        reasons,
        r.byte() !== 0,
      );
    }
    case ErrorCode.WriteFailure: {
      const cl = consistencyName(r.short());
      const received = r.int();
      const blockFor = r.int();
      const { failures, reasons } = readFailures(r, version);
      return new WriteFailureError(message, cl, received, blockFor, failures, reasons, r.string());
    }
    case ErrorCode.FunctionFailure:
      return new FunctionFailureError(message, r.string(), r.string(), r.stringList());
    case ErrorCode.CasWriteUnknown:
      return new CasWriteUnknownError(message, consistencyName(r.short()), r.int(), r.int());
    case ErrorCode.AlreadyExists:
      return new AlreadyExistsError(message, r.string(), r.string());
    case ErrorCode.Unprepared:
      return new UnpreparedError(message, r.shortBytes().slice());
    default:
      return new ResponseError(code, message);
  }
}

function readFailures(
  r: ByteReader,
  version: number,
): { failures: number; reasons: ReadonlyMap<string, number> } {
  if (version >= 5) return readReasonMap(r);
  return { failures: r.int(), reasons: NO_REASONS };
}
