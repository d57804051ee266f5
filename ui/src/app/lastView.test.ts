import { flushSync } from "svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { getSettings, updateSettings, type Settings } from "../ipc/settings";
import { rememberViews, restorableView } from "./lastView.svelte";
import { Shell } from "./shell.svelte";

vi.mock("../ipc/settings", () => ({ getSettings: vi.fn(), updateSettings: vi.fn() }));

const mocked = { getSettings: vi.mocked(getSettings), updateSettings: vi.mocked(updateSettings) };
let stored: Partial<Settings> = {};

/** Lets the queued settings reads and writes run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

beforeEach(() => {
  stored = { theme: "dark", last_view: null };
  mocked.getSettings.mockReset().mockImplementation(async () => ({ settings: { ...stored } as Settings, notices: [] }) as never);
  mocked.updateSettings.mockReset().mockImplementation(async (s: Settings) => {
    stored = { ...s };
    return s;
  });
});

describe("the last view", () => {
  it("restores only views the sidebar always lists", () => {
    expect(restorableView("volumes")).toBe("volumes");
    expect(restorableView("help")).toBe("help");
    expect(restorableView("services")).toBeNull();
    expect(restorableView("<img src=x>")).toBeNull();
    expect(restorableView(null)).toBeNull();
  });

  it("opens the stored view at start and writes nothing for it", async () => {
    stored.last_view = "networks";
    const shell = new Shell();
    const stop = rememberViews(shell);
    await settle();
    flushSync();
    await settle();
    expect(shell.view).toBe("networks");
    expect(mocked.updateSettings).not.toHaveBeenCalled();
    stop();
  });

  it("remembers each view switched to, keeping the other settings", async () => {
    const shell = new Shell();
    const stop = rememberViews(shell);
    await settle();
    shell.view = "images";
    flushSync();
    await settle();
    expect(stored).toEqual({ theme: "dark", last_view: "images" });
    shell.view = "lessons";
    flushSync();
    await settle();
    expect(stored.last_view).toBe("lessons");
    expect(mocked.updateSettings).toHaveBeenCalledTimes(2);
    stop();
    shell.view = "volumes";
    flushSync();
    await settle();
    expect(stored.last_view).toBe("lessons");
  });

  it("does not take the user away from a view chosen before the settings arrived", async () => {
    stored.last_view = "networks";
    const shell = new Shell();
    const stop = rememberViews(shell);
    shell.view = "images";
    flushSync();
    await settle();
    expect(shell.view).toBe("images");
    expect(stored.last_view).toBe("images");
    stop();
  });

  it("ignores a stored id that is no view", async () => {
    stored.last_view = "services";
    const shell = new Shell();
    const stop = rememberViews(shell);
    await settle();
    expect(shell.view).toBe("containers");
    stop();
  });
});
