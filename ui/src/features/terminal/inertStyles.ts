/**
 * xterm.js writes its theme and cell sizes into `<style>` elements it makes at run time, which
 * the strict CSP (`style-src 'self'`, no 'unsafe-inline') refuses: the terminal would draw with
 * no sizes. While a terminal opens (when xterm makes them), `document.createElement("style")`
 * gives it a hidden element instead whose text goes to a constructable stylesheet adopted by the
 * document: the same CSS, and no inline style for the CSP to refuse.
 */
export function withAdoptedStyles<T>(open: () => T): T {
  const original = document.createElement;
  const make = (tag: string, options?: ElementCreationOptions) => original.call(document, tag, options);
  document.createElement = ((tag: string, options?: ElementCreationOptions) =>
    tag.toLowerCase() === "style" ? adoptedStyle(make) : make(tag, options)) as typeof document.createElement;
  try {
    return open();
  } finally {
    document.createElement = original;
  }
}

function adoptedStyle(make: (tag: string) => HTMLElement): HTMLElement {
  const sheet = new CSSStyleSheet();
  const el = make("berth-adopted-style");
  el.hidden = true;
  let text = "";
  Object.defineProperty(el, "textContent", {
    get: () => text,
    set: (value: unknown) => {
      text = value == null ? "" : String(value);
      sheet.replaceSync(text);
    },
  });
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const remove = el.remove.bind(el);
  // xterm removes its style elements when the terminal is disposed: the sheet goes with them.
  el.remove = () => {
    remove();
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
  };
  return el;
}
