import { describe, expect, it } from "vitest";

import type { LogLine } from "../../ipc/containers";
import { filterLines, LogRing, RING_MAX_CHARS } from "./ring";

const line = (text: string, stream: "stdout" | "stderr" = "stdout"): LogLine => ({ stream, text, timestamp: null, cut: 0 });

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

describe("LogRing's text bound", () => {
  it("drops the oldest lines past maxChars, keeps the newest even alone, and counts them", () => {
    const ring = new LogRing(100, 10);
    ring.push([line("aaaa"), line("bbbb")]);
    expect(ring.size).toBe(2);
    ring.push([line("cccc")]);
    expect(ring.toArray().map((l) => l.text)).toEqual(["bbbb", "cccc"]);
    expect(ring.dropped).toBe(1);
    ring.push([line("x".repeat(50))]);
    expect(ring.toArray().map((l) => l.text.length)).toEqual([50]);
    expect(ring.dropped).toBe(3);
    ring.clear();
    ring.push([line("12345"), line("67890")]);
    expect(ring.size).toBe(2);
  });

  it("20,000 cut lines of 16 KiB stay within the default bound", () => {
    const ring = new LogRing(20_000);
    const big = "y".repeat(16 * 1024);
    for (let i = 0; i < 20; i++) ring.push(Array.from({ length: 1_000 }, () => ({ ...line(big), cut: 1 })));
    expect(ring.size * big.length).toBeLessThanOrEqual(RING_MAX_CHARS);
    expect(ring.size + ring.dropped).toBe(20_000);
  });
});
