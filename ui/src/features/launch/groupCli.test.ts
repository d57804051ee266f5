import { describe, expect, it } from "vitest";

import type { LaunchSpec } from "../../ipc/launch";
import { bindingsOf, groupActionCommands, scaleCommands } from "./groupCli";

describe("a group's commands", () => {
  const members = [
    { name: "web-1", state: "running" as const },
    { name: "web-2", state: "exited" as const },
  ];

  it("logs one command per member the action changed, failures marked", () => {
    expect(groupActionCommands("stop", members, [])).toEqual([{ cmd: { kind: "stop", container: "web-1" }, ok: true }]);
    expect(groupActionCommands("start", members, ["web-2: no such image"])).toEqual([
      { cmd: { kind: "start", container: "web-2" }, ok: false },
    ]);
    expect(groupActionCommands("remove", members, []).map((l) => l.cmd)).toEqual([
      { kind: "remove", container: "web-1", force: true, volumes: true },
      { kind: "remove", container: "web-2", force: true, volumes: true },
    ]);
  });

  it("reads a replica's ports once per mapping", () => {
    const p = (host_ip: string | null, host_port: number | null) => ({ host_ip, host_port, container_port: 80, protocol: "tcp" });
    expect(bindingsOf([p("0.0.0.0", 8081), p("::", 8081), p("127.0.0.1", 9000), p(null, null)])).toEqual([
      { host_ip: null, host_port: 8081, container_port: 80, protocol: "tcp" },
      { host_ip: "127.0.0.1", host_port: 9000, container_port: 80, protocol: "tcp" },
    ]);
  });

  it("logs a scale up as docker run per new replica and a scale down as docker rm", () => {
    const spec = { image: "busybox" } as LaunchSpec;
    const up = scaleCommands(
      {
        launch: {
          group: "g1",
          cancelled: false,
          elapsed_ms: 1,
          replicas: [
            { replica: 3, name: "web-3", phase: "running", container_id: "c3", error: null },
            { replica: 4, name: "web-4", phase: "failed", container_id: null, error: "x" },
          ],
        },
        removed: [],
        errors: [],
      },
      "g1",
      spec,
      () => null,
    );
    expect(up).toEqual([
      { cmd: { kind: "launch_replica", spec, group: "g1", replica: 3, name: "web-3", ports: null }, ok: true },
    ]);
    const down = scaleCommands({ launch: null, removed: ["web-2"], errors: [] }, "g1", spec, () => null);
    expect(down.map((l) => l.cmd)).toEqual([{ kind: "remove", container: "web-2", force: true, volumes: true }]);
  });
});
