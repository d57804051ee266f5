import { describe, expect, it } from "vitest";

import type { LaunchRequest } from "../../ipc/launch";
import { emptyRequest } from "./model";
import { applyPreset, suggestName } from "./presets";

describe("launch presets", () => {
  it("apply every field but the image the dialog was opened for", () => {
    const form: LaunchRequest = { ...emptyRequest("berth-test/app:latest"), replicas: "1" };
    const saved: LaunchRequest = {
      ...emptyRequest("busybox"),
      replicas: "3",
      ports: "8080:80",
      env: "A=1",
      auto_remove: true,
    };
    const applied = applyPreset(form, { name: "web", request: saved });
    expect(applied.image).toBe("berth-test/app:latest");
    expect(applied.replicas).toBe("3");
    expect(applied.ports).toBe("8080:80");
    expect(applied.env).toBe("A=1");
    expect(applied.auto_remove).toBe(true);
    // The stored preset is not changed by applying it.
    expect(saved.image).toBe("busybox");
  });

  it("suggest a name from the image and the replica count", () => {
    expect(suggestName({ ...emptyRequest("localhost:5000/team/web:1.2"), replicas: "3" })).toBe("web x3");
    expect(suggestName({ ...emptyRequest("busybox"), replicas: "1" })).toBe("busybox");
  });
});
