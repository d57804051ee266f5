import { describe, expect, it } from "vitest";

import type { VolumeSummary } from "../../ipc/volumes";
import { createdSeconds, filterVolumes, labelPairs, parseLabels, volumeNameError } from "./model";

function volume(name: string, users: string[] = []): VolumeSummary {
  return {
    name,
    driver: "local",
    mountpoint: `/var/lib/docker/volumes/${name}/_data`,
    created: "2026-11-29T10:00:00Z",
    scope: "local",
    labels: {},
    used_by: users.map((u) => ({ id: `id-${u}`, name: u, state: "running", destination: "/data", read_only: false })),
  };
}

describe("volumes model", () => {
  it("reads the engine's creation time, and nothing from garbage", () => {
    expect(createdSeconds("2026-11-29T10:00:00Z")).toBe(Date.UTC(2026, 10, 29, 10) / 1000);
    expect(createdSeconds("")).toBeNull();
    expect(createdSeconds("yesterday-ish")).toBeNull();
  });

  it("filters by volume, driver or user name", () => {
    const all = [volume("db-data", ["postgres-1"]), volume("cache"), volume("logs", ["web-1"])];
    expect(filterVolumes(all, "").map((v) => v.name)).toEqual(["db-data", "cache", "logs"]);
    expect(filterVolumes(all, "WEB").map((v) => v.name)).toEqual(["logs"]);
    expect(filterVolumes(all, "cach").map((v) => v.name)).toEqual(["cache"]);
    expect(filterVolumes(all, "nothing")).toEqual([]);
  });
});

describe("volume forms", () => {
  it("names the mistake in a volume name", () => {
    expect(volumeNameError("db-data")).toBeNull();
    expect(volumeNameError("my data")).toContain("space");
    expect(volumeNameError("a/b")).toContain("slash");
    expect(volumeNameError("x")).toContain("at least 2");
    expect(volumeNameError("-x")).toContain("start with");
    expect(volumeNameError("")).toContain("needs a name");
  });

  it("reads labels one per line or comma-separated", () => {
    expect(parseLabels("team=web\n env = prod ,flag")).toEqual({ labels: { team: "web", env: "prod", flag: "" }, error: null });
    expect(parseLabels("=x").error).toContain("no key");
    expect(parseLabels("a b=c").error).toContain("space");
    expect(labelPairs({ team: "web", flag: "" })).toEqual(["team=web", "flag"]);
  });
});
