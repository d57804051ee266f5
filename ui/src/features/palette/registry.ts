/**
 * The palette's one registry of what can be found and done by name: views, the app-wide
 * actions, and per container, image and group what their own buttons do. Each item runs
 * through the functions those buttons use (passed in as `PaletteHost`), so a remove still
 * asks through the confirm dialog and every engine action lands in the command log.
 */
import type { ViewSpec } from "../../app/views";
import type { ContainerSummary } from "../../ipc/containers";
import type { Group } from "../../ipc/groups";
import type { ImageSummary } from "../../ipc/images";
import { ACTION_LABELS, actionApplies, type ActionKind } from "../containers/actions";
import type { RequestedAction } from "../launch/groupRequests.svelte";
import type { Matchable } from "./match";
import { LIST_KEYS, VIEW_SHORTCUTS } from "./shortcuts";

export type ItemKind = "view" | "action" | "container" | "image" | "group";

export interface PaletteItem extends Matchable {
  /** Unique in one build of the registry (keyed list, e2e tests). */
  id: string;
  kind: ItemKind;
  /** A second line: the container's image and state, the image's size, what the view shows. */
  detail?: string;
  shortcut?: string;
  run: () => void;
}

/** What the palette's items do, as the app's buttons do it. */
export interface PaletteHost {
  go: (view: ViewSpec["id"]) => void;
  openContainer: (c: ContainerSummary) => void;
  containerAction: (kind: ActionKind, c: ContainerSummary) => void;
  openImage: (image: ImageSummary) => void;
  launch: (reference: string) => void;
  runImage: () => void;
  openGroup: (group: Group) => void;
  /** Starts or stops every member, as the group's buttons in the Groups view do. */
  groupAction: (group: Group, action: RequestedAction) => void;
}

export interface PaletteSource {
  /** The sidebar's views (as shown: Services only on a swarm manager). */
  views: readonly ViewSpec[];
  containers: readonly ContainerSummary[];
  images: readonly ImageSummary[];
  groups: readonly Group[];
}

const KINDS: readonly ActionKind[] = ["start", "stop", "restart", "pause", "unpause", "kill", "remove"];

/** Per container row: the keys its focused row answers to (ContainersView). */
const ROW_SHORTCUT: Partial<Record<ActionKind, string>> = { remove: LIST_KEYS.remove };

const GROUP_KIND: Record<Group["kind"], string> = {
  launch: "launch group",
  compose_project: "Compose project",
  compose_service: "Compose service",
};

export function buildItems(source: PaletteSource, host: PaletteHost): PaletteItem[] {
  const items: PaletteItem[] = [];
  for (const v of source.views) {
    items.push({
      id: `view:${v.id}`,
      kind: "view",
      title: v.label,
      keywords: ["view", "go to", "show", "open"],
      detail: v.hint,
      shortcut: VIEW_SHORTCUTS[v.id],
      run: () => host.go(v.id),
    });
  }
  items.push({
    id: "action:run-image",
    kind: "action",
    title: "Run an image by name…",
    keywords: ["pull", "search", "registry", "docker run", "new container"],
    run: host.runImage,
  });

  for (const c of source.containers) {
    const about = `${c.image} · ${c.state}`;
    const words = ["container", c.image, c.short_id];
    items.push({
      id: `container:${c.id}:logs`,
      kind: "container",
      title: `Logs of ${c.name}`,
      keywords: ["logs", "open", "details", ...words],
      detail: about,
      shortcut: `${LIST_KEYS.open} in the list`,
      run: () => host.openContainer(c),
    });
    for (const kind of KINDS) {
      if (!actionApplies(kind, c.state)) continue;
      const asks = kind === "remove";
      items.push({
        id: `container:${c.id}:${kind}`,
        kind: "container",
        title: `${ACTION_LABELS[kind]} ${c.name}${asks ? "…" : ""}`,
        keywords: words,
        detail: about,
        shortcut: ROW_SHORTCUT[kind] && `${ROW_SHORTCUT[kind]} in the list`,
        run: () => host.containerAction(kind, c),
      });
    }
  }

  for (const image of source.images) {
    const names = image.tags.length > 0 ? image.tags : [image.short_id];
    for (const name of names) {
      // A short name as people type it: "nginx" for "nginx:latest".
      const short = name.endsWith(":latest") ? name.slice(0, -":latest".length) : name;
      items.push({
        id: `image:${image.id}:${name}:launch`,
        kind: "image",
        title: `Launch ${short}…`,
        keywords: ["image", "replicas", "new container", "run", name],
        detail: `${name} · ${image.containers_running} running / ${image.containers_total}`,
        run: () => host.launch(image.tags.length > 0 ? name : image.id),
      });
      items.push({
        id: `image:${image.id}:${name}:open`,
        kind: "image",
        title: `Image ${short}`,
        keywords: ["image", "open", "layers", "containers", name],
        detail: image.short_id,
        run: () => host.openImage(image),
      });
    }
  }

  for (const g of source.groups) {
    items.push({
      id: `group:${g.key}`,
      kind: "group",
      title: `Group ${g.name}`,
      keywords: ["group", GROUP_KIND[g.kind], g.image],
      detail: `${GROUP_KIND[g.kind]} · ${g.running} running / ${g.total}`,
      run: () => host.openGroup(g),
    });
    const words = ["group", GROUP_KIND[g.kind], g.image];
    const detail = `${GROUP_KIND[g.kind]} · ${g.running} running / ${g.total}`;
    if (g.running < g.total) {
      items.push({ id: `group:${g.key}:start`, kind: "group", title: `Start group ${g.name}`, keywords: words, detail, run: () => host.groupAction(g, "start") });
    }
    if (g.running > 0) {
      items.push({ id: `group:${g.key}:stop`, kind: "group", title: `Stop group ${g.name}`, keywords: words, detail, run: () => host.groupAction(g, "stop") });
    }
  }
  return items;
}
