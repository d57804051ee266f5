import { render, waitFor } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";

import * as ipc from "../../ipc/containers";
import type { LogLine } from "../../ipc/containers";
import LogsPane from "./LogsPane.svelte";

vi.mock("../../ipc/containers", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../ipc/containers")>();
  return { ...actual, containerLogs: vi.fn() };
});
vi.mock("../learn/cli", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../learn/cli")>();
  return { ...actual, commandLine: vi.fn(async () => "docker logs web-1") };
});
const mocked = vi.mocked(ipc);

describe("LogsPane (issue #13: a cut line is marked)", () => {
  it("marks a line the backend cut with how much was left out, and only that line", async () => {
    const lines: LogLine[] = [
      { stream: "stdout", timestamp: null, text: "short", cut: 0 },
      { stream: "stdout", timestamp: null, text: "x".repeat(16 * 1024), cut: 5 * 1024 * 1024 - 16 * 1024 },
    ];
    mocked.containerLogs.mockImplementation((_id, _req, onLines) => {
      queueMicrotask(() => onLines(lines));
      return { done: new Promise<void>(() => {}), stop: async () => true };
    });
    const view = render(LogsPane, { id: "c1", name: "web-1", running: true });
    await waitFor(() => expect(view.getAllByTestId("logs-line-cut")).toHaveLength(1));
    const mark = view.getByTestId("logs-line-cut");
    // At the line's start, where it is seen without scrolling 16 KiB to the right.
    expect(mark.textContent).toBe("cut: 5.23MB not shown");
    expect(mark.nextElementSibling?.textContent).toHaveLength(16 * 1024);
    expect(mark.getAttribute("title")).toContain("Download saves it whole");
  });
});
