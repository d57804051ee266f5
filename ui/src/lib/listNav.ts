/**
 * Keyboard navigation for any list of rows, as one Svelte action (`use:listNav`) shared by
 * every view: ↑/↓ move between rows, Home/End go to the first/last, Enter (or Space) on a row
 * runs its main control (`primaryOf`), and a view may answer other keys (`onkey`, e.g.
 * Delete to remove).
 *
 * The list is one Tab stop (a "roving tabindex"): the row last moved to has tabindex 0, the
 * others -1, so Tab goes into the list and on out of it instead of through every row. Keys
 * pressed in a text field inside a row stay that field's. Virtualised lists only render the
 * rows near the view: at the edge, the list scrolls one row and moves on once it is drawn.
 */

export interface ListNavOptions {
  /** The rows: a CSS selector inside the list's element. */
  items: string;
  /** Enter or Space on a row; by default clicks its `[data-nav-primary]`, else its first button or link. */
  onactivate?: (item: HTMLElement) => void;
  /** The focus moved to `item` by a key (a list whose selection follows the focus selects it). */
  onmove?: (item: HTMLElement) => void;
  /** Any other key on a row (or a control in it); return true when handled. */
  onkey?: (event: KeyboardEvent, item: HTMLElement) => boolean | void;
}

/** Fields whose own keys (arrows, Enter, Space) must not be taken from them. */
function ownsKeys(el: EventTarget | null): boolean {
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return el.type !== "checkbox" && el.type !== "radio" && el.type !== "button";
  return el instanceof HTMLElement && el.isContentEditable;
}

/** The row's main control, what Enter on the row does: the row itself when it is a button,
 *  else its `[data-nav-primary]`, else its first link (an "open" link, e.g. a container's
 *  name). Never just its first button: that may be Stop or Remove. */
export function primaryOf(item: HTMLElement): HTMLElement | null {
  if (item.matches("button, a[href]")) return item;
  return item.querySelector<HTMLElement>("[data-nav-primary]") ?? item.querySelector<HTMLElement>("button.link:not([disabled]), a[href]");
}

/** The nearest scrolling ancestor within the list (a virtual list's viewport), if any. */
function scroller(from: HTMLElement, root: HTMLElement): HTMLElement | null {
  for (let el: HTMLElement | null = from.parentElement; el && root.contains(el); el = el.parentElement) {
    if (el.scrollHeight > el.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(el).overflowY)) return el;
  }
  return null;
}

export function listNav(node: HTMLElement, initial: ListNavOptions) {
  let options = initial;
  const rows = () => Array.from(node.querySelectorAll<HTMLElement>(options.items));

  /** Makes `item` the list's one Tab stop. */
  function makeCurrent(item: HTMLElement) {
    for (const r of rows()) if (r !== item && r.tabIndex === 0) r.tabIndex = -1;
    item.tabIndex = 0;
  }

  function focusRow(item: HTMLElement) {
    makeCurrent(item);
    item.focus();
    item.scrollIntoView?.({ block: "nearest" });
    options.onmove?.(item);
  }

  /** Moves by `step` rows from `from`; past the rendered ones, scrolls and tries again once drawn. */
  function move(from: HTMLElement, step: number) {
    const all = rows();
    const at = all.indexOf(from);
    const next = all[at + step];
    if (next) return focusRow(next);
    const box = scroller(from, node);
    if (!box) return;
    const before = box.scrollTop;
    box.scrollTop += step * from.offsetHeight;
    if (box.scrollTop === before) return;
    const id = from.dataset.id;
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        const now = rows();
        const same = now.findIndex((r) => (id ? r.dataset.id === id : r === from));
        const target = now[same + step];
        if (target) focusRow(target);
      }),
    );
  }

  function onKeydown(event: KeyboardEvent) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target instanceof HTMLElement ? event.target : null;
    const item = target?.closest<HTMLElement>(options.items);
    if (!target || !item || !node.contains(item)) return;
    if (ownsKeys(target)) return;
    const onRow = target === item;
    const all = rows();
    switch (event.key) {
      case "ArrowDown":
        move(item, 1);
        break;
      case "ArrowUp":
        move(item, -1);
        break;
      case "Home":
        if (all[0]) focusRow(all[0]);
        break;
      case "End":
        if (all.length) focusRow(all[all.length - 1]!);
        break;
      case "Enter":
      case " ":
        // On a button inside the row, Enter is that button's.
        if (!onRow) return;
        if (options.onactivate) options.onactivate(item);
        else primaryOf(item)?.click();
        break;
      default:
        if (!options.onkey?.(event, item)) return;
    }
    event.preventDefault();
  }

  /** A click or Tab into a row makes it the current one. */
  function onFocusin(event: FocusEvent) {
    const item = event.target instanceof HTMLElement ? event.target.closest<HTMLElement>(options.items) : null;
    if (item && node.contains(item)) makeCurrent(item);
  }

  /** Every row focusable by script, and exactly one by Tab (the first until one is chosen). */
  let queued = 0;
  function settle() {
    queued = 0;
    const all = rows();
    let current: HTMLElement | undefined;
    for (const r of all) {
      if (r.tabIndex === 0 && !current) current = r;
      else if (!r.hasAttribute("tabindex") || r.tabIndex === 0) r.tabIndex = -1;
      r.dataset.navItem = "";
    }
    if (!current && all[0]) all[0].tabIndex = 0;
  }
  const observer = new MutationObserver(() => {
    if (!queued) queued = requestAnimationFrame(settle);
  });
  observer.observe(node, { childList: true, subtree: true });
  settle();
  node.addEventListener("keydown", onKeydown);
  node.addEventListener("focusin", onFocusin);

  return {
    update(next: ListNavOptions) {
      options = next;
      settle();
    },
    destroy() {
      observer.disconnect();
      if (queued) cancelAnimationFrame(queued);
      node.removeEventListener("keydown", onKeydown);
      node.removeEventListener("focusin", onFocusin);
    },
  };
}
