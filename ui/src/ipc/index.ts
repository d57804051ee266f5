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
export type { ReplicaPhase } from "./bindings/ReplicaPhase";
export type { EngineStatus, Inventory, IpcError, IpcErrorKind, UiPainted };
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

/** Launches the replicas; progress arrives in batches. `ticket` names the launch for `cancelLaunch`. */
export function launch(
  request: LaunchRequest,
  group: string,
  ticket: string,
  onProgress: (batch: ReplicaProgress[]) => void,
): Promise<LaunchOutcome> {
  const channel = new Channel<ReplicaProgress[]>();
  channel.onmessage = onProgress;
  return call<LaunchOutcome>("launch", { request, group, ticket, onProgress: channel });
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
