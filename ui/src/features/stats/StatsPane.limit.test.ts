/** Issue #16: a memory limit changed through Berth shows in the chart at once, not from the
 *  next stats sample. */
import { render, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";

import * as stats from "../../ipc/stats";
import type { StatsBatch } from "../../ipc/stats";
import { liveLimits } from "../limits/liveLimits.svelte";
import StatsPane from "./StatsPane.svelte";

vi.mock("../../ipc/stats", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/stats")>()),
  watchStats: vi.fn(),
}));
const mocked = vi.mocked(stats);

// jsdom has no canvas: uPlot's first draw would throw (getContext is null) whenever its lazy import
// happens to resolve during the run. The readout under test is the card's text, not the plot, so
// the plot is never made here.
vi.mock("./uplot", async (importOriginal) => ({
  ...(await importOriginal<typeof import("./uplot")>()),
  loadUplot: () => new Promise(() => {}),
}));

const MIB = 1024 * 1024;

// uPlot asks for the device pixel ratio's media query; jsdom has none.
window.matchMedia ??= ((query: string) => ({
  matches: false,
  media: query,
  addEventListener: () => {},
  removeEventListener: () => {},
  addListener: () => {},
  removeListener: () => {},
})) as unknown as typeof window.matchMedia;

afterEach(() => vi.clearAllMocks());

describe("StatsPane's memory limit", () => {
  it("shows a limit changed through Berth before the next sample arrives", async () => {
    let push: ((batch: StatsBatch) => void) | undefined;
    mocked.watchStats.mockImplementation((_watch, onBatch) => {
      push = onBatch;
      return { done: new Promise(() => {}), stop: async () => {} } as unknown as ReturnType<typeof stats.watchStats>;
    });
    const { getByTestId } = render(StatsPane, { id: "c1", name: "limited", running: true });
    await waitFor(() => expect(push).toBeDefined());
    const sampled = Date.now() - 500;
    push!({
      containers: [
        { id: "c1", points: [{ t: sampled, cpu: 1, mem: 10 * MIB, mem_limit: 64 * MIB, net_rx: 0, net_tx: 0, blk_read: 0, blk_write: 0, pids: 1 }] },
      ],
      host: [{ t: sampled, cpu: 1, mem_used: 1024 * MIB, mem_total: 8192 * MIB, load1: 0, load5: 0, load15: 0, cores: 2 }],
    } as unknown as StatsBatch);
    const readout = () => getByTestId("stats-mem-now").textContent ?? "";
    await waitFor(() => expect(readout()).toContain("64"));

    // The update succeeded: no new sample comes, yet the chart says the new limit.
    liveLimits.announce(["limited"], 128 * MIB);
    await waitFor(() => expect(readout()).toContain("128"));
    expect(readout()).not.toContain("64");
    expect(mocked.watchStats).toHaveBeenCalledTimes(1);
  });
});
