/**
 * The container list's CPU and memory columns: sampled only for the running rows on screen,
 * at the backend's list rate (10 s), and only while someone is reading (the window shown and
 * focused). Issue #17: polling every running container every 5 s cost the engine 7 % of a
 * core with 50 running; a screenful every 10 s costs it about 1 %, and a hidden or unfocused
 * window costs nothing.
 */
import { untrack } from "svelte";

import type { ContainerSummary } from "../../ipc/containers";
import { watchStats, type StatsUpdate } from "../../ipc/stats";
import { attention } from "../stats/attention.svelte";
import { addBatch, keepOnly, type Spark } from "../stats/sparkline";

/** A list row: a header (no container) or a container. */
export type ListRow = { kind: string; container?: ContainerSummary };

/** How long the list must rest after a scroll or resize before the shown rows are re-read. */
export const SETTLE_MS = 300;

/**
 * IDs of the running containers among the rows a viewport `height` px tall, scrolled to
 * `scrollTop`, shows (rows are `rowHeight` px each, in order), sorted. A viewport not laid
 * out yet (height 0) counts as 1,200 px, as the virtual list assumes.
 */
export function shownRunning(rows: readonly ListRow[], scrollTop: number, height: number, rowHeight: number): string[] {
  const tall = height > 0 ? height : 1200;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight));
  const last = Math.min(rows.length, Math.ceil((scrollTop + tall) / rowHeight));
  const ids: string[] = [];
  for (let i = first; i < last; i++) {
    const c = rows[i]?.container;
    if (c && c.state === "running") ids.push(c.id);
  }
  return ids.sort();
}

/**
 * Owns the list's one stats subscription. Create it during a component's initialisation:
 * `rows` are the list's rows in display order, `viewport` the scrolling element (undefined
 * before it exists).
 */
export class ListStats {
  /** Sparklines by container ID (kept for every running container seen, newest points). */
  sparks = $state.raw<Record<string, Spark>>({});
  /** The running rows on screen, comma-joined: the subscription restarts only when it changes. */
  shown = $state("");

  constructor(rows: () => readonly ListRow[], viewport: () => HTMLElement | undefined, rowHeight: number) {
    $effect(() => {
      const list = rows();
      const el = viewport();
      return untrack(() => this.#follow(list, el, rowHeight));
    });
    $effect(() => {
      const shown = this.shown;
      const reading = attention.reading;
      if (!reading || shown === "") return;
      return untrack(() => this.#watch(shown.split(","), rows));
    });
  }

  /** Re-reads which rows are on screen now and whenever the list rests after a scroll or resize. */
  #follow(list: readonly ListRow[], el: HTMLElement | undefined, rowHeight: number): () => void {
    const measure = () => {
      this.shown = shownRunning(list, el?.scrollTop ?? 0, el?.clientHeight ?? 0, rowHeight).join(",");
    };
    measure();
    if (!el) return () => {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(measure, SETTLE_MS);
    };
    el.addEventListener("scroll", later, { passive: true });
    const resize = typeof ResizeObserver === "function" ? new ResizeObserver(later) : undefined;
    resize?.observe(el);
    return () => {
      clearTimeout(timer);
      el.removeEventListener("scroll", later);
      resize?.disconnect();
    };
  }

  /** One subscription for `ids`; batches are applied on the next animation frame, all at once. */
  #watch(ids: string[], rows: () => readonly ListRow[]): () => void {
    let pending: StatsUpdate[] = [];
    let frame = 0;
    const apply = () => {
      frame = 0;
      const running = new Set<string>();
      for (const r of rows()) if (r.container?.state === "running") running.add(r.container.id);
      this.sparks = keepOnly(addBatch(this.sparks, pending), running);
      pending = [];
    };
    const stream = watchStats({ ids: [], all: false, listed: ids, host: false }, (batch) => {
      pending.push(...batch.containers);
      if (!frame) frame = requestAnimationFrame(apply);
    });
    stream.done.catch(() => {});
    return () => {
      if (frame) cancelAnimationFrame(frame);
      void stream.stop();
    };
  }
}
