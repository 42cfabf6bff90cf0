import { assertEquals } from "../support/assert.ts";
import { type HostInfo, type LoadBalancingPolicy, RoundRobinPolicy } from "../../mod.ts";

function host(address: string, isUp = true, datacenter: string | undefined = "dc1"): HostInfo {
  return { address, datacenter, rack: "r1", isUp, inFlight: 0 };
}

const names = (plan: Iterable<HostInfo>) => [...plan].map((h) => h.address);

Deno.test("round robin: nodes up rotate by one per plan, nodes down come last", () => {
  const hosts = [host("a"), host("b", false), host("c"), host("d")];
  const p: LoadBalancingPolicy = new RoundRobinPolicy();
  const info = {};
  assertEquals(names(p.newQueryPlan(hosts, info)), ["a", "c", "d", "b"]);
  assertEquals(names(p.newQueryPlan(hosts, info)), ["c", "d", "a", "b"]);
  assertEquals(names(p.newQueryPlan(hosts, info)), ["c", "d", "a", "b"]);
  assertEquals(names(p.newQueryPlan(hosts, info)), ["d", "a", "c", "b"]);
  assertEquals(names(p.newQueryPlan([], info)), []);
  const all = [host("x", false), host("y", false)];
  assertEquals(names(new RoundRobinPolicy().newQueryPlan(all)), ["x", "y"]);
});

Deno.test("round robin: with a local data center, other data centers are never planned", () => {
  const hosts = [host("a", true, "dc2"), host("b"), host("c", false), host("d", true, undefined)];
  const p: LoadBalancingPolicy = new RoundRobinPolicy("dc1");
  assertEquals(names(p.newQueryPlan(hosts, {})), ["b", "d", "c"]);
});

Deno.test("round robin: a plan is consumed lazily, once", () => {
  const hosts = [host("a"), host("b")];
  const plan = new RoundRobinPolicy().newQueryPlan(hosts)[Symbol.iterator]();
  assertEquals(plan.next(), { value: hosts[0], done: false });
  assertEquals(plan.next(), { value: hosts[1], done: false });
  assertEquals(plan.next().done, true);
  assertEquals(plan.next().done, true);
});
