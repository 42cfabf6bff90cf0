/**
 * The compat options merge: the shared results of the common forms (no options,
 * `{ prepare }`) equal a full merge, and follow the client's defaults and default profile when
 * they change.
 *
 * @module
 */
import { type ExecutionOptions, resolveOptions } from "../../src/compat/exec-options.ts";
import type { QueryOptions } from "../../src/compat/options.ts";
import { ExecutionProfile, ProfileManager } from "../../src/compat/profiles.ts";
import { assert, assertEquals } from "../support/assert.ts";

// A second key makes the options uncommon, so this is the full merge of the same request.
const full = (o: ExecutionOptions | undefined, d: QueryOptions, p?: ProfileManager) =>
  resolveOptions({ ...o, customPayload: undefined }, d, p);

function plain(r: ReturnType<typeof resolveOptions>) {
  const { customPayload: _c, ...native } = r.native;
  return { ...r, native };
}

Deno.test("compat options: the common forms resolve as a full merge does", () => {
  const d: QueryOptions = { consistency: 6, prepare: true, fetchSize: 100, isIdempotent: true };
  for (const o of [undefined, {}, { prepare: true }, { prepare: false }, { prepare: undefined }]) {
    const a = resolveOptions(o, d);
    assertEquals(plain(a), plain(full(o, d)));
    assert(resolveOptions(o === undefined ? undefined : { ...o }, d) === a, "shared");
    assert(Object.isFrozen(a.native), "a shared result cannot be changed by one request");
  }
  assertEquals(resolveOptions(undefined, d).prepare, true, "no options: the default's prepare");
  assertEquals(resolveOptions({ prepare: false }, d).prepare, false);
});

Deno.test("compat options: a changed default or default profile is seen by the next request", () => {
  const d: QueryOptions = { consistency: 1 };
  assertEquals(resolveOptions({ prepare: true }, d).native.consistency, 1);
  d.consistency = 4;
  assertEquals(resolveOptions({ prepare: true }, d).native.consistency, 4);
  d.readTimeout = 1234;
  assertEquals(resolveOptions(undefined, d).native.timeout, 1234);
  const profile = new ExecutionProfile("default", { consistency: 10 });
  const pm = new ProfileManager([profile]);
  assertEquals(
    resolveOptions({ prepare: true }, d, pm).native.consistency,
    10,
    "the profile first",
  );
  const d2: QueryOptions = {};
  assertEquals(resolveOptions({ prepare: true }, d2, pm).native.consistency, 10);
  profile.consistency = 5;
  assertEquals(resolveOptions({ prepare: true }, d2, pm).native.consistency, 5);
});
