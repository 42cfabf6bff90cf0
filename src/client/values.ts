/**
 * Binding user parameters to bound values: by the server's types for prepared statements, by
 * inferred types otherwise. Values are validated here, before anything is sent, and serialized
 * later straight into the request buffer.
 *
 * @module
 */
import type { ByteWriter } from "../protocol/bytes.ts";
import type { BoundValues } from "../protocol/requests.ts";
import type { ColumnSpec, DataType } from "../protocol/types/datatype.ts";
import { codecFor, writeValue, writeValueWith } from "../protocol/types/codec.ts";
import type { Codec } from "../protocol/types/codec-util.ts";
import { inferType } from "../protocol/types/infer.ts";
import { unset } from "../protocol/types/unset.ts";

/** Query parameters: positional (an array) or named (an object keyed by marker name). */
export type Params = readonly unknown[] | Readonly<Record<string, unknown>>;

/** True when `params` holds at least one value. */
export function hasParams(params: Params | undefined): params is Params {
  if (params === undefined || params === null) return false;
  return Array.isArray(params) ? params.length > 0 : Object.keys(params).length > 0;
}

function checkParams(params: unknown): void {
  if (typeof params !== "object" || params === null) {
    throw new TypeError(`parameters must be an array or an object, got ${typeof params}`);
  }
}

/** Binds `params` to a prepared statement's markers. */
export function bindPrepared(
  variables: readonly ColumnSpec[],
  params: Params | undefined,
): BoundValues | undefined {
  const n = variables.length;
  if (!hasParams(params)) {
    if (n === 0) return undefined;
    throw new TypeError(`the statement has ${n} parameter(s), none given`);
  }
  checkParams(params);
  let values: readonly unknown[];
  if (Array.isArray(params)) {
    if (params.length !== n) {
      throw new TypeError(`the statement has ${n} parameter(s), ${params.length} given`);
    }
    values = params;
  } else {
    const obj = params as Readonly<Record<string, unknown>>;
    const lower = new Map<string, string>();
    for (const k of Object.keys(obj)) lower.set(k.toLowerCase(), k);
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const name = variables[i].name;
      const key = name in obj ? name : lower.get(name.toLowerCase());
      if (key === undefined) throw new TypeError(`parameter "${name}" is missing`);
      out[i] = obj[key];
    }
    values = out;
  }
  return new PreparedValues(variables, codecsOf(variables), values);
}

/** Values bound to a statement's markers: an object per request, its method shared. */
class PreparedValues implements BoundValues {
  readonly count: number;
  readonly #variables: readonly ColumnSpec[];
  readonly #codecs: readonly Codec[];
  readonly #values: readonly unknown[];

  constructor(
    variables: readonly ColumnSpec[],
    codecs: readonly Codec[],
    values: readonly unknown[],
  ) {
    this.count = variables.length;
    this.#variables = variables;
    this.#codecs = codecs;
    this.#values = values;
  }

  write(w: ByteWriter, i: number): void {
    writeValueWith(w, this.#codecs[i], this.#values[i], this.#variables[i].name);
  }
}

// A statement's markers never change: their codecs are looked up once per marker list, not
// once per value (a WeakMap lookup each, 5% of encoding a six-value INSERT).
const markerCodecs = new WeakMap<readonly ColumnSpec[], Codec[]>();

function codecsOf(variables: readonly ColumnSpec[]): Codec[] {
  let codecs = markerCodecs.get(variables);
  if (codecs === undefined) {
    codecs = variables.map((v) => codecFor(v.type));
    markerCodecs.set(variables, codecs);
  }
  return codecs;
}

/** Binds `params` for an unprepared QUERY or batch entry, inferring each value's type. */
export function bindUnprepared(params: Params | undefined): BoundValues | undefined {
  if (!hasParams(params)) return undefined;
  checkParams(params);
  const isArray = Array.isArray(params);
  const names = isArray ? undefined : Object.keys(params);
  const values: readonly unknown[] = isArray
    ? params as readonly unknown[]
    : names!.map((k) => (params as Readonly<Record<string, unknown>>)[k]);
  const labels = names ?? values.map((_, i) => `#${i}`);
  const types: (DataType | null)[] = values.map((v, i) => inferType(v, labels[i]));
  return {
    count: values.length,
    names,
    write(w, i) {
      const t = types[i];
      if (t === null) w.int(values[i] === unset ? -2 : -1);
      else writeValue(w, t, values[i], labels[i]);
    },
  };
}
