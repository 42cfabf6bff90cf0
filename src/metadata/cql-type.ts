/**
 * Parses CQL type text as `system_schema` stores it (`frozen<map<text, list<int>>>`,
 * `vector<float, 3>`, `"MyType"`, `'org.apache.cassandra.db.marshal.LexicalUUIDType'`) into the
 * driver's {@link DataType}, the same descriptors result metadata decodes to.
 *
 * @module
 */
import {
  type DataType,
  primitive,
  type PrimitiveTypeName,
  type UdtType,
} from "../protocol/types/datatype.ts";
import { parseCustomClass } from "../protocol/types/marshal.ts";

/** Thrown for type text that does not parse, or that names a user type nobody can resolve. */
export class CqlTypeParseError extends Error {
  /** The text that failed. */
  readonly text: string;

  /** An error about `text`. */
  constructor(text: string, reason: string) {
    super(`cannot parse CQL type ${JSON.stringify(text)}: ${reason}`);
    this.name = "CqlTypeParseError";
    this.text = text;
  }
}

/**
 * Finds a user type by keyspace and (unquoted, case-preserved) name. Returning undefined makes
 * the parse fail: a type that cannot be resolved cannot be encoded either.
 */
export type UdtResolver = (keyspace: string, name: string) => UdtType | undefined;

/** How to resolve the user types a type text names. */
export interface ParseCqlTypeOptions {
  /** The keyspace of unqualified user type names (system_schema never qualifies them). */
  readonly keyspace?: string;
  /** Resolves user types; without it a user type name is an error. */
  readonly resolveUdt?: UdtResolver;
}

const PRIMITIVES: Record<string, PrimitiveTypeName> = {
  ascii: "ascii",
  bigint: "bigint",
  blob: "blob",
  boolean: "boolean",
  counter: "counter",
  date: "date",
  decimal: "decimal",
  double: "double",
  duration: "duration",
  float: "float",
  inet: "inet",
  int: "int",
  smallint: "smallint",
  text: "varchar",
  time: "time",
  timestamp: "timestamp",
  timeuuid: "timeuuid",
  tinyint: "tinyint",
  uuid: "uuid",
  varchar: "varchar",
  varint: "varint",
};

// Deep enough for any real schema, shallow enough that hostile text cannot blow the stack.
const MAX_DEPTH = 64;

type Token =
  | { readonly t: "word"; readonly v: string }
  | { readonly t: "quoted"; readonly v: string }
  | { readonly t: "string"; readonly v: string }
  | { readonly t: "punct"; readonly v: string };

class Parser {
  #pos = 0;
  readonly #s: string;
  readonly #opts: ParseCqlTypeOptions;

  constructor(s: string, opts: ParseCqlTypeOptions) {
    this.#s = s;
    this.#opts = opts;
  }

  fail(reason: string): never {
    throw new CqlTypeParseError(this.#s, reason);
  }

  atEnd(): boolean {
    this.#skipSpace();
    return this.#pos >= this.#s.length;
  }

  #skipSpace(): void {
    while (this.#pos < this.#s.length && /\s/.test(this.#s[this.#pos])) this.#pos++;
  }

  /** A string or double-quoted identifier, with doubled delimiters unescaped. */
  #delimited(q: string): string {
    let out = "";
    for (let i = this.#pos + 1; i < this.#s.length; i++) {
      if (this.#s[i] !== q) {
        out += this.#s[i];
      } else if (this.#s[i + 1] === q) {
        out += q;
        i++;
      } else {
        this.#pos = i + 1;
        return out;
      }
    }
    this.fail(`unterminated ${q === "'" ? "string" : "quoted name"}`);
  }

  next(): Token {
    this.#skipSpace();
    const c = this.#s[this.#pos];
    if (c === undefined) this.fail("unexpected end");
    if (c === '"') return { t: "quoted", v: this.#delimited('"') };
    if (c === "'") return { t: "string", v: this.#delimited("'") };
    if ("<>,.".includes(c)) {
      this.#pos++;
      return { t: "punct", v: c };
    }
    const m = /^[A-Za-z0-9_]+/.exec(this.#s.slice(this.#pos));
    if (m === null) this.fail(`unexpected ${JSON.stringify(c)} at ${this.#pos}`);
    this.#pos += m[0].length;
    return { t: "word", v: m[0] };
  }

  peekPunct(v: string): boolean {
    this.#skipSpace();
    if (this.#s[this.#pos] !== v) return false;
    this.#pos++;
    return true;
  }

  expect(v: string): void {
    if (!this.peekPunct(v)) this.fail(`expected ${JSON.stringify(v)} at ${this.#pos}`);
  }

  /** One type expression. */
  type(depth: number): DataType {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    const tok = this.next();
    if (tok.t === "punct") this.fail(`unexpected ${JSON.stringify(tok.v)}`);
    if (tok.t === "string") return parseCustomClass(tok.v);
    if (tok.t === "quoted") return this.#udt(tok.v);
    // Unquoted names are case-insensitive in CQL; a quoted "list" is a user type, never a list.
    const word = tok.v.toLowerCase();
    const d = depth + 1;
    switch (word) {
      case "frozen": {
        // DataType has no frozen flag: frozenness lives in the CQL text the caller keeps.
        this.expect("<");
        const t = this.type(d);
        this.expect(">");
        return t;
      }
      case "list":
      case "set": {
        this.expect("<");
        const element = this.type(d);
        this.expect(">");
        return { kind: word, element };
      }
      case "map": {
        this.expect("<");
        const key = this.type(d);
        this.expect(",");
        const value = this.type(d);
        this.expect(">");
        return { kind: "map", key, value };
      }
      case "tuple": {
        this.expect("<");
        const elements = [this.type(d)];
        while (this.peekPunct(",")) elements.push(this.type(d));
        this.expect(">");
        return { kind: "tuple", elements };
      }
      case "vector": {
        this.expect("<");
        const element = this.type(d);
        this.expect(",");
        const n = this.next();
        const dimension = n.t === "word" && /^[0-9]+$/.test(n.v) ? Number(n.v) : NaN;
        if (!Number.isSafeInteger(dimension) || dimension < 1 || dimension > 0x7fffffff) {
          this.fail("vector dimension must be a positive integer");
        }
        this.expect(">");
        return { kind: "vector", element, dimension };
      }
    }
    const prim = PRIMITIVES[word];
    if (prim !== undefined && !this.#followedByDot()) return primitive(prim);
    return this.#udt(word);
  }

  #followedByDot(): boolean {
    this.#skipSpace();
    return this.#s[this.#pos] === ".";
  }

  /** A user type name, `name` or `keyspace.name`, whose first part was just read. */
  #udt(first: string): UdtType {
    let keyspace = this.#opts.keyspace;
    let name = first;
    if (this.peekPunct(".")) {
      const tok = this.next();
      if (tok.t !== "word" && tok.t !== "quoted") this.fail("expected a type name after '.'");
      keyspace = first;
      name = tok.t === "word" ? tok.v.toLowerCase() : tok.v;
    }
    if (keyspace === undefined) this.fail(`user type ${name} without a keyspace`);
    const resolve = this.#opts.resolveUdt;
    const t = resolve?.(keyspace, name);
    if (t === undefined) this.fail(`unknown user type ${keyspace}.${name}`);
    return t;
  }
}

/**
 * Parses one CQL type. User type names go through `options.resolveUdt` (in `options.keyspace`
 * unless qualified); a quoted string is a custom marshal class, kept as `{kind: "custom"}` unless
 * it names a type the driver knows (`'...VectorType(...)'` becomes a vector). Throws
 * {@link CqlTypeParseError}.
 *
 * @example
 * ```ts ignore
 * parseCqlType("frozen<map<text, list<int>>>");
 * // { kind: "map", key: { kind: "varchar" }, value: { kind: "list", element: { kind: "int" } } }
 * ```
 */
export function parseCqlType(text: string, options: ParseCqlTypeOptions = {}): DataType {
  const p = new Parser(text, options);
  const t = p.type(0);
  if (!p.atEnd()) p.fail("trailing text");
  return t;
}
