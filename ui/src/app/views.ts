/**
 * The table of views: it drives both the sidebar (Nav.svelte) and the view switch
 * (App.svelte). Adding a view is one entry here (and its icon in icons.svelte).
 */
import type { Component, Snippet } from "svelte";

import CleanupView from "../features/cleanup/CleanupView.svelte";
import ComposeView from "../features/compose/ComposeView.svelte";
import ContainersView from "../features/containers/ContainersView.svelte";
import EnginesView from "../features/engines/EnginesView.svelte";
import ImagesView from "../features/images/ImagesView.svelte";
import GroupsView from "../features/launch/GroupsView.svelte";
import LearnView from "../features/learn/LearnView.svelte";
import LessonsView from "../features/lessons/LessonsView.svelte";
import NetworksView from "../features/networks/NetworksView.svelte";
import SettingsView from "../features/settings/SettingsView.svelte";
import HelpView from "../features/about/HelpView.svelte";
import { help as helpIcon } from "../features/about/icon.svelte";
import ServicesView from "../features/swarm/ServicesView.svelte";
import VolumesView from "../features/volumes/VolumesView.svelte";
import type { Inventory } from "../ipc/commands";
import * as icons from "./icons.svelte";
import type { Shell } from "./shell.svelte";

export type ViewId = "containers" | "images" | "groups" | "compose" | "volumes" | "networks" | "services" | "cleanup" | "engines" | "learn" | "lessons" | "settings" | "help";

/** What decides whether a view's sidebar entry is there. */
export interface NavContext {
  current: ViewId;
  /** The engine is a swarm manager. */
  swarm: boolean;
}

interface Common {
  id: ViewId;
  label: string;
  icon: Snippet;
  /** The sidebar entry's tooltip. */
  hint?: string;
  /** The number the sidebar shows beside the label (while an inventory is known). */
  count?: (inventory: Inventory) => number;
  /** Whether the sidebar lists it; always when absent. */
  shown?: (nav: NavContext) => boolean;
}

/** A view of the engine's objects: shown only with an inventory (else the problem, loading or
 *  error screen, or the first-run walkthrough, take its place). */
interface EngineView<P extends Record<string, unknown>> extends Common {
  needsEngine: true;
  component: Component<P>;
  props: (shell: Shell, inventory: Inventory) => P;
}

/** A view that works without an engine (settings, the engine list). */
interface AppView<P extends Record<string, unknown>> extends Common {
  needsEngine: false;
  component: Component<P>;
  props: (shell: Shell) => P;
}

// Each entry is checked against its own component's props by `view()`; the table holds them
// under one type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ViewSpec = EngineView<any> | AppView<any>;

function view<P extends Record<string, unknown>>(spec: EngineView<P> | AppView<P>): ViewSpec {
  return spec;
}

/** The shell's fields a view binds to (view state that outlives switching views). */
type BoundField = "filterText" | "stateFilter" | "selectedImage" | "openContainerId" | "learnTab";

/**
 * `props` plus, for each `prop: field` of `binds`, an accessor pair on the shell's field: the
 * view's `$bindable` prop reads and writes the shell (Svelte forwards a spread's setters).
 */
function bound<const B extends Record<string, BoundField>, R extends Record<string, unknown>>(
  shell: Shell,
  binds: B,
  props: R,
): R & { [P in keyof B]: Shell[B[P]] } {
  const out: Record<string, unknown> = { ...props };
  for (const [prop, field] of Object.entries(binds)) {
    Object.defineProperty(out, prop, {
      enumerable: true,
      get: () => shell[field],
      set: (value: never) => (shell[field] = value),
    });
  }
  return out as R & { [P in keyof B]: Shell[B[P]] };
}

export const VIEWS: readonly ViewSpec[] = [
  view({
    id: "containers",
    label: "Containers",
    icon: icons.containers,
    count: (inv) => inv.containers.length,
    needsEngine: true,
    component: ContainersView,
    props: (shell, inv) =>
      bound(
        shell,
        { text: "filterText", stateFilter: "stateFilter", openId: "openContainerId" },
        { containers: inv.containers, images: inv.images, groups: inv.groups, oncompose: () => (shell.view = "compose") },
      ),
  }),
  view({
    id: "images",
    label: "Images",
    icon: icons.images,
    count: (inv) => inv.images.length,
    needsEngine: true,
    component: ImagesView,
    props: (shell, inv) => bound(shell, { selectedId: "selectedImage" }, { images: inv.images, containers: inv.containers }),
  }),
  view({
    id: "groups",
    label: "Groups",
    icon: icons.groups,
    count: (inv) => inv.groups.length,
    needsEngine: true,
    component: GroupsView,
    props: (shell, inv) => ({
      groups: inv.groups,
      containers: inv.containers,
      onopencontainer: (id: string) => shell.openContainer(id),
      onimages: () => (shell.view = "images"),
    }),
  }),
  view({
    id: "compose",
    label: "Compose",
    icon: icons.compose,
    hint: "Compose projects: their services and containers, Up from a file, Down, logs and charts",
    needsEngine: true,
    component: ComposeView,
    props: (shell, inv) => ({ revision: inv, containers: inv.containers, onopencontainer: (id: string) => shell.openContainer(id) }),
  }),
  view({
    id: "volumes",
    label: "Volumes",
    icon: icons.volumes,
    hint: "Data that outlives a container: every volume and which containers use it",
    needsEngine: true,
    component: VolumesView,
    props: (shell, inv) => ({ revision: inv, onopencontainer: (id: string) => shell.openContainer(id) }),
  }),
  view({
    id: "networks",
    label: "Networks",
    icon: icons.networks,
    hint: "How containers reach each other: every network, its range, and the containers on it with their addresses",
    needsEngine: true,
    component: NetworksView,
    props: (shell, inv) => ({ revision: inv, onopencontainer: (id: string) => shell.openContainer(id) }),
  }),
  view({
    id: "services",
    label: "Services",
    icon: icons.services,
    // Shown on a swarm manager, and kept while open (the engine may just have left it).
    shown: (nav) => nav.swarm || nav.current === "services",
    needsEngine: true,
    component: ServicesView,
    props: () => ({}),
  }),
  view({
    id: "cleanup",
    label: "Cleanup",
    icon: icons.cleanup,
    needsEngine: true,
    component: CleanupView,
    props: (_shell, inv) => ({ revision: inv }),
  }),
  view({
    id: "engines",
    label: "Engines",
    icon: icons.engines,
    needsEngine: false,
    component: EnginesView,
    props: () => ({}),
  }),
  view({
    id: "learn",
    label: "Learn",
    icon: icons.learn,
    hint: "Images vs containers in your own engine, and the docker command of every click",
    needsEngine: true,
    component: LearnView,
    props: (shell, inv) =>
      bound(
        shell,
        { tab: "learnTab" },
        {
          images: inv.images,
          containers: inv.containers,
          onopencontainer: (id: string) => shell.openContainer(id),
          onopenimage: (id: string) => shell.openImage(id),
        },
      ),
  }),
  view({
    id: "lessons",
    label: "Lessons",
    icon: icons.lessons,
    hint: "Short lessons checked on your own engine, whether you click here or type the docker command",
    needsEngine: true,
    component: LessonsView,
    props: (shell, inv) => ({
      revision: inv,
      onopencontainer: (id: string) => shell.openContainer(id),
      onopenview: (view: "volumes" | "networks") => (shell.view = view),
      onopenimage: (id: string) => shell.openImage(id),
    }),
  }),
  view({
    id: "settings",
    label: "Settings",
    icon: icons.settings,
    needsEngine: false,
    component: SettingsView,
    props: (shell) => ({ onendpointchanged: () => (shell.view = "containers") }),
  }),
  view({
    id: "help",
    label: "Help",
    icon: helpIcon,
    hint: "About Berth, copy diagnostics for a bug report, quit",
    needsEngine: false,
    component: HelpView,
    props: () => ({}),
  }),
];

export function viewById(id: ViewId): ViewSpec {
  return VIEWS.find((v) => v.id === id) ?? VIEWS[0]!;
}
