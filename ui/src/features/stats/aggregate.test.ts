import { describe, expect, it } from "vitest";

import type { StatsPoint } from "../../ipc/stats";
import { GroupHistory, aggregate, groupLimit, inferStep, replicaValue } from "./aggregate";

function pt(t: number, cpu: number, mem = 1000, extra: Partial<StatsPoint> = {}): StatsPoint {
  return { t, cpu, mem, mem_limit: 10_000, net_rx: 1, net_tx: 2, blk_read: 3, blk_write: 4, pids: 1, ...extra };
}

describe("aggregate", () => {
  it("sums replicas polled a few ms apart into one bucket per tick", () => {
    const a = [pt(10_000, 50), pt(11_002, 60), pt(12_001, 70)];
    const b = [pt(10_030, 100, 2000), pt(11_040, 100, 2000), pt(12_020, 100, 2000)];
    const t = aggregate(["a", "b"], [a, b]);
    expect(t.xs).toEqual([10, 11, 12]);
    expect(t.sum.cpu).toEqual([150, 160, 170]);
    expect(t.sum.mem).toEqual([3000, 3000, 3000]);
    expect(t.sum.net_rx).toEqual([2, 2, 2]);
    expect(t.replicas.cpu).toEqual([
      [50, 60, 70],
      [100, 100, 100],
    ]);
    expect(t.replicas.net[0]).toEqual([3, 3, 3]);
  });

  it("holds a replica's last value over a missed poll, but not for long", () => {
    const a = [pt(1000, 10), pt(2000, 10), pt(3000, 10), pt(4000, 10), pt(5000, 10), pt(6000, 10)];
    const b = [pt(1000, 5)]; // answered once, then nothing (late, then gone)
    const t = aggregate(["a", "b"], [a, b], 1000);
    expect(t.sum.cpu).toEqual([15, 15, 15, 10, 10, 10]);
    expect(t.replicas.cpu[1]).toEqual([5, 5, 5, null, null, null]);
  });

  it("bridges a replica's own gaps (the backlog at the list's rate)", () => {
    const a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((s) => pt(s * 1000, 10));
    const b = [pt(1000, 5), pt(6000, 7), pt(11_000, 9)];
    const t = aggregate(["a", "b"], [a, b], 1000);
    expect(t.sum.cpu).toEqual([15, 15, 15, 15, 15, 17, 17, 17, 17, 17, 19]);
    // A gap longer than BRIDGE_SECONDS is a gap.
    const c = [pt(1000, 5), pt(30_000, 5)];
    const u = aggregate(["a", "c"], [a, c], 1000);
    expect(u.replicas.cpu[1]?.slice(0, 5)).toEqual([5, 5, 5, null, null]);
  });

  it("a replica that joins later starts at its first point", () => {
    const a = [pt(1000, 10), pt(2000, 10), pt(3000, 10)];
    const b = [pt(3000, 40)];
    const t = aggregate(["a", "b"], [a, b], 1000);
    expect(t.sum.cpu).toEqual([10, 10, 50]);
    expect(t.replicas.cpu[1]).toEqual([null, null, 40]);
  });

  it("no replicas or no points give an empty table", () => {
    expect(aggregate([], []).xs).toEqual([]);
    const t = aggregate(["a"], [[]]);
    expect(t.xs).toEqual([]);
    expect(t.replicas.cpu).toEqual([[]]);
  });

  it("infers the step from the median gap", () => {
    expect(inferStep([[pt(0, 1), pt(2000, 1), pt(4000, 1), pt(9000, 1)]])).toBe(2000);
    expect(inferStep([[]])).toBe(1000);
    expect(inferStep([[pt(0, 1), pt(10, 1)]])).toBe(250);
  });

  it("replica values combine both directions of network and block I/O", () => {
    const p = pt(0, 12, 34);
    expect(replicaValue("cpu", p)).toBe(12);
    expect(replicaValue("mem", p)).toBe(34);
    expect(replicaValue("net", p)).toBe(3);
    expect(replicaValue("blk", p)).toBe(7);
  });
});

describe("GroupHistory", () => {
  it("replicas join with their first batch and leave with keep", () => {
    const g = new GroupHistory();
    g.push([
      { id: "b", points: [pt(1000, 1), pt(2000, 1)] },
      { id: "a", points: [pt(1000, 2), pt(2000, 2)] },
    ]);
    expect(g.ids).toEqual(["a", "b"]);
    expect(g.table(1).sum.cpu).toEqual([3, 3]);
    g.push([{ id: "c", points: [pt(3000, 4)] }]);
    expect(g.ids).toEqual(["a", "b", "c"]);
    expect(g.latestT).toBe(3000);
    g.keep(new Set(["a", "c"]));
    expect(g.ids).toEqual(["a", "c"]);
    expect(g.table(1).sum.cpu).toEqual([2, 2, 6]);
  });

  it("ignores containers it was not asked for and repeated backlog", () => {
    const g = new GroupHistory();
    const accept = new Set(["a"]);
    g.push([{ id: "a", points: [pt(1000, 1)] }, { id: "x", points: [pt(1000, 9)] }], accept);
    g.push([{ id: "a", points: [pt(1000, 1), pt(2000, 1)] }], accept);
    expect(g.ids).toEqual(["a"]);
    expect(g.table(1).xs).toEqual([1, 2]);
  });

  it("the window follows the range", () => {
    const g = new GroupHistory();
    g.push([{ id: "a", points: Array.from({ length: 600 }, (_, i) => pt(i * 1000, 1)) }]);
    expect(g.table(1).xs.length).toBe(61);
    expect(g.table(5).xs.length).toBe(301);
  });
});

describe("groupLimit", () => {
  const HOST = 1_000_000;
  it("sums the replicas' limits, and draws none where a replica has no limit", () => {
    const a = [pt(1000, 1, 100, { mem_limit: 5000 }), pt(2000, 1, 100, { mem_limit: 5000 })];
    const b = [pt(1000, 1, 100, { mem_limit: 3000 }), pt(2000, 1, 100, { mem_limit: HOST })];
    const t = aggregate(["a", "b"], [a, b], 1000);
    expect(groupLimit(t, HOST)).toEqual([8000, null]);
  });

  it("shows a limit just changed for the group at once, before the next samples (issue #16)", () => {
    const a = [pt(1000, 1, 100, { mem_limit: 5000 }), pt(2000, 1, 100, { mem_limit: 5000 })];
    const b = [pt(1000, 1, 100, { mem_limit: 5000 }), pt(2000, 1, 100, { mem_limit: 5000 })];
    const t = aggregate(["a", "b"], [a, b], 1000);
    expect(groupLimit(t, HOST)).toEqual([10_000, 10_000]);
    // Both members updated to 8000 after the newest sample: the last x says so already.
    const changed = () => ({ limit: 8000, at: 2500 });
    expect(groupLimit(t, HOST, changed)).toEqual([10_000, 16_000]);
    // A change older than the newest sample is the engine's to report: not used.
    expect(groupLimit(t, HOST, () => ({ limit: 8000, at: 1500 }))).toEqual([10_000, 10_000]);
  });
});
