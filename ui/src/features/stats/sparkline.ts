/**
 * The container list's CPU and memory sparklines: a short history per running container (fed
 * by one `watch_stats` subscription of the rows on screen) and the SVG path of a tiny line chart.
 */
import type { StatsUpdate } from "../../ipc/stats";

/** How many points a sparkline keeps (at the list's 10 s tick: about 6 minutes). */
export const SPARK_POINTS = 36;

export interface Spark {
  /** Milliseconds since the Unix epoch of the newest point. */
  t: number;
  cpu: number[];
  mem: number[];
  memLimit: number;
}

/**
 * Adds a batch to the sparks, returning a new record (the old one is not changed) where only
 * the containers of the batch differ. Points not newer than a spark's last are ignored.
 */
export function addBatch(sparks: Readonly<Record<string, Spark>>, batch: readonly StatsUpdate[]): Record<string, Spark> {
  const next = { ...sparks };
  for (const { id, points } of batch) {
    const prev = next[id];
    let t = prev?.t ?? -Infinity;
    const cpu = prev ? [...prev.cpu] : [];
    const mem = prev ? [...prev.mem] : [];
    let memLimit = prev?.memLimit ?? 0;
    for (const p of points) {
      if (p.t <= t) continue;
      t = p.t;
      cpu.push(p.cpu);
      mem.push(p.mem);
      memLimit = p.mem_limit;
    }
    if (!Number.isFinite(t)) continue;
    next[id] = { t, cpu: cpu.slice(-SPARK_POINTS), mem: mem.slice(-SPARK_POINTS), memLimit };
  }
  return next;
}

/** Keeps only the sparks of `ids` (containers that stopped or went away drop out). */
export function keepOnly(sparks: Readonly<Record<string, Spark>>, ids: ReadonlySet<string>): Record<string, Spark> {
  const next: Record<string, Spark> = {};
  for (const [id, spark] of Object.entries(sparks)) if (ids.has(id)) next[id] = spark;
  return next;
}

/**
 * An SVG path of `values` across `width` x `height`, the newest at the right edge, scaled to
 * `max` (at least the largest value; a flat zero line sits on the bottom). Empty for no values.
 */
export function sparkPath(values: readonly number[], width: number, height: number, max = 0): string {
  if (values.length === 0) return "";
  const top = Math.max(max, ...values) || 1;
  const step = values.length > 1 ? width / (SPARK_POINTS - 1) : 0;
  const x0 = width - step * (values.length - 1);
  const y = (v: number) => height - (Math.max(0, v) / top) * (height - 1) - 0.5;
  const r = (n: number) => Math.round(n * 10) / 10;
  return values.map((v, i) => `${i === 0 ? "M" : "L"}${r(x0 + i * step)},${r(y(v))}`).join("");
}
