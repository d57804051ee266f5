/** The limits form's text → the backend's `LimitsUpdate`, read as `docker update` reads its
 *  flags (`256m`, `1g`, `0.5`), with the first problem in plain words. The backend checks the
 *  engine's rules again against the container's current limits. */
import type { LimitsUpdate, RestartName } from "../../ipc/limits";

export type LimitsText = { memory: string; memorySwap: string; cpus: string; restart: "" | RestartName; retries: string };

export const EMPTY_TEXT: LimitsText = { memory: "", memorySwap: "", cpus: "", restart: "", retries: "" };

const UNIT: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `512m`, `1.5g`, `1048576`, `256 MiB` → bytes; null when not a size. */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmg]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return null;
  const bytes = Math.round(Number(m[1]) * (UNIT[(m[2] ?? "").toLowerCase()] ?? 1));
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : null;
}

export function toUpdate(t: LimitsText): { update: LimitsUpdate } | { error: string } {
  const update: LimitsUpdate = { memory: null, memory_swap: null, cpus: null, restart: null };
  if (t.memory.trim()) {
    const b = parseSize(t.memory);
    if (b === null) return { error: `Memory: "${t.memory.trim()}" is not a size (say 256m or 1g)` };
    update.memory = b;
  }
  if (t.memorySwap.trim()) {
    if (t.memorySwap.trim() === "-1") update.memory_swap = -1;
    else {
      const b = parseSize(t.memorySwap);
      if (b === null) return { error: `Memory+swap: "${t.memorySwap.trim()}" is not a size (say 512m, or -1 for unlimited)` };
      update.memory_swap = b;
    }
  }
  if (t.cpus.trim()) {
    const c = Number(t.cpus.trim());
    if (!/^\d*\.?\d+$/.test(t.cpus.trim()) || !Number.isFinite(c) || c <= 0)
      return { error: `CPUs: "${t.cpus.trim()}" is not a number of CPUs (say 0.5 or 2)` };
    update.cpus = c;
  }
  if (t.restart) {
    let retries: number | null = null;
    if (t.restart === "on-failure" && t.retries.trim()) {
      if (!/^\d+$/.test(t.retries.trim())) return { error: `Retries: "${t.retries.trim()}" is not a whole number` };
      retries = Number(t.retries.trim());
    }
    update.restart = { name: t.restart, max_retries: retries };
  }
  if (update.memory === null && update.memory_swap === null && update.cpus === null && update.restart === null)
    return { error: "Nothing to change: give a memory limit, memory+swap, CPUs or a restart policy" };
  return { update };
}
