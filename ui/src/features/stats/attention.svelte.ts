/**
 * Whether anyone can be looking at the window: `visible` (not hidden in the tray, not
 * minimised: the page's visibility) and `focused` (the window is the active one).
 *
 * Sampling follows it (issue #17: idle cost counts the engine): the container list's figures
 * are polled only while the window is visible AND focused, charts only while it is visible,
 * and nothing at all while it is hidden, so Berth in the tray costs neither itself nor the
 * engine anything.
 */
class Attention {
  visible = $state(true);
  focused = $state(true);

  constructor() {
    if (typeof document === "undefined" || typeof window === "undefined") return;
    this.visible = document.visibilityState !== "hidden";
    this.focused = document.hasFocus();
    document.addEventListener("visibilitychange", () => {
      this.visible = document.visibilityState !== "hidden";
      if (!this.visible) this.focused = false;
    });
    window.addEventListener("focus", () => (this.focused = true));
    window.addEventListener("blur", () => (this.focused = false));
  }

  /** Someone may be reading the list: the window is shown and active. */
  get reading(): boolean {
    return this.visible && this.focused;
  }
}

export const attention = new Attention();
