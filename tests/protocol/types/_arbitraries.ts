/** fast-check arbitraries for CQL types and values in their decoded (canonical) form. */
import fc from "fast-check";
import {
  type DataType,
  Decimal,
  Duration,
  formatInet,
  LocalDate,
  LocalTime,
  primitive,
  type PrimitiveTypeName,
} from "../../../src/protocol/types/mod.ts";

const I32 = 2 ** 31;
const BIG = 10n ** 300n;

/** Every primitive CQL type name. */
export const PRIMS: PrimitiveTypeName[] = [
  "ascii",
  "bigint",
  "blob",
  "boolean",
  "counter",
  "decimal",
  "double",
  "float",
  "int",
  "timestamp",
  "uuid",
  "varchar",
  "varint",
  "timeuuid",
  "inet",
  "date",
  "time",
  "smallint",
  "tinyint",
  "duration",
];

function ints(min: number, max: number): fc.Arbitrary<number> {
  const edges = [min, max, 0, -1, 1].filter((x) => x >= min && x <= max);
  return fc.oneof(fc.constantFrom(...edges), fc.integer({ min, max }));
}

function bigints(min: bigint, max: bigint): fc.Arbitrary<bigint> {
  const edges = [min, max, 0n, -1n, 1n].filter((x) => x >= min && x <= max);
  return fc.oneof(fc.constantFrom(...edges), fc.bigInt({ min, max }));
}

const durationArb = fc.tuple(
  fc.boolean(),
  fc.integer({ min: 0, max: I32 - 1 }),
  fc.integer({ min: 0, max: I32 - 1 }),
  bigints(0n, 2n ** 63n - 1n),
).map(([neg, m, d, n]) => neg ? new Duration(-m, -d, -n) : new Duration(m, d, n));

/** Values of a primitive type as the decoder returns them. */
export function primitiveValue(kind: PrimitiveTypeName): fc.Arbitrary<unknown> {
  switch (kind) {
    case "ascii":
      return fc.string({ unit: "binary-ascii", maxLength: 30 });
    case "varchar":
      return fc.oneof(
        fc.constant(""),
        fc.string({ unit: "binary", maxLength: 30 }).filter((s) => s.isWellFormed()),
        fc.string({ unit: "grapheme", maxLength: 40 }),
      );
    case "tinyint":
      return ints(-128, 127);
    case "smallint":
      return ints(-32768, 32767);
    case "int":
      return ints(-I32, I32 - 1);
    case "bigint":
    case "counter":
      return bigints(-(2n ** 63n), 2n ** 63n - 1n);
    case "varint":
      return fc.oneof(bigints(-(2n ** 80n), 2n ** 80n), bigints(-BIG, BIG));
    case "decimal":
      return fc.tuple(fc.oneof(bigints(-1000n, 1000n), bigints(-BIG, BIG)), ints(-I32, I32 - 1))
        .map(([u, s]) => new Decimal(u, s));
    case "float":
      return fc.float();
    case "double":
      return fc.double();
    case "boolean":
      return fc.boolean();
    case "blob":
      return fc.uint8Array({ maxLength: 40 });
    case "uuid":
      return fc.uuid();
    case "timeuuid":
      return fc.uuid({ version: 1 });
    case "inet":
      return fc.oneof(
        fc.ipV4(),
        fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatInet(b, 0, 16)),
        fc.constantFrom("::", "::1", "::ffff:0.0.0.0", "1::", "1:0:0:2::3"),
      );
    case "timestamp":
      return ints(-8.64e15, 8.64e15).map((ms) => new Date(ms));
    case "date":
      return ints(-I32, I32 - 1).map((d) => LocalDate.fromDays(d));
    case "time":
      return bigints(0n, 86399999999999n).map((n) => new LocalTime(n));
    case "duration":
      return durationArb;
  }
}

const fieldName = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/),
  fc.constantFrom("__proto__", "constructor", "0", "a b", "é"),
);

/** Random types, nested up to `depth` levels. */
export function typeArb(depth: number): fc.Arbitrary<DataType> {
  const prim = fc.constantFrom(...PRIMS).map((k) => primitive(k) as DataType);
  if (depth <= 0) return prim;
  const sub = typeArb(depth - 1);
  return fc.oneof(
    { arbitrary: prim, weight: 4 },
    fc.tuple(fc.constantFrom("list" as const, "set" as const), sub).map(([kind, element]) => ({
      kind,
      element,
    })),
    fc.tuple(sub, sub).map(([key, value]) => ({ kind: "map" as const, key, value })),
    fc.array(sub, { minLength: 1, maxLength: 4 }).map((elements) => ({
      kind: "tuple" as const,
      elements,
    })),
    fc.uniqueArray(fc.tuple(fieldName, sub), {
      minLength: 1,
      maxLength: 4,
      selector: ([n]) => n,
    }).map((fs) => ({
      kind: "udt" as const,
      keyspace: "ks",
      name: "u",
      fields: fs.map(([name, type]) => ({ name, type })),
    })),
    fc.tuple(sub, fc.integer({ min: 1, max: 4 })).map(([element, dimension]) => ({
      kind: "vector" as const,
      element,
      dimension,
    })),
    fc.constant({ kind: "custom" as const, className: "com.example.Custom" }),
  );
}

/** Non-null values of `t` as the decoder returns them. */
export function valueArb(t: DataType): fc.Arbitrary<unknown> {
  const nullable = (x: DataType) => fc.option(valueArb(x), { nil: null, freq: 4 });
  switch (t.kind) {
    case "custom":
      return fc.uint8Array({ maxLength: 20 });
    case "list":
    case "set":
      return fc.array(valueArb(t.element), { maxLength: 4 });
    case "map":
      return fc.array(fc.tuple(valueArb(t.key), valueArb(t.value)), { maxLength: 4 })
        .map((es) => new Map(es));
    case "tuple":
      return fc.tuple(...t.elements.map(nullable));
    case "udt":
      return fc.tuple(...t.fields.map((f) => nullable(f.type))).map((vs) => {
        const o: Record<string, unknown> = {};
        t.fields.forEach((f, i) =>
          Object.defineProperty(o, f.name, {
            value: vs[i],
            enumerable: true,
            writable: true,
            configurable: true,
          })
        );
        return o;
      });
    case "vector":
      if (t.element.kind === "float") {
        return fc.float32Array({ minLength: t.dimension, maxLength: t.dimension });
      }
      if (t.element.kind === "double") {
        return fc.float64Array({ minLength: t.dimension, maxLength: t.dimension });
      }
      return fc.array(valueArb(t.element), { minLength: t.dimension, maxLength: t.dimension });
    default:
      return primitiveValue(t.kind);
  }
}

/** A random type with a random value of it. */
export const typedValue: fc.Arbitrary<[DataType, unknown]> = typeArb(3).chain((t) =>
  valueArb(t).map((v) => [t, v] as [DataType, unknown])
);
