/** Memory limits changed through Berth (`docker update`), for the charts to draw at once: the
 *  engine reports a container's limit with its next stats sample, a second or more later. A
 *  chart whose newest sample is older than the change draws the new limit from that sample on;
 *  a sample taken after it carries the engine's own value again (issue #16). */

export interface LimitChange {
  /** Bytes; 0 = no limit. */
  limit: number;
  /** When it was applied (ms since the epoch). */
  at: number;
}

/** Changes kept: one per container changed in this window's life, capped. */
const MAX_KEPT = 512;

class LiveLimits {
  #changes = $state<Record<string, LimitChange>>({});

  /** `containers` (ids or names, as the update was addressed) now have memory limit `limit`. */
  announce(containers: readonly string[], limit: number, at: number = Date.now()): void {
    const next = { ...this.#changes };
    for (const c of containers) next[c] = { limit, at };
    const keys = Object.keys(next);
    for (const k of keys.slice(0, Math.max(0, keys.length - MAX_KEPT))) delete next[k];
    this.#changes = next;
  }

  /** The last change announced for a container known by `id` or `name`. */
  of(id: string, name: string): LimitChange | undefined {
    const a = this.#changes[id];
    const b = this.#changes[name];
    if (a && b) return a.at >= b.at ? a : b;
    return a ?? b;
  }
}

export const liveLimits = new LiveLimits();
