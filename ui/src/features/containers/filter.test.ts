import { describe, expect, it } from "vitest";

import { makeInventory } from "../../dev/fixtures";
import type { ContainerSummary } from "../../ipc/containers";
import { UP_STATES } from "../../lib/format";
import { containerRows, DEFAULT_SORT, filterContainers, nextSort, sortContainers } from "./filter";

const { containers } = makeInventory(1000, 1_700_000_000);

describe("filterContainers", () => {
  it("returns everything (as a copy) with no filter", () => {
    const out = filterContainers(containers, { text: "", state: "all" });
    expect(out).toHaveLength(1000);
    expect(out).not.toBe(containers);
  });

  it("matches name or image, case-insensitively, ignoring surrounding spaces", () => {
    const byName = filterContainers(containers, { text: "  WEB-1 ", state: "all" });
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.every((c) => c.name.toLowerCase().includes("web-1"))).toBe(true);

    const byImage = filterContainers(containers, { text: "ACME/worker", state: "all" });
    expect(byImage.length).toBeGreaterThan(0);
    expect(byImage.every((c) => c.image.includes("acme/worker"))).toBe(true);
  });

  it("filters by state, combined with text", () => {
    const running = filterContainers(containers, { text: "", state: "running" });
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((c) => c.state === "running")).toBe(true);

    const both = filterContainers(containers, { text: "nginx", state: "exited" });
    expect(both.every((c) => c.state === "exited" && c.image.includes("nginx"))).toBe(true);
    expect(both.length).toBe(containers.filter((c) => c.state === "exited" && c.image.includes("nginx")).length);
  });

  it("keeps the engine's order", () => {
    const out = filterContainers(containers, { text: "db", state: "all" });
    const positions = out.map((c) => containers.indexOf(c));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("finds nothing for a string no container has", () => {
    expect(filterContainers(containers, { text: "zzz-nope", state: "all" })).toEqual([]);
  });
});

describe("containerRows", () => {
  it("is one row per container, keyed by id, when not grouping", () => {
    const rows = containerRows(containers, false);
    expect(rows).toHaveLength(1000);
    expect(rows.every((r) => r.kind === "container")).toBe(true);
    expect(new Set(rows.map((r) => r.key)).size).toBe(1000);
  });

  it("groups by image: sorted headers with counts, then their containers", () => {
    const sample: ContainerSummary[] = containers.slice(0, 30);
    const rows = containerRows(sample, true);
    const headers = rows.filter((r) => r.kind === "group");
    const images = [...new Set(sample.map((c) => c.image))].sort((a, b) => a.localeCompare(b));
    expect(headers.map((h) => h.image)).toEqual(images);

    for (const h of headers) {
      const members = sample.filter((c) => c.image === h.image);
      expect(h.total).toBe(members.length);
      expect(h.running).toBe(members.filter((c) => UP_STATES.includes(c.state)).length);
      // The header is followed by exactly its containers.
      const at = rows.indexOf(h);
      const after = rows.slice(at + 1, at + 1 + h.total);
      expect(after.every((r) => r.kind === "container" && r.container.image === h.image)).toBe(true);
    }
    expect(rows).toHaveLength(sample.length + headers.length);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it("filters and groups 1,000 containers fast enough to run on every keystroke", () => {
    const start = performance.now();
    for (let i = 0; i < 20; i++) {
      containerRows(filterContainers(containers, { text: i % 2 ? "a" : "web", state: i % 3 ? "all" : "running" }), true);
    }
    const perRun = (performance.now() - start) / 20;
    expect(perRun).toBeLessThan(16);
  });
});

describe("sortContainers", () => {
  const few = containers.slice(0, 50);

  it("sorts by name by default, and reverses on a second click", () => {
    const names = sortContainers(few, DEFAULT_SORT).map((c) => c.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    const again = nextSort(DEFAULT_SORT, "name");
    expect(again).toEqual({ key: "name", descending: true });
    expect(sortContainers(few, again).map((c) => c.name)).toEqual([...names].reverse());
  });

  it("sorts by created newest first on the first click, and by state running first", () => {
    const created = sortContainers(few, nextSort(DEFAULT_SORT, "created")).map((c) => c.created);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    const states = sortContainers(few, { key: "state", descending: false });
    const firstStopped = states.findIndex((c) => !UP_STATES.includes(c.state));
    expect(states.slice(firstStopped).some((c) => c.state === "running")).toBe(false);
  });

  it("does not depend on the engine's order", () => {
    const shuffled = [...few].reverse();
    expect(sortContainers(shuffled, DEFAULT_SORT)).toEqual(sortContainers(few, DEFAULT_SORT));
  });
});
