/**
 * Charts of several containers at once (an image's or a launch group's running replicas): the
 * sum over the replicas and one line per replica, on a shared time axis. Pure, so it is tested
 * without a canvas.
 *
 * Replicas are polled in parallel but answer a few milliseconds apart, and a poll can miss a
 * tick. Points are put in buckets of the sampling step; in a bucket where a replica has no point
 * of its own, its previous value stands in when its next point comes within `BRIDGE_SECONDS`
 * (a gap in its history, e.g. the backlog sampled at the list's slower rate) or, after its
 * newest point, for `HOLD_STEPS` buckets (one late answer), so the sum does not dip. A replica
 * that left (stopped, removed) is dropped with `keep`, and one that joined starts where its
 * first point is.
 */
import type { StatsPoint, StatsUpdate } from "../../ipc/stats";
import { isRealLimit, StatsHistory, type ChartKind, type RangeMinutes } from "./model";

/** How many buckets a replica's last value may stand in for a missing one after its newest point. */
export const HOLD_STEPS = 2;
/**
 * Between two points of the same replica at most this many seconds apart (the list's 10 s rate
 * in the backlog, plus a late poll's slack), the earlier value stands in: the replica was there
 * all along.
 */
export const BRIDGE_SECONDS = 15;

/** Summed fields: everything a container chart shows. */
export const SUM_FIELDS = ["cpu", "mem", "net_rx", "net_tx", "blk_read", "blk_write"] as const;
export type SumField = (typeof SUM_FIELDS)[number];

/** One number per replica and chart kind: network and block I/O count both directions. */
export function replicaValue(kind: ChartKind, p: StatsPoint): number {
  switch (kind) {
    case "cpu":
      return p.cpu;
    case "mem":
      return p.mem;
    case "net":
      return p.net_rx + p.net_tx;
    case "blk":
      return p.blk_read + p.blk_write;
  }
}

export interface GroupTable {
  /** Replica ids, in the order of `replicas`' columns (sorted by id, stable across ticks). */
  ids: string[];
  /** Bucket times in seconds (uPlot's x). */
  xs: number[];
  /** Per field, the sum over replicas at each x. */
  sum: Record<SumField, number[]>;
  /** Per chart kind, one column per replica (null: no value at that x). */
  replicas: Record<ChartKind, (number | null)[][]>;
  /** Each replica's memory limit at each x, one column per replica (null: no value). */
  limits: (number | null)[][];
}

/**
 * The sampling step of `series` (ms): the median gap between consecutive points, rounded to
 * 250 ms (polls answer a few ms late) and at least 250.
 */
export function inferStep(series: readonly (readonly StatsPoint[])[], fallback = 1000): number {
  const gaps: number[] = [];
  for (const points of series) {
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1];
      const b = points[i];
      if (a && b) gaps.push(b.t - a.t);
    }
  }
  if (gaps.length === 0) return fallback;
  gaps.sort((a, b) => a - b);
  const median = gaps[gaps.length >> 1] ?? fallback;
  return Math.max(250, Math.round(median / 250) * 250);
}

/** The histories of a set of replicas, by container id. */
export class GroupHistory {
  private byId = new Map<string, StatsHistory>();

  /** Adds a batch; ids not in `accept` (when given) are ignored. */
  push(batch: readonly StatsUpdate[], accept?: ReadonlySet<string>): void {
    for (const { id, points } of batch) {
      if (accept && !accept.has(id)) continue;
      let h = this.byId.get(id);
      if (!h) this.byId.set(id, (h = new StatsHistory()));
      h.push(points);
    }
  }

  /** Forgets replicas that are not in `ids` (they stopped or went away). */
  keep(ids: ReadonlySet<string>): void {
    for (const id of [...this.byId.keys()]) if (!ids.has(id)) this.byId.delete(id);
  }

  get ids(): string[] {
    return [...this.byId.keys()].sort();
  }

  /** Newest point time over all replicas (ms), or undefined. */
  get latestT(): number | undefined {
    let t: number | undefined;
    for (const h of this.byId.values()) {
      const l = h.latest?.t;
      if (l !== undefined && (t === undefined || l > t)) t = l;
    }
    return t;
  }

  /** The table of the last `minutes` before `now`. */
  table(minutes: RangeMinutes, now: number = this.latestT ?? 0): GroupTable {
    const ids = this.ids;
    const windows = ids.map((id) => this.byId.get(id)?.window(minutes, now) ?? []);
    return aggregate(ids, windows);
  }

  clear(): void {
    this.byId.clear();
  }
}

/** Aligns the replicas' points (`windows[i]` belongs to `ids[i]`) and sums them per bucket. */
export function aggregate(ids: readonly string[], windows: readonly (readonly StatsPoint[])[], step = inferStep(windows)): GroupTable {
  // Each replica's point per bucket (a later point in the same bucket wins).
  const perReplica = windows.map((points) => {
    const m = new Map<number, StatsPoint>();
    for (const p of points) m.set(Math.round(p.t / step), p);
    return m;
  });
  const buckets = [...new Set(perReplica.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);

  const sum = Object.fromEntries(SUM_FIELDS.map((f) => [f, [] as number[]])) as Record<SumField, number[]>;
  const kinds: ChartKind[] = ["cpu", "mem", "net", "blk"];
  const replicas = Object.fromEntries(kinds.map((k) => [k, ids.map(() => [] as (number | null)[])])) as Record<
    ChartKind,
    (number | null)[][]
  >;
  const limits: (number | null)[][] = ids.map(() => []);
  const held: (StatsPoint | undefined)[] = ids.map(() => undefined);
  const heldAt: number[] = ids.map(() => -Infinity);
  // Each replica's own buckets in order, and the index of its next one.
  const own = perReplica.map((m) => [...m.keys()].sort((a, b) => a - b));
  const next: number[] = ids.map(() => 0);
  const bridge = Math.max(HOLD_STEPS, Math.round((BRIDGE_SECONDS * 1000) / step));

  for (const b of buckets) {
    const totals: Record<SumField, number> = { cpu: 0, mem: 0, net_rx: 0, net_tx: 0, blk_read: 0, blk_write: 0 };
    perReplica.forEach((m, i) => {
      const mine = own[i] ?? [];
      while ((next[i] ?? 0) < mine.length && (mine[next[i] ?? 0] ?? Infinity) <= b) next[i] = (next[i] ?? 0) + 1;
      const here = m.get(b);
      if (here) {
        held[i] = here;
        heldAt[i] = b;
      }
      const since = b - (heldAt[i] ?? -Infinity);
      const upcoming = mine[next[i] ?? 0];
      const bridged = upcoming !== undefined && upcoming - (heldAt[i] ?? -Infinity) <= bridge;
      const p = held[i] && (since <= HOLD_STEPS || bridged) ? held[i] : undefined;
      for (const k of kinds) replicas[k][i]?.push(p ? replicaValue(k, p) : null);
      limits[i]?.push(p ? p.mem_limit : null);
      if (p) for (const f of SUM_FIELDS) totals[f] += p[f];
    });
    for (const f of SUM_FIELDS) sum[f].push(totals[f]);
  }
  return { ids: [...ids], xs: buckets.map((b) => (b * step) / 1000), sum, replicas, limits };
}

/**
 * The group's memory limit at each x: the sum of its replicas' limits, or null where one of them
 * has none (its "limit" is only the host's memory: a sum would mean nothing). `changed(i)` is a
 * limit just changed through Berth for replica `i` (see `limits/liveLimits`): when it is newer
 * than the last x, that x uses it already, so a group update shows at once (issue #16).
 */
export function groupLimit(
  table: GroupTable,
  hostMemory: number | undefined,
  changed: (replica: number) => { limit: number; at: number } | undefined = () => undefined,
): (number | null)[] {
  const last = table.xs.length - 1;
  return table.xs.map((x, j) => {
    let total = 0;
    let present = 0;
    for (let i = 0; i < table.limits.length; i++) {
      let limit = table.limits[i]?.[j] ?? null;
      if (limit === null) continue;
      const change = j === last ? changed(i) : undefined;
      if (change && change.at > x * 1000) limit = change.limit;
      if (!isRealLimit(limit, hostMemory)) return null;
      total += limit;
      present++;
    }
    return present > 0 ? total : null;
  });
}
