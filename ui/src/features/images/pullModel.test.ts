import { describe, expect, it } from "vitest";

import { formatBytes } from "../../lib/format";
import { layerView, pullView } from "./pullModel";

describe("pull view", () => {
  it("shows each layer's download share and a total over known sizes", () => {
    const v = pullView({
      status: "Pulling from berth/multi: v1",
      layers: [
        { id: "aaa", phase: "already_exists", current: 0, total: null },
        { id: "bbb", phase: "downloading", current: 512, total: 1024 },
        { id: "ccc", phase: "complete", current: 2048, total: 2048 },
        { id: "ddd", phase: "waiting", current: 0, total: null },
      ],
    });
    expect(v.layers.map((l) => Math.round(l.percent))).toEqual([100, 50, 100, 0]);
    expect(v.layers[1]?.label).toBe(`Downloading ${formatBytes(512)} / ${formatBytes(1024)}`);
    expect(v.layers[0]?.label).toBe("Already present");
    expect(v.done).toBe(512 + 2048);
    expect(v.total).toBe(1024 + 2048);
    expect(Math.round(v.percent)).toBe(83);
  });

  it("is empty before the first message", () => {
    expect(pullView(null)).toEqual({ layers: [], done: 0, total: 0, percent: 0, status: "" });
    expect(layerView({ id: "x", phase: "extracting", current: 5, total: 10 }).label).toBe("Extracting 50%");
  });
});
