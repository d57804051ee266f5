import { describe, expect, it } from "vitest";

import type { ContainerSummary } from "../../ipc/containers";
import type { NetworkSummary } from "../../ipc/networks";
import { connectable, errorsByField, filterNetworks, removeBlocked, removeNetworkPlan } from "./model";

function network(name: string, members: string[] = [], extra: Partial<NetworkSummary> = {}): NetworkSummary {
  return {
    id: `id-${name}`,
    name,
    driver: "bridge",
    scope: "local",
    created: "",
    internal: false,
    attachable: false,
    subnets: [{ subnet: "10.20.0.0/24", gateway: "10.20.0.1" }],
    labels: {},
    protected: null,
    attached: members.map((m, i) => ({ id: `c-${m}`, name: m, state: "running", ipv4: `10.20.0.${i + 2}/24`, ipv6: "", mac: "" })),
    ...extra,
  };
}

function container(name: string): ContainerSummary {
  return {
    id: `c-${name}`,
    short_id: name,
    name,
    image: "busybox",
    image_id: "sha256:1",
    command: "sh",
    state: "running",
    status: "Up",
    ports: [],
    created: 0,
    labels: {},
  };
}

describe("networks model", () => {
  it("filters by name, driver, subnet or attached container", () => {
    const all = [network("web", ["api-1"]), network("db", [], { driver: "overlay" }), network("cache", [], { subnets: [] })];
    expect(filterNetworks(all, "").map((n) => n.name)).toEqual(["web", "db", "cache"]);
    expect(filterNetworks(all, "API").map((n) => n.name)).toEqual(["web"]);
    expect(filterNetworks(all, "overlay").map((n) => n.name)).toEqual(["db"]);
    expect(filterNetworks(all, "10.20.").map((n) => n.name)).toEqual(["web", "db"]);
    expect(filterNetworks(all, "nothing")).toEqual([]);
  });

  it("says why a network cannot be removed: the engine's own, or the containers on it by name", () => {
    expect(removeBlocked(network("web"))).toBeNull();
    expect(removeBlocked(network("bridge", [], { protected: "the engine's default network" }))).toContain("the engine's default network");
    expect(removeBlocked(network("web", ["api-1"]))).toBe("In use by api-1: disconnect it first.");
    expect(removeBlocked(network("web", ["api-1", "api-2"]))).toBe("In use by api-1, api-2: disconnect them first.");
  });

  it("offers only the containers not on the network yet, by name", () => {
    const n = network("web", ["b"]);
    expect(connectable([container("c"), container("b"), container("a")], n).map((c) => c.name)).toEqual(["a", "c"]);
  });

  it("groups form problems by field", () => {
    expect(
      errorsByField([
        { field: "name", message: "has a space" },
        { field: "labels", message: "line 1" },
        { field: "labels", message: "line 2" },
      ]),
    ).toEqual({ name: "has a space", labels: "line 1 · line 2" });
  });

  it("names the network that goes and its exact command", () => {
    const plan = removeNetworkPlan(network("web"));
    expect(plan.sections[0]!.items).toEqual([{ name: "web", note: "bridge · 10.20.0.0/24" }]);
    expect(plan.commands).toEqual([{ kind: "network_rm", network: "web" }]);
    expect(plan.title).toBe("Remove the network web?");
  });
});
