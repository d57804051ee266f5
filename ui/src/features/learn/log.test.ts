import { describe, expect, it } from "vitest";

import { appendEntries, logAsScript } from "./log";

describe("command log", () => {
  it("appends one entry per line, skips empty ones and an immediate repeat", () => {
    let e = appendEntries([], 1, "Stop", [{ line: "docker stop a", ok: true }, { line: " ", ok: true }], 1000);
    expect(e.map((x) => x.line)).toEqual(["docker stop a"]);
    e = appendEntries(e, 3, "Stop", [{ line: "docker stop a", ok: true }], 1500);
    expect(e).toHaveLength(1);
    e = appendEntries(e, 4, "Stop", [{ line: "docker stop a", ok: true }], 5000);
    expect(e).toHaveLength(2);
    expect(new Set(e.map((x) => x.id)).size).toBe(2);
  });

  it("keeps the newest entries only", () => {
    const lines = Array.from({ length: 30 }, (_, i) => ({ line: `docker start c${i}`, ok: true }));
    const e = appendEntries([], 1, "Start", lines, 0, 10);
    expect(e).toHaveLength(10);
    expect(e[9]!.line).toBe("docker start c29");
  });

  it("exports a script with failed commands commented out", () => {
    const e = appendEntries([], 1, "Remove", [{ line: "docker rm a", ok: false }, { line: "docker rm b", ok: true }], 0);
    expect(logAsScript(e)).toBe("# failed: docker rm a\ndocker rm b");
  });
});
