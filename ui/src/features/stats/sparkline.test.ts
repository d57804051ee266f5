import { describe, expect, it } from "vitest";

import type { StatsPoint } from "../../ipc/stats";
import { SPARK_POINTS, addBatch, keepOnly, sparkPath } from "./sparkline";

function point(t: number, cpu: number, mem = 10): StatsPoint {
  return { t, cpu, mem, mem_limit: 100, net_rx: 0, net_tx: 0, blk_read: 0, blk_write: 0, pids: 1 };
}

describe("addBatch", () => {
  it("appends new points per container without touching the old record", () => {
    const first = addBatch({}, [{ id: "a", points: [point(1, 5), point(2, 6)] }]);
    const second = addBatch(first, [
      { id: "a", points: [point(2, 99), point(3, 7)] },
      { id: "b", points: [point(3, 1, 20)] },
    ]);
    expect(first.a?.cpu).toEqual([5, 6]);
    expect(second.a?.cpu).toEqual([5, 6, 7]);
    expect(second.a?.t).toBe(3);
    expect(second.b).toEqual({ t: 3, cpu: [1], mem: [20], memLimit: 100 });
  });

  it("keeps the last SPARK_POINTS and skips empty updates", () => {
    const many = Array.from({ length: SPARK_POINTS + 10 }, (_, i) => point(i + 1, i));
    const sparks = addBatch({}, [{ id: "a", points: many }, { id: "b", points: [] }]);
    expect(sparks.a?.cpu.length).toBe(SPARK_POINTS);
    expect(sparks.a?.cpu[0]).toBe(10);
    expect(sparks.b).toBeUndefined();
  });

  it("drops containers no longer running", () => {
    const sparks = addBatch({}, [
      { id: "a", points: [point(1, 1)] },
      { id: "b", points: [point(1, 1)] },
    ]);
    expect(Object.keys(keepOnly(sparks, new Set(["b"])))).toEqual(["b"]);
  });
});

describe("sparkPath", () => {
  it("is empty without values", () => {
    expect(sparkPath([], 40, 14)).toBe("");
  });

  it("ends at the right edge, scaled to the largest value", () => {
    const path = sparkPath([0, 50, 100], 35, 11);
    expect(path).toBe("M33,10.5L34,5.5L35,0.5");
  });

  it("scales to a given max and sits a flat zero line on the bottom", () => {
    expect(sparkPath([50], 10, 11, 100)).toBe("M10,5.5");
    expect(sparkPath([0, 0], 35, 11)).toBe("M34,10.5L35,10.5");
  });
});
