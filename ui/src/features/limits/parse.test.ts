import { describe, expect, it } from "vitest";

import { EMPTY_TEXT, parseSize, toUpdate } from "./parse";

describe("limits form", () => {
  it("reads sizes as docker update does", () => {
    expect(parseSize("256m")).toBe(256 * 1024 ** 2);
    expect(parseSize("1g")).toBe(1024 ** 3);
    expect(parseSize("256 MiB")).toBe(256 * 1024 ** 2);
    expect(parseSize("7340032")).toBe(7340032);
    expect(parseSize("lots")).toBeNull();
    expect(parseSize("-5m")).toBeNull();
  });

  it("builds the update from what was filled in only", () => {
    expect(toUpdate({ ...EMPTY_TEXT, memory: "64m", memorySwap: "-1" })).toEqual({
      update: { memory: 64 * 1024 ** 2, memory_swap: -1, cpus: null, restart: null },
    });
    expect(toUpdate({ ...EMPTY_TEXT, restart: "on-failure", retries: "3" })).toEqual({
      update: { memory: null, memory_swap: null, cpus: null, restart: { name: "on-failure", max_retries: 3 } },
    });
  });

  it("says what is wrong in words", () => {
    expect(toUpdate(EMPTY_TEXT)).toEqual({
      error: "Nothing to change: give a memory limit, memory+swap, CPUs or a restart policy",
    });
    expect(toUpdate({ ...EMPTY_TEXT, cpus: "two" })).toEqual({ error: 'CPUs: "two" is not a number of CPUs (say 0.5 or 2)' });
    expect(toUpdate({ ...EMPTY_TEXT, memory: "1x" })).toHaveProperty("error");
  });
});
