/** The Containers list grouped by Compose project: project → service → containers. The
 *  projects and services are the backend's Compose groups (`domain::groups`, found from the
 *  labels every Compose writes), so this list, the Compose view and the Groups view agree on
 *  who belongs where; nothing here reads the labels again. */
import type { ContainerSummary } from "../../ipc/containers";
import type { Group } from "../../ipc/groups";
import { isUp } from "../../lib/format";

/** A line of the list grouped by project. `project: null` is the "not in a project" header. */
export type ProjectListRow =
  | { kind: "project"; key: string; project: string | null; total: number; running: number }
  | { kind: "service"; key: string; project: string; service: string | null; total: number; running: number }
  | { kind: "container"; key: string; container: ContainerSummary };

/** The sub-header of a project's `docker compose run` containers (members of no service). */
export const ONEOFF_LABEL = "one-off (compose run)";

function counts(members: readonly ContainerSummary[]): { total: number; running: number } {
  let running = 0;
  for (const c of members) if (isUp(c.state)) running++;
  return { total: members.length, running };
}

/**
 * The rows to show, from `containers` (already filtered and sorted: that order is kept inside
 * each service) and the engine's groups. Projects and services sorted by name; a project or
 * service none of whose containers is shown has no header; one-off containers come last in
 * their project; containers of no project come last, under their own header.
 */
export function projectRows(containers: readonly ContainerSummary[], groups: readonly Group[]): ProjectListRow[] {
  const projectOf = new Map<string, string>();
  const serviceOf = new Map<string, string>();
  for (const g of groups) {
    const ref = g.reference;
    if (ref.kind === "compose_project") {
      for (const id of g.members) projectOf.set(id, ref.project);
    } else if (ref.kind === "compose_service") {
      for (const id of g.members) serviceOf.set(id, ref.service);
    }
  }

  // project → service ("" for one-offs) → shown members, in the given order.
  const byProject = new Map<string, Map<string, ContainerSummary[]>>();
  const loose: ContainerSummary[] = [];
  for (const c of containers) {
    const project = projectOf.get(c.id);
    if (project === undefined) {
      loose.push(c);
      continue;
    }
    const service = serviceOf.get(c.id) ?? "";
    let svcs = byProject.get(project);
    if (!svcs) byProject.set(project, (svcs = new Map()));
    const list = svcs.get(service);
    if (list) list.push(c);
    else svcs.set(service, [c]);
  }

  const rows: ProjectListRow[] = [];
  const push = (members: readonly ContainerSummary[]) => {
    for (const c of members) rows.push({ kind: "container", key: c.id, container: c });
  };
  for (const project of [...byProject.keys()].sort((a, b) => a.localeCompare(b))) {
    const svcs = byProject.get(project)!;
    const all = [...svcs.values()].flat();
    rows.push({ kind: "project", key: `project:${project}`, project, ...counts(all) });
    const names = [...svcs.keys()].filter((s) => s !== "").sort((a, b) => a.localeCompare(b));
    for (const service of names) {
      const members = svcs.get(service)!;
      rows.push({ kind: "service", key: `service:${project}/${service}`, project, service, ...counts(members) });
      push(members);
    }
    const oneoff = svcs.get("");
    if (oneoff) {
      rows.push({ kind: "service", key: `service:${project}/`, project, service: null, ...counts(oneoff) });
      push(oneoff);
    }
  }
  if (loose.length > 0) {
    rows.push({ kind: "project", key: "project:", project: null, ...counts(loose) });
    push(loose);
  }
  return rows;
}
