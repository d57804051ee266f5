import { describe, expect, it } from "vitest";

import type { LogLine } from "../../ipc/containers";
import { filterLines, LogRing } from "./ring";

const line = (text: string, stream: "stdout" | "stderr" = "stdout"): LogLine => ({ stream, text, timestamp: null });

describe("LogRing", () => {
  it("keeps the last lines, oldest first, and counts what it dropped", () => {
    const ring = new LogRing(3);
    ring.push([line("a"), line("b")]);
    expect(ring.toArray().map((l) => l.text)).toEqual(["a", "b"]);
    ring.push([line("c"), line("d"), line("e")]);
    expect(ring.toArray().map((l) => l.text)).toEqual(["c", "d", "e"]);
    expect(ring.dropped).toBe(2);
    expect(ring.size).toBe(3);
    const seqs = ring.toArray().map((l) => l.seq);
    expect(seqs).toEqual([2, 3, 4]);
    ring.clear();
    expect(ring.toArray()).toEqual([]);
    expect(ring.dropped).toBe(0);
  });

  it("stays bounded under 100,000 lines", () => {
    const ring = new LogRing(10_000);
    const batch = Array.from({ length: 1000 }, (_, i) => line(String(i)));
    for (let i = 0; i < 100; i++) ring.push(batch);
    expect(ring.size).toBe(10_000);
    expect(ring.dropped).toBe(90_000);
    expect(ring.toArray()[9_999]?.seq).toBe(99_999);
  });

  it("filters by stream and search", () => {
    const ring = new LogRing(10);
    ring.push([line("Hello world"), line("oops", "stderr"), line("hello again", "stderr")]);
    const all = ring.toArray();
    expect(filterLines(all, "both", "HELLO").map((l) => l.text)).toEqual(["Hello world", "hello again"]);
    expect(filterLines(all, "stderr", "").map((l) => l.text)).toEqual(["oops", "hello again"]);
    expect(filterLines(all, "stdout", " ").length).toBe(1);
  });
});
