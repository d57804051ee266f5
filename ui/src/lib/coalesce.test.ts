import { describe, expect, it } from "vitest";

import { coalesce } from "./coalesce";

/** A job whose runs finish only when the test says so. */
function controlledJob() {
  const runs: Array<() => void> = [];
  let active = 0;
  let maxActive = 0;
  const job = () =>
    new Promise<void>((resolve) => {
      active++;
      maxActive = Math.max(maxActive, active);
      runs.push(() => {
        active--;
        resolve();
      });
    });
  return {
    job,
    runs,
    get maxActive() {
      return maxActive;
    },
    async finish(i: number) {
      runs[i]!();
      // Let the coalescer's continuations run.
      for (let k = 0; k < 5; k++) await Promise.resolve();
    },
  };
}

describe("coalesce", () => {
  it("runs at once when idle", async () => {
    const c = controlledJob();
    const r = coalesce(c.job);
    const done = r.request();
    expect(c.runs).toHaveLength(1);
    expect(r.running).toBe(true);
    await c.finish(0);
    await done;
    expect(r.running).toBe(false);
  });

  it("never runs twice at once, and runs exactly once more for requests made mid-run", async () => {
    const c = controlledJob();
    const r = coalesce(c.job);
    r.request();
    const a = r.request();
    const b = r.request();
    const d = r.request();
    expect(c.runs).toHaveLength(1);
    expect(a).toBe(b);
    expect(b).toBe(d);

    await c.finish(0);
    expect(c.runs).toHaveLength(2);
    await c.finish(1);
    await Promise.all([a, b, d]);
    expect(c.runs).toHaveLength(2);
    expect(c.maxActive).toBe(1);
  });

  it("never drops the last invalidation: one that arrives during the follow-up run gets its own run", async () => {
    const c = controlledJob();
    const r = coalesce(c.job);
    r.request();
    r.request(); // queued follow-up
    await c.finish(0); // follow-up starts
    expect(c.runs).toHaveLength(2);
    const late = r.request(); // arrives while the follow-up is in flight
    await c.finish(1);
    expect(c.runs).toHaveLength(3);
    await c.finish(2);
    await late;
    expect(c.maxActive).toBe(1);
  });

  it("keeps going after a failed run", async () => {
    let calls = 0;
    const r = coalesce(async () => {
      calls++;
      if (calls === 1) throw new Error("boom");
    });
    await r.request();
    await r.request();
    expect(calls).toBe(2);
  });

  it("a request right as a run ends never overlaps the follow-up run", async () => {
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const r = coalesce(async () => {
      calls++;
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((res) => setTimeout(res, 5));
      active--;
    });
    const first = r.request();
    const second = r.request();
    await first; // the follow-up for `second` has just started
    const third = r.request();
    await Promise.all([second, third]);
    expect(maxActive).toBe(1);
    // `third` came after the follow-up started, so it needed (and got) a run of its own.
    expect(calls).toBe(3);
  });
});
