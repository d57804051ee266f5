import type { Theme } from "../../ipc/settings";

/** Applies the theme: `system` leaves it to prefers-color-scheme. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === "system") delete root.dataset.theme;
  else root.dataset.theme = theme;
}
