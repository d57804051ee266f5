import { describe, expect, it } from "vitest";

import { engineInfo } from "../../dev/fixtures";
import type { EngineOverview } from "../../ipc/engines";
import { countsLabel, isInsecure, statusLabel, transportLabel } from "./model";

const row = (over: Partial<EngineOverview>): EngineOverview => ({
  name: "x",
  endpoint: "tcp://h:2375",
  transport: "tcp",
  active: false,
  status: { state: "connecting", endpoint: "tcp://h:2375" },
  running: null,
  total: null,
  origin: "",
  ...over,
});

describe("engines model", () => {
  it("flags only plain TCP as insecure", () => {
    expect(isInsecure("tcp")).toBe(true);
    expect(isInsecure("tls")).toBe(false);
    expect(isInsecure("ssh")).toBe(false);
    expect(isInsecure(null)).toBe(false);
    expect(transportLabel("tcp")).toContain("not encrypted");
  });

  it("shows counts only when known", () => {
    expect(countsLabel(row({}))).toBe("–");
    expect(countsLabel(row({ running: 2, total: 5 }))).toBe("2 / 5");
  });

  it("names the flavor of a connected engine", () => {
    const podman = row({ status: { state: "connected", info: { ...engineInfo, flavor: "podman", version: "4.3.1" } } });
    expect(statusLabel(podman)).toBe("Podman 4.3.1");
  });
});
