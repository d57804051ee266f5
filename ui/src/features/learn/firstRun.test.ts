import { describe, expect, it } from "vitest";

import { describeChange, ownImages, shouldOfferFirstRun, threeHouses } from "./firstRun";

describe("first run", () => {
  it("is offered only on an empty engine, until done", () => {
    expect(shouldOfferFirstRun(0, { first_run_done: false })).toBe(true);
    expect(shouldOfferFirstRun(0, { first_run_done: true })).toBe(false);
    expect(shouldOfferFirstRun(2, { first_run_done: false })).toBe(false);
    // Settings not loaded yet: wait rather than flash the walkthrough.
    expect(shouldOfferFirstRun(0, null)).toBe(false);
  });

  it("says what changed and what did not", () => {
    expect(describeChange({ images: 0, containers: 0 }, { images: 1, containers: 0 })).toEqual([
      "Images: 0 → 1",
      "Containers: still 0",
    ]);
  });

  it("launches three long-running houses", () => {
    const own = threeHouses("berth-demo/hello:latest", true);
    expect(own.replicas).toBe("3");
    expect(own.command).toBe("");
    expect(threeHouses("busybox:latest", false).command).toContain("sleep");
  });

  it("offers the user's own named images, smallest first", () => {
    const images = [
      { tags: ["nginx:latest"], size: 190 },
      { tags: [], size: 1 },
      { tags: ["busybox:latest", "bb:1"], size: 4 },
    ];
    expect(ownImages(images)).toEqual(["busybox:latest", "nginx:latest"]);
    expect(ownImages(images, 1)).toEqual(["busybox:latest"]);
  });
});
