/** The app-wide commands and events (backend `ipc/commands.rs`): the engine's status, the one
 *  consistent inventory, the window's first paint, and the signals that say to re-fetch. */
import { call, listenTo, type Unsubscribe } from "./core";
import type { EngineStatus } from "./bindings/EngineStatus";
import type { Inventory } from "./bindings/Inventory";
import type { UiPainted } from "./bindings/UiPainted";

export type { EngineStatus, Inventory, UiPainted };
export type { EngineInfo } from "./bindings/EngineInfo";
export type { EngineProblem } from "./bindings/EngineProblem";
export type { EngineProblemKind } from "./bindings/EngineProblemKind";

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
export function onEngineStatus(handler: (status: EngineStatus) => void): Promise<Unsubscribe> {
  return listenTo<EngineStatus>("engine-status", handler);
}

/** Calls `handler` when the engine's containers or images changed (debounced by the backend). */
export function onInventoryChanged(handler: () => void): Promise<Unsubscribe> {
  return listenTo<null>("inventory-changed", () => handler());
}

/** The tray's "Open logs" for a container id. */
export function onTrayOpenLogs(handler: (id: string) => void): Promise<Unsubscribe> {
  return listenTo<string>("tray-open-logs", handler);
}
