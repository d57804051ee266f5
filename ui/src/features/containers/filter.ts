/** Pure derivations behind the containers view: filtering, counting, grouping by image. */
import type { ContainerState, ContainerSummary } from "../../ipc/containers";
import { isUp } from "../../lib/format";
import { healthOf, type Health } from "./health";

/** A state, or a health check's verdict (`health:unhealthy`), or all. */
export type StateFilter = ContainerState | "all" | `health:${Health}`;

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
      (state === "all" || c.state === state || state === `health:${healthOf(c.status)}`) &&
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

/** The columns the list sorts by. */
export type SortKey = "name" | "image" | "state" | "created";

export interface Sort {
  key: SortKey;
  descending: boolean;
}

/** Names first by name: a stable order in which a new container takes its own place instead
 *  of pushing every row down under the pointer. */
export const DEFAULT_SORT: Sort = { key: "name", descending: false };

/** States in the order people scan for them: what runs first, what is gone last. */
const STATE_RANK: Record<ContainerState, number> = Object.fromEntries(CONTAINER_STATES.map((s, i) => [s, i])) as Record<
  ContainerState,
  number
>;

function compareBy(key: SortKey, a: ContainerSummary, b: ContainerSummary): number {
  switch (key) {
    case "name":
      return a.name.localeCompare(b.name);
    case "image":
      return a.image.localeCompare(b.image);
    case "state":
      return STATE_RANK[a.state] - STATE_RANK[b.state];
    case "created":
      return a.created - b.created;
  }
}

/** Sorted by `sort`, ties broken by name then ID, so the order never depends on the engine's. */
export function sortContainers(containers: readonly ContainerSummary[], sort: Sort): ContainerSummary[] {
  const sign = sort.descending ? -1 : 1;
  return containers
    .slice()
    .sort((a, b) => sign * compareBy(sort.key, a, b) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** A click on a column header: that column ascending, or the other way round if it already is. */
export function nextSort(current: Sort, key: SortKey): Sort {
  return current.key === key ? { key, descending: !current.descending } : { key, descending: key === "created" };
}
