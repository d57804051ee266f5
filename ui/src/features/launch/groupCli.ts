/**
 * The docker commands a group action or a scale did, one per container, for the command log
 * and the Groups view (rendered by the backend, `docker_commands`). A group's "Start all" is
 * one `docker start` per member it started; scaling up is one `docker run` per new replica
 * (from the group's spec, with the ports it got), scaling down one `docker rm -f -v` each.
 */
import type { ContainerState, PortMapping } from "../../ipc/containers";
import type { GroupAction, ScaleOutcome } from "../../ipc/groups";
import type { LaunchSpec, PortBinding } from "../../ipc/launch";
import type { DockerCommand } from "../../ipc/learn";

export interface Logged {
  cmd: DockerCommand;
  ok: boolean;
}

/** Up as the backend's `is_up` counts it: a stop acts on these, a start on the rest. */
const UP: readonly ContainerState[] = ["running", "paused", "restarting"];

/** Failed when the backend's `name: reason` list names it. */
const failedIn = (failures: readonly string[], name: string) => failures.some((f) => f.startsWith(`${name}: `));

export function groupActionCommands(
  action: GroupAction,
  members: readonly { name: string; state: ContainerState }[],
  failures: readonly string[],
  removeVolumes = true,
): Logged[] {
  const acted = members.filter((m) =>
    action === "remove" ? true : action === "stop" ? UP.includes(m.state) : !UP.includes(m.state),
  );
  return acted.map((m) => ({
    cmd:
      action === "remove"
        ? { kind: "remove", container: m.name, force: true, volumes: removeVolumes }
        : { kind: action, container: m.name },
    ok: !failedIn(failures, m.name),
  }));
}

/** A container's published ports as the launch planned them (one entry per mapping: the
 * engine lists a port bound on all addresses once per IP family). */
export function bindingsOf(ports: readonly PortMapping[]): PortBinding[] {
  const seen = new Set<string>();
  const out: PortBinding[] = [];
  for (const p of ports) {
    if (p.host_port === null) continue;
    const key = `${p.host_port}/${p.container_port}/${p.protocol}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const anyAddress = p.host_ip === null || p.host_ip === "0.0.0.0" || p.host_ip === "::";
    out.push({
      host_ip: anyAddress ? null : p.host_ip,
      host_port: p.host_port,
      container_port: p.container_port,
      protocol: p.protocol === "udp" || p.protocol === "sctp" ? p.protocol : "tcp",
    });
  }
  return out;
}

export function scaleCommands(
  outcome: ScaleOutcome,
  group: string,
  spec: LaunchSpec | null,
  portsOf: (containerId: string) => PortBinding[] | null,
): Logged[] {
  const made: Logged[] = spec
    ? (outcome.launch?.replicas ?? []).flatMap((r) =>
        r.container_id && r.phase === "running"
          ? [
              {
                cmd: {
                  kind: "launch_replica",
                  spec,
                  group,
                  replica: r.replica,
                  name: r.name,
                  ports: portsOf(r.container_id),
                } satisfies DockerCommand,
                ok: true,
              },
            ]
          : [],
      )
    : [];
  const removed: Logged[] = outcome.removed.map((name) => ({
    cmd: { kind: "remove", container: name, force: true, volumes: true },
    ok: true,
  }));
  return [...made, ...removed];
}
