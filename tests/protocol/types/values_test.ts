/** The value classes and helpers: Decimal, LocalDate, LocalTime, Duration, uuids, inet, infer. */
import fc from "fast-check";
import {
  Decimal,
  Duration,
  formatInet,
  inferType,
  isUuid,
  LocalDate,
  LocalTime,
  parseInet,
  primitive as p,
  randomUuid,
  timeuuid,
  timeuuidToDate,
  typeToString,
  unset,
  uuidVersion,
} from "../../../src/protocol/types/mod.ts";
import { primitiveValue } from "./_arbitraries.ts";
import { assertDeep, assertThrows } from "./_helpers.ts";

Deno.test("Decimal strings", () => {
  assertDeep(new Decimal(-123400n, 4).toString(), "-12.3400");
  assertDeep(new Decimal(5n, 3).toString(), "0.005");
  assertDeep(new Decimal(-5n, 1).toString(), "-0.5");
  assertDeep(new Decimal(12n, -2).toString(), "1200");
  assertDeep(Decimal.fromString("123.45"), new Decimal(12345n, 2));
  assertDeep(Decimal.fromString("-0.001"), new Decimal(-1n, 3));
  assertDeep(Decimal.fromString("1.5e-7"), new Decimal(15n, 8));
  assertDeep(Decimal.fromString("1E+5"), new Decimal(1n, -5));
  assertDeep(Decimal.fromString(".5"), new Decimal(5n, 1));
  assertDeep(new Decimal(1n, -5000).toString(), "1E+5000");
  assertDeep(Decimal.fromString("12.5").toNumber(), 12.5);
  assertThrows(() => Decimal.fromString("abc"), TypeError);
  assertThrows(() => Decimal.fromString("."), TypeError);
  fc.assert(
    fc.property(primitiveValue("decimal"), (d) => {
      const x = d as Decimal;
      // Plain notation drops a negative scale (12E+2 prints as 1200), so only the value survives.
      const exact = x.scale >= 0 || (x.scale < -1000 && x.unscaled !== 0n);
      const back = Decimal.fromString(x.toString());
      if (exact) assertDeep(back, x);
      else if (x.scale >= -50) assertDeep(back.unscaled, x.unscaled * 10n ** BigInt(-x.scale));
    }),
    { numRuns: 300 },
  );
});

Deno.test("LocalDate", () => {
  const d = LocalDate.fromString("2024-05-01");
  assertDeep([d.year, d.month, d.day, d.days], [2024, 5, 1, 19844]);
  assertDeep(d.toDate(), new Date(Date.UTC(2024, 4, 1)));
  assertDeep(LocalDate.fromDate(new Date(Date.UTC(2024, 4, 1, 23, 59))), d);
  assertDeep(LocalDate.fromDate(new Date(-1)).toString(), "1969-12-31");
  assertDeep(LocalDate.fromString("-00001-12-31").toString(), "-00001-12-31");
  assertDeep(new LocalDate(10000, 1, 1).toString(), "+10000-01-01");
  assertDeep(new LocalDate(2000, 2, 29).days, 11016);
  assertThrows(() => new LocalDate(1900, 2, 29), TypeError);
  assertThrows(() => LocalDate.fromDays(2 ** 31), TypeError);
  // Agrees with Date over its range, and strings round-trip over the whole CQL range.
  fc.assert(
    fc.property(fc.integer({ min: -100_000_000, max: 100_000_000 }), (days) => {
      const x = LocalDate.fromDays(days);
      const dt = new Date(days * 86_400_000);
      assertDeep([x.year, x.month, x.day], [
        dt.getUTCFullYear(),
        dt.getUTCMonth() + 1,
        dt.getUTCDate(),
      ]);
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(primitiveValue("date"), (x) => {
      assertDeep(LocalDate.fromString((x as LocalDate).toString()), x);
    }),
    { numRuns: 300 },
  );
});

Deno.test("LocalTime", () => {
  const t = LocalTime.fromString("13:45:01.123456789");
  assertDeep([t.hour, t.minute, t.second, t.nanosecond], [13, 45, 1, 123456789]);
  assertDeep(t.nanos, 49501123456789n);
  assertDeep(t.toString(), "13:45:01.123456789");
  assertDeep(LocalTime.fromString("01:02:03.1").toString(), "01:02:03.1");
  assertDeep(LocalTime.fromString("23:59").toString(), "23:59:00");
  assertDeep(
    LocalTime.fromDate(new Date(Date.UTC(2020, 0, 1, 4, 5, 6, 7))).toString(),
    "04:05:06.007",
  );
  assertThrows(() => LocalTime.fromString("24:00"), TypeError);
  assertThrows(() => new LocalTime(-1n), TypeError);
  fc.assert(
    fc.property(primitiveValue("time"), (x) => {
      assertDeep(LocalTime.fromString((x as LocalTime).toString()), x);
      assertDeep(new LocalTime((x as LocalTime).nanos), x);
    }),
    { numRuns: 300 },
  );
});

Deno.test("Duration", () => {
  const d = Duration.fromString("1y2mo3d4h5m6s7ms8us9ns");
  assertDeep([d.months, d.days], [14, 3]);
  assertDeep(d.nanoseconds, 14706007008009n);
  assertDeep(d.toString(), "1y2mo3d4h5m6s7ms8us9ns");
  assertDeep(Duration.fromString("-2w").toString(), "-14d");
  assertDeep(Duration.fromString("P1Y2M3DT4H5M6S"), Duration.fromString("1y2mo3d4h5m6s"));
  assertDeep(new Duration(0, 0, 0n).toString(), "0s");
  assertThrows(() => new Duration(1, -1, 0n), TypeError);
  assertThrows(() => Duration.fromString("1h1h"), TypeError);
  assertThrows(() => Duration.fromString("P"), TypeError);
  fc.assert(
    fc.property(primitiveValue("duration"), (x) => {
      assertDeep(Duration.fromString((x as Duration).toString()), x);
    }),
    { numRuns: 300 },
  );
});

Deno.test("uuids", () => {
  const r = randomUuid();
  assertDeep([isUuid(r), uuidVersion(r), r === r.toLowerCase()], [true, 4, true]);
  const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
  const ids = Array.from({ length: 50 }, () => timeuuid(when));
  assertDeep(new Set(ids).size, 50);
  for (const id of ids) {
    assertDeep(uuidVersion(id), 1);
    assertDeep(timeuuidToDate(id), when);
  }
  // Within one millisecond the sub-millisecond ticks increase.
  const ticks = ids.map((id) => parseInt(id.slice(0, 8), 16));
  for (let i = 1; i < ticks.length; i++) {
    if (ticks[i] <= ticks[i - 1]) throw new Error("not monotonic");
  }
  assertDeep(timeuuidToDate(timeuuid(new Date(-5000))), new Date(-5000));
  assertThrows(() => timeuuidToDate(r), TypeError);
});

Deno.test("inet parse and format", () => {
  assertDeep(formatInet(parseInet("0:0:0:0:0:0:0:1"), 0, 16), "::1");
  assertDeep(formatInet(parseInet("1:0:0:0:0:0:0:0"), 0, 16), "1::");
  assertDeep(formatInet(parseInet("1:2:3:4:5:6:7:8"), 0, 16), "1:2:3:4:5:6:7:8");
  assertDeep(formatInet(parseInet("1:0:2:3:4:5:6:7"), 0, 16), "1:0:2:3:4:5:6:7");
  assertDeep(formatInet(parseInet("::10.0.0.1"), 0, 16), "::a00:1");
  assertDeep(parseInet("192.168.0.1"), new Uint8Array([192, 168, 0, 1]));
});

Deno.test("inferType", () => {
  const s = (v: unknown) => {
    const t = inferType(v);
    return t === null ? null : typeToString(t);
  };
  assertDeep(s("x"), "text");
  assertDeep(s(1), "double");
  assertDeep(s(1n), "bigint");
  assertDeep(s(true), "boolean");
  assertDeep(s(new Date()), "timestamp");
  assertDeep(s(new Uint8Array()), "blob");
  assertDeep(s(Decimal.fromString("1")), "decimal");
  assertDeep(s(LocalDate.fromDays(0)), "date");
  assertDeep(s(new LocalTime(0n)), "time");
  assertDeep(s(new Duration(0, 0, 0n)), "duration");
  assertDeep(s(new Float32Array(3)), "vector<float, 3>");
  assertDeep(s(new Float64Array(2)), "vector<double, 2>");
  assertDeep(s([null, 1n]), "list<bigint>");
  assertDeep(s(new Set(["a"])), "set<text>");
  assertDeep(s(new Map([[1, [true]]])), "map<double, list<boolean>>");
  assertDeep([s(null), s(undefined), s(unset)], [null, null, null]);
  assertDeep(inferType("x"), p("varchar"));
  assertThrows(() => inferType({ a: 1 }, "param1"), TypeError, "param1");
});
