import { describe, expect, it } from "vitest";

import { healthOf, probeVerdict } from "./health";

describe("healthOf", () => {
  it("reads the engine's status text", () => {
    expect(healthOf("Up 5 minutes (healthy)")).toBe("healthy");
    expect(healthOf("Up 2 seconds (health: starting)")).toBe("starting");
    expect(healthOf("Up 1 second (unhealthy)")).toBe("unhealthy");
    expect(healthOf("Up 5 minutes")).toBeNull();
    expect(healthOf("Exited (0) 2 hours ago")).toBeNull();
  });
});

describe("probeVerdict", () => {
  it("reads a probe's exit code as Docker does", () => {
    expect(probeVerdict(0)).toBe("passed");
    expect(probeVerdict(1)).toBe("failed");
    expect(probeVerdict(-1)).toBe("could not run");
    expect(probeVerdict(126)).toBe("could not run");
  });
});
