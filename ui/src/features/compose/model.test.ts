import { describe, expect, it } from "vitest";

import { fileErrorText, mergeLines, removalPlan, scaleProblem, serviceColour, type MergedLine } from "./model";

const line = (prefix: string, timestamp: string | null, text = prefix): MergedLine => ({
  service: prefix.split("-")[0]!,
  prefix,
  colour: 0,
  timestamp,
  text,
  stderr: false,
});

describe("compose model", () => {
  it("gives each service a stable colour whatever the order", () => {
    expect(serviceColour(["web", "db"], "db")).toBe(0);
    expect(serviceColour(["db", "web"], "web")).toBe(1);
    expect(serviceColour(["a", "b", "c", "d", "e", "f", "g"], "g")).toBe(0);
  });

  it("merges the containers' lines by time and keeps a bound", () => {
    let lines = mergeLines([], [line("web-1", "2026-01-01T00:00:01Z"), line("web-1", "2026-01-01T00:00:03Z")]);
    lines = mergeLines(lines, [line("db-1", "2026-01-01T00:00:02Z")]);
    expect(lines.map((l) => l.prefix)).toEqual(["web-1", "db-1", "web-1"]);
    const many = Array.from({ length: 30 }, (_, i) => line("x-1", `2026-01-01T00:00:${String(i).padStart(2, "0")}Z`, String(i)));
    const kept = mergeLines([], many, 10);
    expect(kept).toHaveLength(10);
    expect(kept[0]!.text).toBe("20");
  });

  it("says where a file error is", () => {
    expect(fileErrorText({ message: "bad", line: 4, column: 12 })).toBe("Line 4, column 12: bad");
    expect(fileErrorText({ message: "bad", line: null, column: null })).toBe("bad");
  });

  it("checks the scale box", () => {
    expect(scaleProblem("3")).toBeNull();
    expect(scaleProblem("0")).toBeNull();
    expect(scaleProblem("-1")).not.toBeNull();
    expect(scaleProblem("2.5")).not.toBeNull();
    expect(scaleProblem("500")).not.toBeNull();
  });

  it("names every container and network the removal takes", () => {
    const plan = removalPlan({
      project: "shop",
      containers: ["shop_web_1", "shop_db_1"],
      networks: ["shop_default"],
      command: { argv: ["docker-compose", "-p", "shop", "down"], line: "docker-compose -p shop down" },
    });
    expect(plan.sections.flatMap((s) => s.items.map((i) => i.name))).toEqual(["shop_web_1", "shop_db_1", "shop_default"]);
    expect(plan.commands).toEqual(["docker-compose -p shop down"]);
    expect(plan.confirm).toBe("Remove shop");
  });
});
