import { describe, expect, it } from "vitest";

import type { ReferenceCheck } from "../../ipc/registry";
import { canRun, checkLines, pickedReference } from "./model";

const last = <T>(items: T[]): T | undefined => items[items.length - 1];

const base: ReferenceCheck = {
  input: "nginx",
  error: null,
  reference: "nginx:latest",
  expanded: "docker.io/library/nginx:latest",
  short: true,
  registry: "docker.io",
  registry_label: "Docker Hub",
  repository: "library/nginx",
  local_id: null,
  remote: null,
};

describe("run model", () => {
  it("says how a short name expands and where it comes from", () => {
    const lines = checkLines({ ...base, remote: { state: "found" } });
    expect(lines.map((l) => l.text)).toEqual([
      "Short for docker.io/library/nginx:latest",
      "From Docker Hub",
      "Not on this engine yet: it is pulled from Docker Hub first.",
    ]);
    expect(canRun({ ...base, remote: { state: "found" } })).toBe(true);
  });

  it("shows only the error of a malformed reference, and does not go on", () => {
    const bad = { ...base, error: "“Nginx” is not a valid image reference", reference: null };
    expect(checkLines(bad)).toEqual([{ tone: "error", text: bad.error, testid: "run-check-error" }]);
    expect(canRun(bad)).toBe(false);
    expect(canRun(null)).toBe(false);
  });

  it("goes on for a local image, and when the registry could not be asked", () => {
    const local = { ...base, local_id: "sha256:abc" };
    expect(last(checkLines(local))?.testid).toBe("run-check-local");
    expect(canRun(local)).toBe(true);
    const unchecked = { ...base, remote: { state: "unchecked" as const, message: "docker.io does not answer" } };
    expect(last(checkLines(unchecked))?.tone).toBe("warn");
    expect(canRun(unchecked)).toBe(true);
  });

  it("stops at an unknown tag or repository", () => {
    const tag = { ...base, remote: { state: "unknown_tag" as const, message: "no tag “v9”", tags: ["v1"] } };
    expect(last(checkLines(tag))).toEqual({ tone: "error", text: "no tag “v9”", testid: "run-check-remote" });
    expect(canRun(tag)).toBe(false);
    expect(canRun({ ...base, remote: { state: "unknown_repository", message: "none" } })).toBe(false);
  });

  it("makes a reference from a picked repository and tag", () => {
    expect(pickedReference("127.0.0.1:5000", "team/app", "v1")).toBe("127.0.0.1:5000/team/app:v1");
  });
});
