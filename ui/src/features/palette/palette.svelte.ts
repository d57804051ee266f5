/** Whether the command palette is open; any part of the UI may open it. */
export const palette = $state<{ open: boolean }>({ open: false });

export function openPalette(): void {
  palette.open = true;
}

/**
 * Focuses the first element matching `selector` once it is rendered (a view that just
 * switched, a detail pane that just opened), within about a second. An element that takes no
 * focus by itself is given tabindex -1, so focus lands on it and not back on the page.
 */
export function focusSoon(selector: string, within: ParentNode = document): void {
  let frames = 60;
  const step = () => {
    const el = within.querySelector<HTMLElement>(selector);
    if (el) {
      if (el.tabIndex < 0 && !el.hasAttribute("tabindex")) el.tabIndex = -1;
      el.focus();
      el.scrollIntoView?.({ block: "nearest" });
    } else if (--frames > 0) requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}
