/**
 * What every capability module of `src/ipc/` shares: the typed `call()`, the `IpcError`
 * helpers and event listening. `src/ipc/` is the only place that imports `@tauri-apps/*`;
 * features import the module of their capability (`ipc/containers`, `ipc/images`, ...).
 */
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

import type { IpcError } from "./bindings/IpcError";
import type { IpcErrorKind } from "./bindings/IpcErrorKind";
// Generated from the shell's one list of names: a command renamed in Rust fails `npm run check`.
import type { CommandName } from "./bindings/CommandName";
import type { EventName } from "./bindings/EventName";

export type { IpcError, IpcErrorKind };
export type { CommandName, EventName };

/** Stops an event subscription. */
export type Unsubscribe = () => void;

const ERROR_KINDS: readonly IpcErrorKind[] = [
  "unavailable",
  "not_found",
  "conflict",
  "invalid_input",
  "internal",
  "login",
  "registry",
];

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

/** Invokes a backend command by its Rust name (a renamed command fails `npm run check`);
 *  rejects with an `IpcError`, never anything else. */
export async function call<T>(cmd: CommandName, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

/** Calls `handler` with each payload of the backend event `name`. */
export function listenTo<T>(name: EventName, handler: (payload: T) => void): Promise<Unsubscribe> {
  return listen<T>(name, (event) => handler(event.payload));
}
