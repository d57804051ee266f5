import { describe, expect, it } from "vitest";

import type { StatsPoint } from "../../ipc/stats";
import {
  CHARTS,
  MAX_POINTS,
  StatsHistory,
  chartData,
  clockTime,
  formatMemory,
  formatPercent,
  formatRate,
  formatterFor,
  safeLocale,
  xRange,
  yRange,
} from "./model";

function point(t: number, over: Partial<StatsPoint> = {}): StatsPoint {
  return { t, cpu: 1, mem: 10, mem_limit: 100, net_rx: 2, net_tx: 3, blk_read: 4, blk_write: 5, pids: 1, ...over };
}

const spec = (kind: string) => CHARTS.find((c) => c.kind === kind)!;

describe("StatsHistory", () => {
  it("keeps points in order and ignores repeats", () => {
    const h = new StatsHistory();
    h.push([point(1000), point(2000)]);
    h.push([point(2000), point(1500), point(3000)]);
    expect(h.length).toBe(3);
    expect(h.latest?.t).toBe(3000);
  });

  it("keeps 15 minutes at most and windows by range", () => {
    const h = new StatsHistory();
    const points = Array.from({ length: 1200 }, (_, i) => point(i * 1000));
    h.push(points);
    expect(h.length).toBe(901); // 15 min at 1 Hz, both ends included
    expect(h.window(1).length).toBe(61);
    expect(h.window(5).length).toBe(301);
    expect(h.window(15).length).toBe(901);
    expect(h.window(1)[0]?.t).toBe(1199_000 - 60_000);
  });

  it("keeps at most MAX_POINTS even when points come faster than the Settings allow (issue #13)", () => {
    const h = new StatsHistory();
    // 15 minutes at 10 ms: 90,000 points, all within the time range.
    h.push(Array.from({ length: 90_000 }, (_, i) => point(i * 10)));
    expect(h.length).toBe(MAX_POINTS);
    expect(h.latest?.t).toBe(89_999 * 10);
  });

  it("windows an empty history", () => {
    const h = new StatsHistory();
    expect(h.window(5)).toEqual([]);
    h.push([point(5)]);
    h.clear();
    expect(h.latest).toBeUndefined();
  });
});

describe("chartData", () => {
  const pts = [point(1000, { cpu: 50 }), point(2000, { cpu: 75, mem: 20 })];
  it("builds columns: seconds, then one per series", () => {
    expect(chartData(spec("cpu"), pts)).toEqual([[1, 2], [50, 75]]);
    expect(chartData(spec("mem"), pts)).toEqual([[1, 2], [10, 20], [100, 100]]);
    expect(chartData(spec("net"), pts)).toEqual([[1, 2], [2, 2], [3, 3]]);
    expect(chartData(spec("blk"), pts)).toEqual([[1, 2], [4, 4], [5, 5]]);
  });

  it("leaves out a memory limit that is only the host's memory", () => {
    // 100 is the limit of the points above: a real limit on a host of 1,000, none on one of 105.
    expect(chartData(spec("mem"), pts, 1000)).toEqual([[1, 2], [10, 20], [100, 100]]);
    expect(chartData(spec("mem"), pts, 105)).toEqual([[1, 2], [10, 20], [null, null]]);
  });

  it("ranges x over the window and y from zero with headroom", () => {
    expect(xRange(1, 120_000)).toEqual([60, 120]);
    expect(yRange(100, "percent")).toEqual([0, 110.00000000000001]);
    expect(yRange(0, "percent")).toEqual([0, 1]);
    expect(yRange(null, "rate")).toEqual([0, 1024]);
  });
});

describe("units", () => {
  it("formats like docker stats", () => {
    expect(formatPercent(0)).toBe("0.00%");
    expect(formatPercent(12.345)).toBe("12.35%");
    expect(formatPercent(199.96)).toBe("200.0%");
    expect(formatMemory(512)).toBe("512B");
    expect(formatMemory(1536)).toBe("1.50KiB");
    expect(formatMemory(12.5 * 1024 * 1024)).toBe("12.5MiB");
    expect(formatMemory(2 * 1024 ** 3)).toBe("2.00GiB");
    expect(formatRate(1234)).toBe("1.23kB/s");
    expect(formatRate(0)).toBe("0B/s");
  });

  it("reads gaps as a dash", () => {
    expect(formatterFor("rate")(null)).toBe("–");
    expect(formatterFor("percent")(undefined)).toBe("–");
    expect(formatterFor("memory")(1024)).toBe("1.00KiB");
    expect(formatPercent(NaN)).toBe("–");
  });

  it("falls back to en-US when Intl rejects the language (LANG=C)", () => {
    expect(safeLocale("C")).toBe("en-US");
    expect(safeLocale(undefined)).toBe("en-US");
    expect(safeLocale("de-DE")).toBe("de-DE");
  });

  it("prints clock times without Intl", () => {
    const d = new Date(2024, 0, 1, 9, 5, 7);
    expect(clockTime(d.getTime() / 1000)).toBe("09:05:07");
  });
});

describe("chartData with a limit just changed", () => {
  const pts = [point(1000), point(2000)];
  it("draws the new limit on the newest sample taken before the change, the engine's after", () => {
    expect(chartData(spec("mem"), pts, 1000, { limit: 200, at: 2500 })).toEqual([[1, 2], [10, 10], [100, 200]]);
    // A sample taken after the change carries the engine's value: that one wins.
    expect(chartData(spec("mem"), pts, 1000, { limit: 200, at: 1500 })).toEqual([[1, 2], [10, 10], [100, 100]]);
    // Unlimited (0) now: no limit line from that sample on.
    expect(chartData(spec("mem"), pts, 1000, { limit: 0, at: 2500 })).toEqual([[1, 2], [10, 10], [100, null]]);
  });
});
