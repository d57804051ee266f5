/** Pure helpers for Swarm services in the UI: service-mode notes, task counts, scale input. */
import type { LaunchField } from "../../ipc/launch";
import type { FieldNote, NodeTasks, PublishedPort, ServiceSummary, SwarmInfo } from "../../ipc/swarm";

/** How the launch dialog creates its replicas. */
export type LaunchTarget = "containers" | "service";

/** Notes per field; fields with `disabled` are switched off in service mode. */
export function notesByField(notes: readonly FieldNote[] | null | undefined): Partial<Record<LaunchField, FieldNote>> {
  const out: Partial<Record<LaunchField, FieldNote>> = {};
  for (const n of notes ?? []) out[n.field] = n;
  return out;
}

/** Only an active manager can create services. */
export function canLaunchServices(info: SwarmInfo | null | undefined): boolean {
  return !!info && info.state === "active" && info.manager;
}

/** Whether the Services view makes sense: the engine is in a swarm (a worker sees why it cannot list). */
export function inSwarm(info: SwarmInfo | null | undefined): boolean {
  return !!info && info.state !== "inactive";
}

/** `3/5`, as `docker service ls` prints REPLICAS; a global service shows running/desired tasks too. */
export function replicasText(s: ServiceSummary): string {
  return `${s.tasks_running}/${s.replicas_desired ?? s.tasks_desired}`;
}

/** Counts tasks per state over every node, for the header line. */
export function taskCounts(nodes: readonly NodeTasks[]): { running: number; other: number } {
  let running = 0;
  let other = 0;
  for (const n of nodes)
    for (const t of n.tasks) {
      if (t.state === "running" && t.desired_state === "running") running += 1;
      else other += 1;
    }
  return { running, other };
}

/** `docker service scale --detach NAME=N` for the text typed (what the backend will run), or null while invalid. */
export function scaleCommand(name: string, text: string): string | null {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) > 500) return null;
  return `docker service scale --detach ${name}=${Number(t)}`;
}

/** `8080→80/tcp`, or `*→80/tcp` while the swarm has not assigned a published port. */
export function portLabel(p: PublishedPort): string {
  return `${p.published ?? "*"}→${p.target}/${p.protocol}`;
}

/** The distinct errors of failed or rejected tasks, over every node. */
export function taskErrors(nodes: readonly NodeTasks[]): string[] {
  const out = new Set<string>();
  for (const n of nodes) for (const t of n.tasks) if (t.error) out.add(t.error);
  return [...out];
}
