/** Pure derivations behind the containers view: filtering, counting, grouping by image. */
import type { ContainerState, ContainerSummary } from "../../ipc/containers";
import { isUp } from "../../lib/format";

export type StateFilter = ContainerState | "all";

export const CONTAINER_STATES: readonly ContainerState[] = [
  "running",
  "paused",
  "restarting",
  "created",
  "exited",
  "dead",
  "removing",
];

export interface ContainerFilter {
  text: string;
  state: StateFilter;
}

/** Containers whose name or image contains `text` (case-insensitive) and in `state`. Keeps order. */
export function filterContainers(
  containers: readonly ContainerSummary[],
  { text, state }: ContainerFilter,
): ContainerSummary[] {
  const needle = text.trim().toLowerCase();
  if (needle === "" && state === "all") return containers.slice();
  return containers.filter(
    (c) =>
      (state === "all" || c.state === state) &&
      (needle === "" || c.name.toLowerCase().includes(needle) || c.image.toLowerCase().includes(needle)),
  );
}

/** A line of the containers list: a group header (when grouping by image) or a container. */
export type ContainerListRow =
  | { kind: "group"; key: string; image: string; total: number; running: number }
  | { kind: "container"; key: string; container: ContainerSummary };

/**
 * The rows to show. Grouped: one header per image (as the containers name it), images sorted
 * by name, containers keeping their order within a group.
 */
export function containerRows(containers: readonly ContainerSummary[], groupByImage: boolean): ContainerListRow[] {
  if (!groupByImage) return containers.map((c) => ({ kind: "container", key: c.id, container: c }));
  const groups = new Map<string, ContainerSummary[]>();
  for (const c of containers) {
    const list = groups.get(c.image);
    if (list) list.push(c);
    else groups.set(c.image, [c]);
  }
  const rows: ContainerListRow[] = [];
  const images = [...groups.keys()].sort((a, b) => a.localeCompare(b));
  for (const image of images) {
    const members = groups.get(image) ?? [];
    let running = 0;
    for (const c of members) if (isUp(c.state)) running++;
    rows.push({ kind: "group", key: `group:${image}`, image, total: members.length, running });
    for (const c of members) rows.push({ kind: "container", key: c.id, container: c });
  }
  return rows;
}
