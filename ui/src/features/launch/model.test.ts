import { describe, expect, it } from "vitest";

import type { ReplicaProgress } from "../../ipc/launch";
import {
  appendEnv,
  applyBatch,
  countPhases,
  emptyRequest,
  errorsByField,
  launchLog,
  memberPorts,
  nameAdjustments,
  plannedPorts,
  portAdjustments,
  pullNote,
  scaleError,
  typedHostPorts,
} from "./model";

describe("launch model", () => {
  it("starts with one replica and the image", () => {
    const r = emptyRequest("app:1");
    expect(r.replicas).toBe("1");
    expect(r.image).toBe("app:1");
  });

  it("groups errors by field", () => {
    const e = errorsByField([
      { field: "env", message: "line 1" },
      { field: "env", message: "line 3" },
      { field: "replicas", message: "at least 1" },
    ]);
    expect(e.env).toEqual(["line 1", "line 3"]);
    expect(e.replicas).toEqual(["at least 1"]);
    expect(e.ports).toBeUndefined();
  });

  it("appends a dropped env file", () => {
    expect(appendEnv("", "\uFEFFA=1\r\nB=2\r\n")).toBe("A=1\nB=2\n");
    expect(appendEnv("X=0\n\n", "A=1")).toBe("X=0\nA=1");
  });

  it("applies progress batches by replica", () => {
    const p = (replica: number, phase: ReplicaProgress["phase"]): ReplicaProgress => ({
      replica,
      name: `a-${replica}`,
      phase,
      container_id: null,
      error: null,
    });
    let rows = applyBatch(new Map(), [p(1, "pending"), p(2, "pending")]);
    rows = applyBatch(rows, [p(1, "running"), p(2, "failed")]);
    expect(countPhases(rows.values())).toMatchObject({ running: 1, failed: 1, pending: 0 });
  });

  it("checks scale targets", () => {
    expect(scaleError("3")).toBeNull();
    expect(scaleError("0")).toBeNull();
    expect(scaleError("-1")).toMatch(/whole number/);
    expect(scaleError("501")).toMatch(/at most/);
  });
});

describe("memberPorts", () => {
  it("shows a port published on both IP families once", () => {
    const v4 = { host_ip: "0.0.0.0", host_port: 8080, container_port: 80, protocol: "tcp" };
    const v6 = { ...v4, host_ip: "::" };
    const exposed = { host_ip: null, host_port: null, container_port: 53, protocol: "udp" };
    expect(memberPorts([v4, v6, exposed])).toBe("8080→80, 53");
  });
});

describe("pull note", () => {
  it("names the reference and registry of an image that will be pulled first", () => {
    expect(pullNote(null)).toBeNull();
    expect(pullNote({ reference: "berth-test/x:1", registry: "Docker Hub", command: "docker pull berth-test/x:1" })).toBe(
      "berth-test/x:1 is not on this engine; it will be pulled from Docker Hub first",
    );
  });
});

describe("what the planner changed", () => {
  const r = (replica: number, name: string, ...hosts: (number | null)[]) => ({
    replica,
    name,
    ports: hosts.map((h, i) => ({ host_ip: null, host_port: h, container_port: 80 + i, protocol: "tcp" as const })),
  });

  it("reads typed host ports", () => {
    expect(typedHostPorts("8080:80, 127.0.0.1:9000:90/udp\n53")).toEqual([8080, 9000, null]);
    expect(typedHostPorts("nonsense:x")).toBeNull();
  });

  it("announces a host port in use", () => {
    expect(portAdjustments("8080:80", [r(1, "a-1", 8081)])).toBe("8080 is in use: using 8081 instead");
    expect(portAdjustments("8080:80", [r(1, "a-1", 8080), r(2, "a-2", 8082)])).toBe(
      "8081 is in use: replicas get 8080, 8082",
    );
    expect(portAdjustments("8080:80", [r(1, "a-1", 8080), r(2, "a-2", 8081)])).toBeNull();
    expect(portAdjustments("80", [r(1, "a-1", null)])).toBeNull();
  });

  it("announces a renamed or renumbered replica", () => {
    expect(nameAdjustments("web", [r(1, "web-1"), r(2, "web-2"), r(3, "web-3")])).toBe(
      "no {n}: several replicas cannot share one name, so they are numbered web-1 … web-3",
    );
    // One replica keeps the exact name: nothing was rewritten, nothing to say.
    expect(nameAdjustments("web", [r(1, "web")])).toBeNull();
    expect(nameAdjustments(" web ", [r(1, "web")])).toBeNull();
    expect(nameAdjustments("web-{n}", [r(4, "web-4")])).toBe("numbering starts at 4, after existing containers");
    expect(plannedPorts(r(1, "a", 8081, null).ports)).toBe("8081→80, 81");
  });
});

describe("a launch's log", () => {
  it("marks each replica's line as it ended and says what the preview left out", () => {
    const preview = { commands: ["docker pull a", "docker run -d --name a-1 a", "docker run -d --name a-2 a"], more: 3 };
    expect(
      launchLog(preview, [
        { name: "a-1", phase: "running" },
        { name: "a-2", phase: "failed" },
      ]),
    ).toEqual([
      { line: "docker pull a", ok: true },
      { line: "docker run -d --name a-1 a", ok: true },
      { line: "docker run -d --name a-2 a", ok: false },
      { line: "# … and 3 more replicas like these", ok: true },
    ]);
  });
});
