/**
 * Chart logic of the Stats tab, kept pure so it is tested without a canvas: the history of one
 * container (15 minutes at most), the window of a time range, uPlot's columnar data per chart,
 * and the units shown on axes, legends and readouts.
 */
import type { StatsPoint } from "../../ipc/stats";
import { formatBytes } from "../../lib/format";

export type RangeMinutes = 1 | 5 | 15;
export const RANGES: readonly RangeMinutes[] = [1, 5, 15];
// Kept for the longest range the charts offer.
const MAX_MS = Math.max(...RANGES) * 60_000;
/**
 * And by count: that range at the fastest interval the Settings allow (250 ms), so points that
 * arrive faster than that (a backlog repeated, a clock that jumps) cannot grow a chart's memory.
 */
export const MAX_POINTS = MAX_MS / 250;

/** A container's points in time order, kept for the longest range only. */
export class StatsHistory {
  private points: StatsPoint[] = [];

  /** Appends a batch (the backlog or one tick); points not newer than the last are ignored. */
  push(batch: readonly StatsPoint[]): void {
    for (const p of batch) {
      const last = this.points[this.points.length - 1];
      if (last && p.t <= last.t) continue;
      this.points.push(p);
    }
    const latest = this.latest;
    if (!latest) return;
    const cut = Math.max(lowerBound(this.points, latest.t - MAX_MS), this.points.length - MAX_POINTS);
    if (cut > 0) this.points.splice(0, cut);
  }

  get latest(): StatsPoint | undefined {
    return this.points[this.points.length - 1];
  }

  get length(): number {
    return this.points.length;
  }

  /** The points of the last `minutes` before `now` (the newest point by default). */
  window(minutes: RangeMinutes, now: number = this.latest?.t ?? 0): StatsPoint[] {
    return this.points.slice(lowerBound(this.points, now - minutes * 60_000));
  }

  clear(): void {
    this.points = [];
  }
}

/** Index of the first point at or after `t`. */
function lowerBound(points: readonly StatsPoint[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid]?.t ?? t) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export type ChartKind = "cpu" | "mem" | "net" | "blk";
export type Unit = "percent" | "memory" | "rate";

export interface ChartSpec {
  kind: ChartKind;
  title: string;
  unit: Unit;
  /** Series after the time axis: label and the point's field. */
  series: { label: string; field: keyof StatsPoint; dashed?: boolean }[];
}

export const CHARTS: readonly ChartSpec[] = [
  { kind: "cpu", title: "CPU", unit: "percent", series: [{ label: "CPU", field: "cpu" }] },
  {
    kind: "mem",
    title: "Memory",
    unit: "memory",
    series: [
      { label: "Used", field: "mem" },
      { label: "Limit", field: "mem_limit", dashed: true },
    ],
  },
  {
    kind: "net",
    title: "Network",
    unit: "rate",
    series: [
      { label: "Received", field: "net_rx" },
      { label: "Sent", field: "net_tx" },
    ],
  },
  {
    kind: "blk",
    title: "Block I/O",
    unit: "rate",
    series: [
      { label: "Read", field: "blk_read" },
      { label: "Written", field: "blk_write" },
    ],
  },
];

/** A memory "limit" this close to the host's memory is no limit at all: the engine reports the
 *  host's total for a container started without `--memory`. */
const NO_LIMIT_SHARE = 0.9;

/** Whether `limit` is a limit set on the container (not the host's total memory). */
export function isRealLimit(limit: number, hostMemory: number | undefined): boolean {
  return limit > 0 && (hostMemory === undefined || hostMemory <= 0 || limit < hostMemory * NO_LIMIT_SHARE);
}

/**
 * uPlot's columnar data: x in seconds, then one column per series of `spec`. A memory limit
 * that is only the host's memory is left out (null): drawn, it would set the y scale, and a
 * container's 64 MiB would be a flat line at the bottom of a chart of the whole machine.
 */
export function chartData(
  spec: ChartSpec,
  points: readonly StatsPoint[],
  hostMemory?: number,
  limitChange?: { limit: number; at: number },
): (number | null)[][] {
  const xs = points.map((p) => p.t / 1000);
  const last = points.length - 1;
  /** A limit changed after the newest sample was taken: that sample shows it already. */
  const limitOf = (p: StatsPoint, i: number) =>
    i === last && limitChange && limitChange.at > p.t ? limitChange.limit : p.mem_limit;
  return [
    xs,
    ...spec.series.map((s) =>
      points.map((p, i) => {
        if (s.field !== "mem_limit") return p[s.field];
        const limit = limitOf(p, i);
        return isRealLimit(limit, hostMemory) ? limit : null;
      }),
    ),
  ];
}

/** The x range (seconds) of a time range ending at `nowMs`. */
export function xRange(minutes: RangeMinutes, nowMs: number): [number, number] {
  return [(nowMs - minutes * 60_000) / 1000, nowMs / 1000];
}

/** A y range from zero with headroom, never empty. */
export function yRange(max: number | null | undefined, unit: Unit): [number, number] {
  const floor = unit === "percent" ? 1 : 1024;
  const top = Number.isFinite(max) && (max as number) > 0 ? (max as number) * 1.1 : 0;
  return [0, Math.max(top, floor)];
}

const BINARY_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

/** Memory as `docker stats` prints it: binary units, `12.5MiB`, `1.94GiB`. */
export function formatMemory(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "–";
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < BINARY_UNITS.length - 1) {
    size /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : size < 10 ? 2 : size < 100 ? 1 : 0;
  return `${size.toFixed(digits)}${BINARY_UNITS[unit]}`;
}

/** CPU as `docker stats`: percent of one core, `0.00%`, `101.3%`. */
export function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return `${value.toFixed(value >= 100 ? 1 : 2)}%`;
}

/** A rate in decimal units like the docker CLI's I/O columns: `1.2kB/s`. */
export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) return "–";
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** The formatter of a unit; null (a gap, or no point under the cursor) reads as a dash. */
export function formatterFor(unit: Unit): (value: number | null | undefined) => string {
  const f = unit === "percent" ? formatPercent : unit === "memory" ? formatMemory : formatRate;
  return (value) => (value === null || value === undefined ? "–" : f(value));
}

/**
 * A locale `Intl` accepts: WebKitGTK under LANG=C reports "C", which `Intl` rejects with
 * "invalid language tag" (and uPlot builds a number format from `navigator.language` on load).
 */
export function safeLocale(candidate: string | undefined): string {
  if (!candidate) return "en-US";
  try {
    new Intl.NumberFormat(candidate);
    return candidate;
  } catch {
    return "en-US";
  }
}

/** A clock time `HH:MM:SS` for the x axis and the legend, without `Intl`. */
export function clockTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
