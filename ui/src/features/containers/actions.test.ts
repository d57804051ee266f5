import { describe, expect, it } from "vitest";

import type { ActionResult } from "../../ipc/containers";
import { actionApplies, needsForce, summarise, toAction } from "./actions";

describe("container actions", () => {
  it("apply to the states the engine accepts", () => {
    expect(actionApplies("start", "exited")).toBe(true);
    expect(actionApplies("start", "running")).toBe(false);
    expect(actionApplies("pause", "running")).toBe(true);
    expect(actionApplies("unpause", "running")).toBe(false);
    expect(actionApplies("stop", "paused")).toBe(true);
    expect(actionApplies("remove", "removing")).toBe(false);
    expect(needsForce("running")).toBe(true);
    expect(needsForce("exited")).toBe(false);
    expect(toAction("remove", true)).toEqual({ kind: "remove", force: true, volumes: false });
    expect(toAction("remove", true, true)).toEqual({ kind: "remove", force: true, volumes: true });
    expect(toAction("kill")).toEqual({ kind: "kill" });
  });

  it("summarise results, keeping every failure", () => {
    const r = (name: string, error: string | null, conflict = false): ActionResult => ({
      target: name,
      name,
      command: `docker rm ${name}`,
      error,
      conflict,
    });
    const s = summarise([r("a", null), r("b", "b is running", true), r("c", "c no longer exists")]);
    expect(s.ok).toBe(1);
    expect(s.failed.map((f) => f.name)).toEqual(["b", "c"]);
    expect(s.conflicts.map((f) => f.name)).toEqual(["b"]);
  });

});
