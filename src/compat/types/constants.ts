/**
 * cassandra-driver's enumerations: consistency levels, type codes, distances, error codes,
 * protocol versions, and `unset`.
 *
 * @module
 */

/** Consistency levels by name. */
export const consistencies = Object.freeze(
  {
    any: 0x00,
    one: 0x01,
    two: 0x02,
    three: 0x03,
    quorum: 0x04,
    all: 0x05,
    localQuorum: 0x06,
    eachQuorum: 0x07,
    serial: 0x08,
    localSerial: 0x09,
    localOne: 0x0a,
  } as const,
);

/** A consistency level code (the type of `types.consistencies` values, as cassandra-driver names it). */
export type consistencies = (typeof consistencies)[keyof typeof consistencies];

/** The server's name of each consistency level code. */
export const consistencyToString: Readonly<Record<number, string>> = Object.freeze({
  0: "ANY",
  1: "ONE",
  2: "TWO",
  3: "THREE",
  4: "QUORUM",
  5: "ALL",
  6: "LOCAL_QUORUM",
  7: "EACH_QUORUM",
  8: "SERIAL",
  9: "LOCAL_SERIAL",
  10: "LOCAL_ONE",
});

const TYPE_CODES = {
  custom: 0x0000,
  ascii: 0x0001,
  bigint: 0x0002,
  blob: 0x0003,
  boolean: 0x0004,
  counter: 0x0005,
  decimal: 0x0006,
  double: 0x0007,
  float: 0x0008,
  int: 0x0009,
  text: 0x000a,
  timestamp: 0x000b,
  uuid: 0x000c,
  varchar: 0x000d,
  varint: 0x000e,
  timeuuid: 0x000f,
  inet: 0x0010,
  date: 0x0011,
  time: 0x0012,
  smallint: 0x0013,
  tinyint: 0x0014,
  duration: 0x0015,
  list: 0x0020,
  map: 0x0021,
  set: 0x0022,
  udt: 0x0030,
  tuple: 0x0031,
} as const;

/** A type description as `dataTypes.getByName` returns it. */
export interface TypeByName {
  /** The type code. */
  code: number;
  /** Parameters of a parameterized type. */
  info?: unknown;
  /** "vector" for vectors. */
  customTypeName?: string;
}

/** CQL type codes by name, and `getByName("map<text, int>")`. */
export const dataTypes: typeof TYPE_CODES & { getByName(name: string): TypeByName } = {
  ...TYPE_CODES,
  getByName(name: string): TypeByName {
    const n = name.toLowerCase();
    if (n.indexOf("<") > 0) {
      let m = /^(list|set)<(.+)>$/.exec(n);
      if (m) return { code: TYPE_CODES[m[1] as "list"], info: this.getByName(m[2]) };
      m = /^(map)< *(.+) *, *(.+)>$/.exec(n);
      if (m) return { code: TYPE_CODES.map, info: [this.getByName(m[2]), this.getByName(m[3])] };
      m = /^(udt)<(.+)>$/.exec(n);
      if (m) return { code: TYPE_CODES.udt, info: m[2] };
      m = /^(tuple)<(.+)>$/.exec(n);
      if (m) {
        return {
          code: TYPE_CODES.tuple,
          info: m[2].split(",").map((x) => this.getByName(x.trim())),
        };
      }
      m = /^vector<\s*(.+)\s*,\s*(\d+)\s*>$/.exec(n);
      if (m) {
        return {
          code: TYPE_CODES.custom,
          customTypeName: "vector",
          info: [this.getByName(m[1]), parseInt(m[2], 10)],
        };
      }
    }
    const code = (TYPE_CODES as Record<string, number>)[n];
    if (typeof code !== "number") throw new TypeError(`Data type with name ${n} not valid`);
    return { code };
  },
};

/** Type names by code. */
export const dataTypeNames: Readonly<Record<number, string>> = Object.freeze(
  Object.fromEntries(Object.entries(TYPE_CODES).map(([k, v]) => [v, k])),
);

/** Host distances, as load-balancing policies give them. */
export const distance = Object.freeze({ local: 0, remote: 1, ignored: 2 } as const);
/** A distance code (the type of `types.distance` values). */
export type distance = (typeof distance)[keyof typeof distance];

/** Server error codes by name. */
export const responseErrorCodes = Object.freeze(
  {
    serverError: 0x0000,
    protocolError: 0x000a,
    badCredentials: 0x0100,
    unavailableException: 0x1000,
    overloaded: 0x1001,
    isBootstrapping: 0x1002,
    truncateError: 0x1003,
    writeTimeout: 0x1100,
    readTimeout: 0x1200,
    readFailure: 0x1300,
    functionFailure: 0x1400,
    writeFailure: 0x1500,
    syntaxError: 0x2000,
    unauthorized: 0x2100,
    invalid: 0x2200,
    configError: 0x2300,
    alreadyExists: 0x2400,
    unprepared: 0x2500,
    clientWriteFailure: 0x8000,
  } as const,
);

/** Protocol version codes, and `isSupported(version)`. */
export interface ProtocolVersions {
  /** Version 1. */ readonly v1: 1;
  /** Version 2. */ readonly v2: 2;
  /** Version 3. */ readonly v3: 3;
  /** Version 4. */ readonly v4: 4;
  /** Version 5. */ readonly v5: 5;
  /** Version 6 (beta). */ readonly v6: 6;
  /** DSE version 1. */ readonly dseV1: 0x41;
  /** DSE version 2. */ readonly dseV2: 0x42;
  /** The highest version cassandra-driver knows. */ readonly maxSupported: 0x42;
  /** The lowest version cassandra-driver knows. */ readonly minSupported: 1;
  /** True for the versions the underlying driver speaks (4 and 5). */
  isSupported(version: number): boolean;
}

/** Protocol versions, and which this entry can speak. */
export const protocolVersion: ProtocolVersions = Object.freeze({
  v1: 0x01,
  v2: 0x02,
  v3: 0x03,
  v4: 0x04,
  v5: 0x05,
  v6: 0x06,
  dseV1: 0x41,
  dseV2: 0x42,
  maxSupported: 0x42,
  minSupported: 0x01,
  isSupported(version: number): boolean {
    return version === 4 || version === 5;
  },
});

/** Leaves a bound column untouched (neither null nor a value). */
export const unset: Readonly<{ unset: true }> = Object.freeze({ unset: true });
