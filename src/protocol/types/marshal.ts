/**
 * Parses Cassandra marshal class names (`org.apache.cassandra.db.marshal.VectorType(...)`), the
 * form in which custom types, vectors included, appear in metadata.
 *
 * @module
 */
import { type DataType, primitive, type PrimitiveTypeName } from "./datatype.ts";

const PACKAGE = "org.apache.cassandra.db.marshal.";
const MAX_DEPTH = 64;

const PRIMITIVE_CLASSES: Record<string, PrimitiveTypeName> = {
  AsciiType: "ascii",
  LongType: "bigint",
  BytesType: "blob",
  BooleanType: "boolean",
  CounterColumnType: "counter",
  DecimalType: "decimal",
  DoubleType: "double",
  FloatType: "float",
  Int32Type: "int",
  TimestampType: "timestamp",
  DateType: "timestamp",
  UUIDType: "uuid",
  UTF8Type: "varchar",
  IntegerType: "varint",
  TimeUUIDType: "timeuuid",
  InetAddressType: "inet",
  SimpleDateType: "date",
  TimeType: "time",
  ShortType: "smallint",
  ByteType: "tinyint",
  DurationType: "duration",
};

/** Thrown internally when a class name does not parse; callers fall back to a custom type. */
class Unparsable extends Error {}

class Parser {
  pos = 0;
  constructor(readonly s: string) {}

  fail(): never {
    throw new Unparsable(this.s);
  }

  skipSpace(): void {
    while (this.s.charCodeAt(this.pos) === 0x20) this.pos++;
  }

  ident(): string {
    this.skipSpace();
    const start = this.pos;
    while (this.pos < this.s.length && /[A-Za-z0-9_.$-]/.test(this.s[this.pos])) this.pos++;
    if (this.pos === start) this.fail();
    return this.s.slice(start, this.pos);
  }

  eat(c: string): boolean {
    this.skipSpace();
    if (this.s[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  expect(c: string): void {
    if (!this.eat(c)) this.fail();
  }

  /** Parses one type expression at the cursor. */
  type(depth: number): DataType {
    if (depth > MAX_DEPTH) this.fail();
    const start = this.pos;
    const full = this.ident();
    const name = full.startsWith(PACKAGE) ? full.slice(PACKAGE.length) : full;
    // Own keys only: a class named `__proto__`, `constructor` or `toString` (any server-sent
    // text) must not find Object.prototype's members and come back as an undefined type.
    const prim = Object.hasOwn(PRIMITIVE_CLASSES, name) ? PRIMITIVE_CLASSES[name] : undefined;
    if (prim !== undefined) return primitive(prim);
    if (!this.eat("(")) return { kind: "custom", className: full };
    const d = depth + 1;
    let t: DataType;
    switch (name) {
      case "ListType":
      case "SetType":
        t = { kind: name === "ListType" ? "list" : "set", element: this.type(d) };
        break;
      case "MapType": {
        const key = this.type(d);
        this.expect(",");
        t = { kind: "map", key, value: this.type(d) };
        break;
      }
      case "FrozenType":
      case "ReversedType":
        t = this.type(d);
        break;
      case "TupleType": {
        const elements = [this.type(d)];
        while (this.eat(",")) elements.push(this.type(d));
        t = { kind: "tuple", elements };
        break;
      }
      case "VectorType": {
        const element = this.type(d);
        this.expect(",");
        const dim = Number(this.ident());
        if (!Number.isInteger(dim) || dim < 1 || dim > 0x7fffffff) this.fail();
        t = { kind: "vector", element, dimension: dim };
        break;
      }
      case "UserType": {
        const keyspace = this.ident();
        this.expect(",");
        const typeName = hexToUtf8(this.ident());
        const fields: { name: string; type: DataType }[] = [];
        while (this.eat(",")) {
          const fname = hexToUtf8(this.ident());
          this.expect(":");
          fields.push({ name: fname, type: this.type(d) });
        }
        t = { kind: "udt", keyspace, name: typeName, fields };
        break;
      }
      default:
        // An unknown parameterised class: keep its whole text as the custom class name.
        this.skipBalanced();
        return { kind: "custom", className: this.s.slice(start, this.pos).trim() };
    }
    this.expect(")");
    return t;
  }

  /** Skips to just past the `)` closing an already-opened `(`. */
  skipBalanced(): void {
    let level = 1;
    while (this.pos < this.s.length && level > 0) {
      const c = this.s[this.pos++];
      if (c === "(") level++;
      else if (c === ")") level--;
    }
    if (level !== 0) this.fail();
  }
}

function hexToUtf8(hex: string): string {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new Unparsable(hex);
  const b = new Uint8Array(hex.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.substr(2 * i, 2), 16);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    throw new Unparsable(hex);
  }
}

/**
 * Turns the class name of a custom [option] into a type: `VectorType(FloatType,3)` (with or
 * without the package prefix, possibly wrapped in `FrozenType`/`ReversedType`) becomes a
 * `vector`, with element types parsed recursively (lists, maps, tuples, UDTs, vectors). Known
 * marshal classes become their CQL type too: on protocol v4, Cassandra sends `duration` (which
 * has no v4 type id) as the custom class `DurationType`. A class we do not know, or a name that
 * does not parse, stays `{kind: "custom", className}`.
 */
export function parseCustomClass(className: string): DataType {
  try {
    const p = new Parser(className);
    const t = p.type(0);
    p.skipSpace();
    if (p.pos === className.length) return t;
  } catch (e) {
    if (!(e instanceof Unparsable)) throw e;
  }
  return { kind: "custom", className };
}
