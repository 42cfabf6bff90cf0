/**
 * Response decoding: a frame in, a typed message out. Rows are left undecoded (a byte view plus
 * metadata) for the row decoder of `types/`.
 *
 * @module
 */
import { ByteReader } from "./bytes.ts";
import { type Compressor, decompressFrameV4 } from "./compression.ts";
import { ProtocolError } from "./errors.ts";
import {
  DEFAULT_MAX_FRAME_LENGTH,
  ENVELOPE_FLAGS,
  type Frame,
  FrameFlag,
  type FrameHeader,
  type HeaderLimits,
  parseFrame,
  readEnvelope,
  type ResponseEnvelope,
} from "./frame.ts";
import {
  type InetAddress,
  type PreparedMetadata,
  readInet,
  readPreparedMetadata,
  readRowsMetadata,
  type RowsMetadata,
} from "./metadata.ts";
import { Opcode, opcodeName } from "./opcodes.ts";
import { readError, type ResponseError } from "./server-errors.ts";

/** RESULT kinds. */
export const ResultKind = {
  Void: 0x0001,
  Rows: 0x0002,
  SetKeyspace: 0x0003,
  Prepared: 0x0004,
  SchemaChange: 0x0005,
} as const;

/** A byte range inside a buffer: `buf[offset, end)`. */
export interface ByteView {
  /** The underlying bytes. */
  readonly buf: Uint8Array;
  /** Start offset (inclusive). */
  readonly offset: number;
  /** End offset (exclusive). */
  readonly end: number;
  /** A DataView over `buf` from `buf.byteOffset`, when the decoder had one to share. */
  readonly view?: DataView;
}

/** A schema change, from a RESULT or a SCHEMA_CHANGE event. */
export interface SchemaChange {
  /** "CREATED", "UPDATED" or "DROPPED". */
  readonly change: string;
  /** "KEYSPACE", "TABLE", "TYPE", "FUNCTION" or "AGGREGATE". */
  readonly target: string;
  /** Keyspace name. */
  readonly keyspace: string;
  /** Table, type, function or aggregate name; absent for KEYSPACE. */
  readonly name?: string;
  /** Argument CQL types, for FUNCTION and AGGREGATE. */
  readonly argTypes?: readonly string[];
}

/** ERROR: the server's error as a typed exception, not thrown. */
export interface ErrorMessage {
  /** Discriminant of the message. */
  readonly kind: "error";
  /** The server error. */
  readonly error: ResponseError;
}
/** READY. */
export interface ReadyMessage {
  /** Discriminant of the message. */
  readonly kind: "ready";
}
/** AUTHENTICATE: which authenticator the server uses. */
export interface AuthenticateMessage {
  /** Discriminant of the message. */
  readonly kind: "authenticate";
  /** Fully qualified class name, e.g. "org.apache.cassandra.auth.PasswordAuthenticator". */
  readonly authenticator: string;
}
/** AUTH_CHALLENGE. */
export interface AuthChallengeMessage {
  /** Discriminant of the message. */
  readonly kind: "authChallenge";
  /** The SASL token (a copy), possibly null. */
  readonly token: Uint8Array | null;
}
/** AUTH_SUCCESS. */
export interface AuthSuccessMessage {
  /** Discriminant of the message. */
  readonly kind: "authSuccess";
  /** Final SASL token (a copy), possibly null. */
  readonly token: Uint8Array | null;
}
/** SUPPORTED: the STARTUP options the server accepts. */
export interface SupportedMessage {
  /** Discriminant of the message. */
  readonly kind: "supported";
  /** Each supported option with its accepted values. */
  readonly options: Record<string, string[]>;
}
/** RESULT Void. */
export interface VoidResult {
  /** Discriminant of the message. */
  readonly kind: "void";
}
/** RESULT Rows: metadata plus the undecoded rows. */
export interface RowsResult {
  /** Discriminant of the message. */
  readonly kind: "rows";
  /** Column metadata and paging state. */
  readonly metadata: RowsMetadata;
  /** Number of rows in {@link content}. */
  readonly rowCount: number;
  /**
   * The <rows_content>: `rowCount × metadata.columnCount` [bytes] cells. A view into the frame
   * body, valid as long as the body is.
   */
  readonly content: ByteView;
}
/** RESULT Set_keyspace. */
export interface SetKeyspaceResult {
  /** Discriminant of the message. */
  readonly kind: "setKeyspace";
  /** Keyspace name. */
  readonly keyspace: string;
}
/** RESULT Prepared. */
export interface PreparedResult {
  /** Discriminant of the message. */
  readonly kind: "prepared";
  /** Statement id (a copy). */
  readonly id: Uint8Array;
  /** v5: result metadata id to send with EXECUTE (a copy); null on v4. */
  readonly resultMetadataId: Uint8Array | null;
  /** Bind markers. */
  readonly variables: PreparedMetadata;
  /** Metadata of the rows an EXECUTE will return (may have no columns). */
  readonly resultMetadata: RowsMetadata;
}
/** RESULT Schema_change. */
export interface SchemaChangeResult {
  /** Discriminant of the message. */
  readonly kind: "schemaChange";
  /** What changed. */
  readonly change: SchemaChange;
}
/** EVENT TOPOLOGY_CHANGE. */
export interface TopologyChangeEvent {
  /** Discriminant of the message. */
  readonly kind: "event";
  /** Event type. */
  readonly type: "TOPOLOGY_CHANGE";
  /** "NEW_NODE" or "REMOVED_NODE" (or "MOVED_NODE" from old servers). */
  readonly change: string;
  /** The node concerned, with its native-protocol port. */
  readonly node: InetAddress;
}
/** EVENT STATUS_CHANGE. */
export interface StatusChangeEvent {
  /** Discriminant of the message. */
  readonly kind: "event";
  /** Event type. */
  readonly type: "STATUS_CHANGE";
  /** "UP" or "DOWN". */
  readonly change: string;
  /** The node concerned, with its native-protocol port. */
  readonly node: InetAddress;
}
/** EVENT SCHEMA_CHANGE. */
export interface SchemaChangeEvent {
  /** Discriminant of the message. */
  readonly kind: "event";
  /** Event type. */
  readonly type: "SCHEMA_CHANGE";
  /** What changed. */
  readonly change: SchemaChange;
}
/** An event type this driver does not know; the body after the type is left raw. */
export interface UnknownEvent {
  /** Discriminant of the message. */
  readonly kind: "event";
  /** Event type. */
  readonly type: "UNKNOWN";
  /** The event type string the server sent. */
  readonly name: string;
}

/** Any RESULT. */
export type ResultMessage =
  | VoidResult
  | RowsResult
  | SetKeyspaceResult
  | PreparedResult
  | SchemaChangeResult;

/** Any EVENT. */
export type EventMessage =
  | TopologyChangeEvent
  | StatusChangeEvent
  | SchemaChangeEvent
  | UnknownEvent;

/** Any response message. */
export type ResponseMessage =
  | ErrorMessage
  | ReadyMessage
  | AuthenticateMessage
  | AuthChallengeMessage
  | AuthSuccessMessage
  | SupportedMessage
  | ResultMessage
  | EventMessage;

/** A decoded response: the header, the envelope fields and the message. */
export interface Response extends ResponseEnvelope {
  /** The frame header. */
  readonly header: FrameHeader;
  /** The decoded message. */
  readonly message: ResponseMessage;
}

/** Options of {@link decodeResponse}. */
export interface DecodeOptions {
  /** Needed to decode v4 frames with the COMPRESSION flag. */
  readonly compressor?: Compressor;
  /** Largest decompressed body accepted (default 256 MiB). */
  readonly maxFrameLength?: number;
}

/**
 * Decodes a response frame. The layout used is the one of `frame.header.version`. Any malformed
 * body, including unknown opcodes or result kinds, is a ProtocolError; an ERROR response is not
 * thrown but returned as `{ kind: "error", error }`.
 *
 * @example
 * ```ts
 * import { decodeResponse } from "./responses.ts";
 * import { parseFrame } from "./frame.ts";
 * const ready = parseFrame(new Uint8Array([0x84, 0, 0, 1, 0x02, 0, 0, 0, 0]));
 * console.log(decodeResponse(ready).message.kind); // "ready"
 * ```
 */
export function decodeResponse(frame: Frame, options: DecodeOptions = {}): Response {
  if (frame.header.flags & FrameFlag.Compression && frame.header.version < 5) {
    if (options.compressor === undefined) {
      throw new ProtocolError("received a compressed frame but no compression was negotiated");
    }
    frame = decompressFrameV4(
      frame,
      options.compressor,
      options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH,
    );
  }
  const { header, body } = frame;
  const r = new ByteReader(body);
  if ((header.flags & ENVELOPE_FLAGS) === 0) {
    // Most responses carry no envelope: a literal rather than a spread of an empty one (object
    // spread is a slow builtin call in V8 and JavaScriptCore).
    return { header, message: readMessage(r, header.opcode, header.version) };
  }
  const envelope = readEnvelope(r, header.flags);
  const message = readMessage(r, header.opcode, header.version);
  return { header, ...envelope, message };
}

/** Parses and decodes one complete response frame held in `bytes`, e.g. a recorded golden frame. */
export function decodeResponseBytes(
  bytes: Uint8Array,
  options: DecodeOptions & HeaderLimits = {},
): Response {
  return decodeResponse(parseFrame(bytes, options), options);
}

function readMessage(r: ByteReader, opcode: number, version: number): ResponseMessage {
  switch (opcode) {
    case Opcode.Error:
      return { kind: "error", error: readError(r, version) };
    case Opcode.Ready:
      return { kind: "ready" };
    case Opcode.Authenticate:
      return { kind: "authenticate", authenticator: r.string() };
    case Opcode.AuthChallenge:
      return { kind: "authChallenge", token: r.bytes()?.slice() ?? null };
    case Opcode.AuthSuccess:
      return { kind: "authSuccess", token: r.bytes()?.slice() ?? null };
    case Opcode.Supported:
      return { kind: "supported", options: r.stringMultimap() };
    case Opcode.Result:
      return readResult(r, version);
    case Opcode.Event:
      return readEvent(r);
    default:
      throw new ProtocolError(`unexpected opcode ${opcodeName(opcode)} in a response`);
  }
}

function readResult(r: ByteReader, version: number): ResultMessage {
  const kind = r.int();
  switch (kind) {
    case ResultKind.Void:
      return { kind: "void" };
    case ResultKind.Rows: {
      const metadata = readRowsMetadata(r);
      const rowCount = r.int();
      if (rowCount < 0) throw new ProtocolError(`negative row count ${rowCount}`);
      // Every cell is at least a 4-byte length; a count that cannot fit is a lie.
      if (metadata.columnCount > 0 && rowCount * metadata.columnCount * 4 > r.remaining) {
        throw new ProtocolError(
          `${rowCount} rows of ${metadata.columnCount} columns cannot fit in ${r.remaining} bytes`,
        );
      }
      return {
        kind: "rows",
        metadata,
        rowCount,
        content: { buf: r.buf, offset: r.pos, end: r.end, view: r.view },
      };
    }
    case ResultKind.SetKeyspace:
      return { kind: "setKeyspace", keyspace: r.string() };
    case ResultKind.Prepared: {
      const id = r.shortBytes().slice();
      const resultMetadataId = version >= 5 ? r.shortBytes().slice() : null;
      const variables = readPreparedMetadata(r);
      const resultMetadata = readRowsMetadata(r);
      return { kind: "prepared", id, resultMetadataId, variables, resultMetadata };
    }
    case ResultKind.SchemaChange:
      return { kind: "schemaChange", change: readSchemaChange(r) };
    default:
      throw new ProtocolError(`unknown RESULT kind ${kind}`);
  }
}

/** Reads <change_type><target><options> (RESULT Schema_change and SCHEMA_CHANGE events). */
export function readSchemaChange(r: ByteReader): SchemaChange {
  const change = r.string();
  const target = r.string();
  const keyspace = r.string();
  switch (target) {
    case "KEYSPACE":
      return { change, target, keyspace };
    case "TABLE":
    case "TYPE":
      return { change, target, keyspace, name: r.string() };
    case "FUNCTION":
    case "AGGREGATE":
      return { change, target, keyspace, name: r.string(), argTypes: r.stringList() };
    default:
      throw new ProtocolError(`unknown schema change target "${target}"`);
  }
}

function readEvent(r: ByteReader): EventMessage {
  const type = r.string();
  switch (type) {
    case "TOPOLOGY_CHANGE":
    case "STATUS_CHANGE": {
      const change = r.string();
      return { kind: "event", type, change, node: readInet(r) };
    }
    case "SCHEMA_CHANGE":
      return { kind: "event", type, change: readSchemaChange(r) };
    default:
      return { kind: "event", type: "UNKNOWN", name: type };
  }
}
