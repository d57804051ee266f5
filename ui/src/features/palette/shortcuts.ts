/**
 * Berth's keyboard shortcuts, in one table: the global key handler reads it, and the palette
 * and tooltips show it. A shortcut is written as people read it ("Ctrl+K", "Ctrl+,").
 */
import type { ViewId } from "../../app/views";

/** Opens the command palette. */
export const PALETTE_SHORTCUT = "Ctrl+K";

/** A view's shortcut: the sidebar's first nine views by their place, Settings as desktop apps do. */
export const VIEW_SHORTCUTS: Partial<Record<ViewId, string>> = {
  containers: "Ctrl+1",
  images: "Ctrl+2",
  groups: "Ctrl+3",
  compose: "Ctrl+4",
  volumes: "Ctrl+5",
  networks: "Ctrl+6",
  cleanup: "Ctrl+7",
  engines: "Ctrl+8",
  learn: "Ctrl+9",
  settings: "Ctrl+,",
};

/** Keys a focused row of a list answers to (lib/listNav.ts). */
export const LIST_KEYS = {
  open: "Enter",
  remove: "Delete",
} as const;

/** Whether `event` is the key combination `shortcut` ("Ctrl+K", "Ctrl+Shift+P", "Delete"). */
export function matches(event: KeyboardEvent, shortcut: string): boolean {
  const parts = shortcut.split("+");
  const key = parts[parts.length - 1] ?? "";
  const mods = new Set(parts.slice(0, -1));
  if (event.ctrlKey !== mods.has("Ctrl")) return false;
  if (event.shiftKey !== mods.has("Shift")) return false;
  if (event.altKey !== mods.has("Alt")) return false;
  if (event.metaKey) return false;
  return event.key.toLocaleLowerCase() === key.toLocaleLowerCase();
}

/** `title` with its shortcut, for a tooltip: "Containers (Ctrl+1)". */
export function withShortcut(title: string, shortcut: string | undefined): string {
  return shortcut ? `${title} (${shortcut})` : title;
}
