/**
 * The one door between the UI and the Rust backend. Nothing else in `src/` imports
 * `@tauri-apps/*`: features call these typed functions, and tests mock this module.
 */
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

import type { EngineStatus } from "./bindings/EngineStatus";
import type { Inventory } from "./bindings/Inventory";
import type { IpcError } from "./bindings/IpcError";
import type { IpcErrorKind } from "./bindings/IpcErrorKind";
import type { UiPainted } from "./bindings/UiPainted";
import type { GroupAction } from "./bindings/GroupAction";
import type { LaunchOutcome } from "./bindings/LaunchOutcome";
import type { LaunchPreview } from "./bindings/LaunchPreview";
import type { LaunchRequest } from "./bindings/LaunchRequest";
import type { ReplicaProgress } from "./bindings/ReplicaProgress";
import type { ScaleOutcome } from "./bindings/ScaleOutcome";
import type { ActionResult } from "./bindings/ActionResult";
import type { ContainerAction } from "./bindings/ContainerAction";
import type { ContainerDetails } from "./bindings/ContainerDetails";
import type { HistoryEntry } from "./bindings/HistoryEntry";
import type { LogLine } from "./bindings/LogLine";
import type { LogRequest } from "./bindings/LogRequest";
import type { PrunePreview } from "./bindings/PrunePreview";
import type { PruneReport } from "./bindings/PruneReport";
import type { PruneRequest } from "./bindings/PruneRequest";
import type { PullOutcome } from "./bindings/PullOutcome";
import type { PullProgress } from "./bindings/PullProgress";
import type { RemoveImageResult } from "./bindings/RemoveImageResult";
import type { StatsPoint } from "./bindings/StatsPoint";
import type { StatsUpdate } from "./bindings/StatsUpdate";
import type { StatsBatch } from "./bindings/StatsBatch";
import type { HostPoint } from "./bindings/HostPoint";
import type { Watch } from "./bindings/Watch";

export type { ContainerState } from "./bindings/ContainerState";
export type { ContainerSummary } from "./bindings/ContainerSummary";
export type { EngineInfo } from "./bindings/EngineInfo";
export type { EngineProblem } from "./bindings/EngineProblem";
export type { EngineProblemKind } from "./bindings/EngineProblemKind";
export type { ImageSummary } from "./bindings/ImageSummary";
export type { PortMapping } from "./bindings/PortMapping";
export type { FieldError } from "./bindings/FieldError";
export type { LaunchField } from "./bindings/LaunchField";
export type { LaunchSpec } from "./bindings/LaunchSpec";
export type { PortBinding } from "./bindings/PortBinding";
export type { PlannedPull } from "./bindings/PlannedPull";
export type { ReplicaPhase } from "./bindings/ReplicaPhase";
export type { EngineStatus, Inventory, IpcError, IpcErrorKind, UiPainted };
export type { LayerPhase } from "./bindings/LayerPhase";
export type { LayerProgress } from "./bindings/LayerProgress";
export type { LogStream } from "./bindings/LogStream";
export type { PruneItem } from "./bindings/PruneItem";
export type { ActionResult, ContainerAction, ContainerDetails, HistoryEntry, LogLine, LogRequest };
export type { PrunePreview, PruneReport, PruneRequest, PullOutcome, PullProgress, RemoveImageResult };
export type { HostPoint, StatsBatch, StatsPoint, StatsUpdate };
export type { GroupAction, LaunchOutcome, LaunchPreview, LaunchRequest, ReplicaProgress, ScaleOutcome };

/** Stops an event subscription. */
export type Unsubscribe = () => void;

const ERROR_KINDS: readonly IpcErrorKind[] = ["unavailable", "not_found", "conflict", "invalid_input", "internal"];

export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.message === "string" && ERROR_KINDS.includes(v.kind as IpcErrorKind);
}

/** Whatever a command rejected with, as an `IpcError` (a bare string or JS error becomes `internal`). */
export function toIpcError(value: unknown): IpcError {
  if (isIpcError(value)) return value;
  if (value instanceof Error) return { kind: "internal", message: value.message };
  return { kind: "internal", message: typeof value === "string" ? value : String(value) };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

/** The engine's current status. The backend never fails this one. */
export function engineStatus(): Promise<EngineStatus> {
  return call<EngineStatus>("engine_status");
}

/** Every container (any state) and image. Rejects with an `IpcError`, `unavailable` when the engine is down. */
export function inventory(): Promise<Inventory> {
  return call<Inventory>("inventory");
}

/** Tells the backend the first real screen is on screen, so it can show the window. Call once. */
export function uiReady(painted: UiPainted, containers: number): Promise<void> {
  return call<void>("ui_ready", { painted, containers });
}

/** Calls `handler` on every engine status change. */
export async function onEngineStatus(handler: (status: EngineStatus) => void): Promise<Unsubscribe> {
  return listen<EngineStatus>("engine-status", (event) => handler(event.payload));
}

/** Calls `handler` when the engine's containers or images changed (debounced by the backend). */
export async function onInventoryChanged(handler: () => void): Promise<Unsubscribe> {
  return listen<null>("inventory-changed", () => handler());
}

/** Validates and plans a launch without creating anything: per-field errors, or names, ports and `docker run` lines. */
export function launchPreview(request: LaunchRequest, group: string | null): Promise<LaunchPreview> {
  return call<LaunchPreview>("launch_preview", { request, group });
}

/**
 * Launches the replicas; progress arrives in batches. An image the engine does not have is
 * pulled first, its progress going to `onPull`. `ticket` names the launch for `cancelLaunch`.
 */
export function launch(
  request: LaunchRequest,
  group: string,
  ticket: string,
  onProgress: (batch: ReplicaProgress[]) => void,
  onPull: (progress: PullProgress) => void = () => {},
): Promise<LaunchOutcome> {
  const channel = new Channel<ReplicaProgress[]>();
  channel.onmessage = onProgress;
  const pull = new Channel<PullProgress>();
  pull.onmessage = onPull;
  return call<LaunchOutcome>("launch", { request, group, ticket, onProgress: channel, onPull: pull });
}

/** Cancels a launch or scale-up; what it made is removed. False if it had already ended. */
export function cancelLaunch(ticket: string): Promise<boolean> {
  return call<boolean>("cancel_launch", { ticket });
}

/** Scales a launch group to `replicas`. */
export function scaleGroup(
  group: string,
  replicas: number,
  ticket: string,
  onProgress: (batch: ReplicaProgress[]) => void,
): Promise<ScaleOutcome> {
  const channel = new Channel<ReplicaProgress[]>();
  channel.onmessage = onProgress;
  return call<ScaleOutcome>("scale_group", { group, replicas, ticket, onProgress: channel });
}

/** Starts, stops or removes every member of a group; resolves with `name: reason` per failure. */
export function groupAction(group: string, action: GroupAction): Promise<string[]> {
  return call<string[]>("group_action", { group, action });
}

/** Removes containers a launch made; resolves with `name: reason` per failure. */
export function removeLaunched(ids: string[]): Promise<string[]> {
  return call<string[]>("remove_launched", { ids });
}

/** Does `action` to every target (IDs); one result per target, in order, failures included. */
export function containerAction(targets: string[], action: ContainerAction): Promise<ActionResult[]> {
  return call<ActionResult[]>("container_action", { targets, action });
}

/** Renames a container; resolves with the equivalent `docker rename` command. */
export function renameContainer(target: string, newName: string): Promise<string> {
  return call<string>("rename_container", { target, newName });
}

export function inspectContainer(id: string): Promise<ContainerDetails> {
  return call<ContainerDetails>("inspect_container", { id });
}

/**
 * Streams a container's logs in batches until the log ends or `stopStream(ticket)`.
 * Resolves when the stream has ended.
 */
export function containerLogs(
  id: string,
  request: LogRequest,
  ticket: string,
  onLines: (batch: LogLine[]) => void,
): Promise<void> {
  const channel = new Channel<LogLine[]>();
  channel.onmessage = onLines;
  return call<void>("container_logs", { id, request, ticket, onLines: channel });
}

/**
 * Streams stats of `ids` (of every running container too with `all`, of this computer too with
 * `host`): first their history, then one batch per tick, until `stopStream(ticket)`. Resolves
 * when the subscription has ended.
 */
export function watchStats(
  ids: string[],
  all: boolean,
  ticket: string,
  onBatch: (batch: StatsBatch) => void,
  host = false,
): Promise<void> {
  const channel = new Channel<StatsBatch>();
  channel.onmessage = onBatch;
  const watch: Watch = { ids, all, host };
  return call<void>("watch_stats", { watch, ticket, onBatch: channel });
}

/** Saves a container's stats history as CSV to the Downloads folder; resolves with the file's path. */
export function exportStats(id: string, name: string): Promise<string> {
  return call<string>("export_stats", { id, name });
}

/** Ends a log or stats stream or cancels a pull; false if it had already ended. */
export function stopStream(ticket: string): Promise<boolean> {
  return call<boolean>("stop_stream", { ticket });
}

/** Saves every line `request` selects to the Downloads folder; resolves with the file's path. */
export function saveLogs(id: string, name: string, request: LogRequest): Promise<string> {
  return call<string>("save_logs", { id, name, request });
}

/** Pulls an image; progress arrives once per tick. `stopStream(ticket)` cancels. */
export function pullImage(
  reference: string,
  ticket: string,
  onProgress: (progress: PullProgress) => void,
): Promise<PullOutcome> {
  const channel = new Channel<PullProgress>();
  channel.onmessage = onProgress;
  return call<PullOutcome>("pull_image", { reference, ticket, onProgress: channel });
}

/** Adds a tag; resolves with the equivalent `docker tag` command. */
export function tagImage(source: string, target: string): Promise<string> {
  return call<string>("tag_image", { source, target });
}

/** Removes an image; rejects with `conflict` (naming the containers) if it is in use and not forced. */
export function removeImage(image: string, force: boolean): Promise<RemoveImageResult> {
  return call<RemoveImageResult>("remove_image", { image, force });
}

export function imageHistory(image: string): Promise<HistoryEntry[]> {
  return call<HistoryEntry[]>("image_history", { image });
}

/** What a prune would remove now, and the space it would free at most. */
export function prunePreview(request: PruneRequest): Promise<PrunePreview> {
  return call<PrunePreview>("prune_preview", { request });
}

/** Prunes; resolves with what the engine actually removed. */
export function prune(request: PruneRequest): Promise<PruneReport> {
  return call<PruneReport>("prune", { request });
}

// --- Settings (issue #6) ---
import type { Settings } from "./bindings/Settings";
import type { SettingsView } from "./bindings/SettingsView";
export type { Settings, SettingsView };
export type { Theme } from "./bindings/Theme";
export type { LaunchPreset } from "./bindings/LaunchPreset";
export type { SettingsNotice } from "./bindings/SettingsNotice";

/** The stored settings, plus any notice (bad file kept aside, closed to the tray). */
export function getSettings(): Promise<SettingsView> {
  return call<SettingsView>("get_settings");
}

/** Validates and saves; rejects with `invalid_input` naming each bad value. */
export function updateSettings(settings: Settings): Promise<Settings> {
  return call<Settings>("update_settings", { settings });
}

/** The user has read the settings notices. */
export function dismissSettingsNotices(): Promise<void> {
  return call<void>("dismiss_settings_notices");
}

export type { RecentImage } from "./bindings/RecentImage";

/** Saves the launch form as preset `name` (replacing one of that name); resolves with the
 *  saved settings. A form with errors or no name rejects with `invalid_input`. */
export function saveLaunchPreset(name: string, request: LaunchRequest): Promise<Settings> {
  return call<Settings>("save_launch_preset", { name, request });
}

/** Deletes preset `name`; resolves with the saved settings. */
export function deleteLaunchPreset(name: string): Promise<Settings> {
  return call<Settings>("delete_launch_preset", { name });
}

/** The tray's "Open logs" for a container id. */
export async function onTrayOpenLogs(handler: (id: string) => void): Promise<Unsubscribe> {
  return listen<string>("tray-open-logs", (event) => handler(event.payload));
}

// --- Learning: the docker CLI equivalent of actions, writable layers, what keeps a container alive.
import type { CliCommand } from "./bindings/CliCommand";
import type { ContainerLife } from "./bindings/ContainerLife";
import type { DemoOutcome } from "./bindings/DemoOutcome";
import type { DockerCommand } from "./bindings/DockerCommand";
import type { WritableLayer } from "./bindings/WritableLayer";
export type { ChangeKind } from "./bindings/ChangeKind";
export type { FileChange } from "./bindings/FileChange";
export type { CliCommand, ContainerLife, DemoOutcome, DockerCommand, WritableLayer };

/** The `docker` command equivalent to each action (rendered by the backend, quoted for a shell). */
export function dockerCommands(commands: DockerCommand[]): Promise<CliCommand[]> {
  return call<CliCommand[]>("docker_commands", { commands });
}

/** A container's writable layer: `docker diff` and its size (`docker inspect --size`). */
export function writableLayer(id: string): Promise<WritableLayer> {
  return call<WritableLayer>("writable_layer", { id });
}

/** A container's processes (`docker top`), memory in use and start time. */
export function containerLife(id: string): Promise<ContainerLife> {
  return call<ContainerLife>("container_life", { id });
}

/** The guided demonstration: writes `text` to `path` in a running container, returns its layer. */
export function demoWriteFile(id: string, path: string, text: string): Promise<DemoOutcome> {
  return call<DemoOutcome>("demo_write_file", { id, path, text });
}

// --- Swarm (issue #8): launching as a service, the Services view.
import type { NodeTasks } from "./bindings/NodeTasks";
import type { ServiceLaunched } from "./bindings/ServiceLaunched";
import type { ServicePreview } from "./bindings/ServicePreview";
import type { ServiceScaled } from "./bindings/ServiceScaled";
import type { ServiceSummary } from "./bindings/ServiceSummary";
import type { SwarmInfo } from "./bindings/SwarmInfo";
export type { FieldNote } from "./bindings/FieldNote";
export type { PublishedPort } from "./bindings/PublishedPort";
export type { SwarmState } from "./bindings/SwarmState";
export type { TaskSummary } from "./bindings/TaskSummary";
export type { NodeTasks, ServiceLaunched, ServicePreview, ServiceScaled, ServiceSummary, SwarmInfo };

/** The engine's swarm membership now (read fresh: swarm init/leave emit no event Berth follows). */
export function swarmInfo(): Promise<SwarmInfo> {
  return call<SwarmInfo>("swarm_info");
}

/** The launch form as one service: per-field errors and notes, or the `docker service create` line. */
export function servicePreview(request: LaunchRequest, group: string | null): Promise<ServicePreview> {
  return call<ServicePreview>("service_preview", { request, group });
}

/** Creates the service; resolves once the manager accepted it (tasks converge afterwards). */
export function launchService(request: LaunchRequest, group: string): Promise<ServiceLaunched> {
  return call<ServiceLaunched>("launch_service", { request, group });
}

export function listServices(): Promise<ServiceSummary[]> {
  return call<ServiceSummary[]>("list_services");
}

/** A service's tasks grouped per node. */
export function serviceTasks(service: string): Promise<NodeTasks[]> {
  return call<NodeTasks[]>("service_tasks", { service });
}

/** Scales to the typed number of replicas (checked by the backend: 0 to the launch limit). */
export function scaleService(service: string, replicas: string): Promise<ServiceScaled> {
  return call<ServiceScaled>("scale_service", { service, replicas });
}

/** Removes a service; resolves with the equivalent `docker service rm` line. */
export function removeService(service: string): Promise<string> {
  return call<string>("remove_service", { service });
}

// --- First run: the demo image built offline.
import type { DemoImage } from "./bindings/DemoImage";
export type { DemoImage };

/** Builds `berth-demo/hello:latest` from the bundled Dockerfile and the host's static busybox. */
export function buildDemoImage(): Promise<DemoImage> {
  return call<DemoImage>("build_demo_image");
}

// Several engines (issue #8).
export type { EngineConfig } from "./bindings/EngineConfig";
export type { EngineFlavor } from "./bindings/EngineFlavor";
export type { EngineOverview } from "./bindings/EngineOverview";
export type { EngineTransport } from "./bindings/EngineTransport";
export type { EnginesSetup } from "./bindings/EnginesSetup";
export type { ImportReport } from "./bindings/ImportReport";
export type { EnginesPanel } from "./bindings/EnginesPanel";
import type { EnginesPanel as Panel } from "./bindings/EnginesPanel";
import type { EnginesSetup as Setup } from "./bindings/EnginesSetup";
import type { ImportReport as Report } from "./bindings/ImportReport";

/** Every engine with its live status and running/total counts (the active one first), and
 *  once, why a stored engine list was not used. */
export function enginesOverview(): Promise<Panel> {
  return call<Panel>("engines_overview");
}

export function enginesSetup(): Promise<Setup> {
  return call<Setup>("engines_setup");
}

/** Validates and saves the engine list; rejects with `invalid_input` naming each problem. */
export function saveEngines(setup: Setup): Promise<Setup> {
  return call<Setup>("save_engines", { setup });
}

/** Makes `name` the engine every view shows ("local": the docker CLI's engine). */
export function switchEngine(name: string): Promise<void> {
  return call<void>("switch_engine", { name });
}

/** Adds the docker CLI's contexts that are not configured yet. */
export function importDockerContexts(): Promise<Report> {
  return call<Report>("import_docker_contexts");
}

/** A status or a count in the engines overview changed. */
export async function onEnginesChanged(handler: () => void): Promise<Unsubscribe> {
  return listen<null>("engines-changed", () => handler());
}
