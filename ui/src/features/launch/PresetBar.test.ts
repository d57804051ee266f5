/**
 * The launch dialog's preset bar against a mocked `src/ipc/settings`: it lists the stored presets,
 * applies one (keeping the dialog's image), saves the form under a name, and shows the
 * backend's refusal instead of pretending it saved.
 */
import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";

import * as ipc from "../../ipc/settings";
import type { LaunchRequest } from "../../ipc/launch";
import type { Settings } from "../../ipc/settings";
import { emptyRequest } from "./model";
import PresetBar from "./PresetBar.svelte";

vi.mock("../../ipc/settings", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../ipc/settings")>();
  return { ...actual, getSettings: vi.fn(), saveLaunchPreset: vi.fn(), deleteLaunchPreset: vi.fn() };
});
const mocked = vi.mocked(ipc);

const stored: LaunchRequest = { ...emptyRequest("busybox"), replicas: "3", env: "A=1" };

function settings(presets: Settings["presets"]): Settings {
  return {
    version: 3,
    engine_endpoint: null,
    stats_interval_ms: 1000,
    stats_history_secs: 900,
    close_to_tray: true,
    close_to_tray_notice_shown: false,
    notifications: true,
    notify_unhealthy: true,
    theme: "system",
    presets,
    recent_images: [],
    first_run_done: false,
    start_at_login: false,
    last_view: null,
  } as Settings;
}

beforeEach(() => {
  vi.resetAllMocks();
  mocked.getSettings.mockResolvedValue({
    settings: settings([{ name: "web", request: stored }]),
    notice: null,
    file_notices: [],
    tray_notice: false,
  });
});

describe("PresetBar", () => {
  it("applies a preset to the form but keeps the dialog's image", async () => {
    const onapply = vi.fn();
    const form = { ...emptyRequest("berth-test/app:latest") };
    const { getByTestId } = render(PresetBar, { form, canSave: true, onapply, open: true });
    const choice = getByTestId("preset-choice") as HTMLSelectElement;
    await waitFor(() => expect(choice.options.length).toBe(2));
    await fireEvent.change(choice, { target: { value: "web" } });
    await fireEvent.click(getByTestId("preset-apply"));
    expect(onapply).toHaveBeenCalledWith({ ...stored, image: "berth-test/app:latest" });
  });

  it("saves under the typed name and shows a refusal from the backend", async () => {
    const form = { ...emptyRequest("busybox"), replicas: "2" };
    mocked.saveLaunchPreset.mockResolvedValueOnce(
      settings([
        { name: "web", request: stored },
        { name: "pair", request: form },
      ]),
    );
    const { getByTestId } = render(PresetBar, { form, canSave: true, onapply: vi.fn(), open: true });
    await fireEvent.input(getByTestId("preset-name"), { target: { value: "pair" } });
    await fireEvent.click(getByTestId("preset-save"));
    await waitFor(() => expect(getByTestId("preset-message").dataset.kind).toBe("ok"));
    expect(mocked.saveLaunchPreset).toHaveBeenCalledWith("pair", form);
    expect((getByTestId("preset-choice") as HTMLSelectElement).options.length).toBe(3);

    mocked.saveLaunchPreset.mockRejectedValueOnce({ kind: "invalid_input", message: "at most 50 launch presets" });
    await fireEvent.click(getByTestId("preset-save"));
    await waitFor(() => expect(getByTestId("preset-message").dataset.kind).toBe("error"));
    expect(getByTestId("preset-message").textContent).toContain("at most 50");
  });

  it("cannot save a form with errors", async () => {
    const { getByTestId } = render(PresetBar, { form: emptyRequest("busybox"), canSave: false, onapply: vi.fn(), open: true });
    expect((getByTestId("preset-save") as HTMLButtonElement).disabled).toBe(true);
  });

  it("takes no room with nothing saved, and opens itself when there are presets", async () => {
    mocked.getSettings.mockResolvedValueOnce({ settings: settings([]), notice: null, file_notices: [], tray_notice: false });
    const empty = render(PresetBar, { form: emptyRequest("busybox"), canSave: true, onapply: vi.fn() });
    await waitFor(() => expect(mocked.getSettings).toHaveBeenCalled());
    expect(empty.queryByTestId("launch-presets")).toBeNull();
    empty.unmount();
    const some = render(PresetBar, { form: emptyRequest("busybox"), canSave: true, onapply: vi.fn() });
    await waitFor(() => expect(some.getByTestId("launch-presets")).toBeTruthy());
  });
});
