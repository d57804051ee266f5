import { describe, expect, it } from "vitest";

import type { NodeTasks, ServiceSummary, SwarmInfo, TaskSummary } from "../../ipc/swarm";
import { canLaunchServices, inSwarm, notesByField, portLabel, replicasText, scaleCommand, taskCounts, taskErrors } from "./model";

const info = (over: Partial<SwarmInfo>): SwarmInfo => ({
  state: "inactive",
  manager: false,
  node_id: "",
  node_addr: "",
  error: "",
  ...over,
});

const task = (state: string, desired: string): TaskSummary => ({
  id: state + desired,
  slot: 1,
  node_id: "n",
  node: "vm",
  state,
  desired_state: desired,
  message: "",
  error: "",
  container_id: null,
  updated: "",
});

describe("swarm model", () => {
  it("only an active manager launches services; any member sees the view", () => {
    expect(canLaunchServices(info({}))).toBe(false);
    expect(canLaunchServices(info({ state: "active" }))).toBe(false);
    expect(canLaunchServices(info({ state: "active", manager: true }))).toBe(true);
    expect(inSwarm(info({}))).toBe(false);
    expect(inSwarm(info({ state: "active" }))).toBe(true);
    expect(inSwarm(null)).toBe(false);
  });

  it("indexes notes by field", () => {
    const notes = notesByField([{ field: "volumes", disabled: true, reason: "no" }]);
    expect(notes.volumes?.disabled).toBe(true);
    expect(notes.ports).toBeUndefined();
    expect(notesByField(null)).toEqual({});
  });

  it("prints replicas like docker service ls and counts tasks over nodes", () => {
    const s = { tasks_running: 3, tasks_desired: 5, replicas_desired: 5 } as ServiceSummary;
    expect(replicasText(s)).toBe("3/5");
    expect(replicasText({ ...s, replicas_desired: null, tasks_desired: 2 })).toBe("3/2");
    const nodes: NodeTasks[] = [
      { node: "a", tasks: [task("running", "running"), task("failed", "shutdown")] },
      { node: "b", tasks: [task("running", "running")] },
    ];
    expect(taskCounts(nodes)).toEqual({ running: 2, other: 1 });
  });

  it("shows the scale command only for a number in range", () => {
    expect(scaleCommand("web", " 5 ")).toBe("docker service scale --detach web=5");
    expect(scaleCommand("web", "0")).toBe("docker service scale --detach web=0");
    expect(scaleCommand("web", "501")).toBeNull();
    expect(scaleCommand("web", "-1")).toBeNull();
    expect(scaleCommand("web", "x")).toBeNull();
  });

  it("labels published ports like the backend does", () => {
    expect(portLabel({ published: 8080, target: 80, protocol: "tcp", mode: "ingress" })).toBe("8080→80/tcp");
    expect(portLabel({ published: null, target: 53, protocol: "udp", mode: "ingress" })).toBe("*→53/udp");
  });

  it("collects each distinct task error once", () => {
    const failed = { ...task("failed", "shutdown"), error: "no such image" };
    const nodes: NodeTasks[] = [{ node: "a", tasks: [failed, { ...failed, id: "x" }, task("running", "running")] }];
    expect(taskErrors(nodes)).toEqual(["no such image"]);
  });
});
