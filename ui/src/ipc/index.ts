/**
 * The one door between the UI and the Rust backend. Nothing else in `src/` imports
 * `@tauri-apps/*`: features call these typed functions, and tests mock this module.
 */
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

import type { EngineStatus } from "./bindings/EngineStatus";
import type { Inventory } from "./bindings/Inventory";
import type { IpcError } from "./bindings/IpcError";
import type { IpcErrorKind } from "./bindings/IpcErrorKind";
import type { UiPainted } from "./bindings/UiPainted";

export type { ContainerState } from "./bindings/ContainerState";
export type { ContainerSummary } from "./bindings/ContainerSummary";
export type { EngineInfo } from "./bindings/EngineInfo";
export type { EngineProblem } from "./bindings/EngineProblem";
export type { EngineProblemKind } from "./bindings/EngineProblemKind";
export type { ImageSummary } from "./bindings/ImageSummary";
export type { PortMapping } from "./bindings/PortMapping";
export type { EngineStatus, Inventory, IpcError, IpcErrorKind, UiPainted };

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
