import { tick } from "svelte";

/**
 * Resolves once the DOM Svelte just updated has been painted: after `tick()`, the next animation
 * frame and a macrotask (so after the frame itself).
 *
 * A window that starts hidden may never get an animation frame (WebKit suspends them for hidden
 * pages), so the frame is skipped when the page says it is hidden and otherwise raced against a
 * short timer: the caller (showing the window) must never wait forever.
 */
export async function afterPaint(frameTimeoutMs = 100): Promise<void> {
  await tick();
  if (typeof requestAnimationFrame === "function" && document.visibilityState !== "hidden") {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, frameTimeoutMs);
      requestAnimationFrame(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
}
