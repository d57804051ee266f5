/** The docker command line of an action, rendered once by the backend and cached. */
import { dockerCommands, type DockerCommand } from "../../ipc/learn";

const cache = new Map<string, Promise<string>>();
/** Enough for every button on screen; a long session does not grow it without bound. */
const MAX_CACHED = 400;

/** The shell line equivalent to `cmd` (e.g. `docker stop web-1`). */
export function commandLine(cmd: DockerCommand): Promise<string> {
  const key = JSON.stringify(cmd);
  let line = cache.get(key);
  if (!line) {
    if (cache.size >= MAX_CACHED) cache.clear();
    line = dockerCommands([cmd]).then((r) => r[0]?.line ?? "");
    // A failed render is retried next time rather than cached.
    line.catch(() => cache.delete(key));
    cache.set(key, line);
  }
  return line;
}

/** Copies `text`; without clipboard access selects `el`'s text so Ctrl+C copies it. */
export async function copyText(text: string, el: HTMLElement | undefined): Promise<string> {
  try {
    await navigator.clipboard.writeText(text);
    return "Copied";
  } catch {
    if (!el) return "Copy failed";
    const range = document.createRange();
    range.selectNodeContents(el);
    const sel = window.getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
    return document.execCommand("copy") ? "Copied" : "Selected: press Ctrl+C";
  }
}
