/** The Inspect tab's summary reads as words with their separators ("unhealthy · 2 failing"):
 *  Svelte trims the whitespace at the edges of a block, so a " · " written inside `{#if}` lost
 *  its leading space ("unhealthy· 2 failing"). */
import { render, waitFor } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";

import * as containers from "../../ipc/containers";
import type { ContainerDetails } from "../../ipc/containers";
import InspectPane from "./InspectPane.svelte";

vi.mock("../../ipc/containers", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/containers")>()),
  inspectContainer: vi.fn(),
}));

const details: ContainerDetails = {
  id: "c1",
  short_id: "c1",
  name: "sick",
  image: "busybox",
  image_id: "sha256:1",
  state: "exited",
  created: "2026-11-30T06:00:00Z",
  started_at: null,
  finished_at: null,
  exit_code: 137,
  oom_killed: true,
  error: null,
  entrypoint: [],
  command: ["sleep", "1"],
  working_dir: "",
  user: "",
  env: [],
  mounts: [],
  ports: [],
  networks: [],
  restart_policy: "on-failure:5",
  restart_count: 3,
  labels: [],
  health: { status: "unhealthy", failing_streak: 2, last_output: null, probes: [] },
  command_line: "docker inspect sick",
  raw_json: "{}",
};

const words = (el: Element | null) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();

describe("InspectPane's summary", () => {
  it("keeps a space on both sides of every separator", async () => {
    vi.mocked(containers.inspectContainer).mockResolvedValue(details);
    const { findByTestId, container } = render(InspectPane, { id: "c1" });
    const state = await findByTestId("inspect-state");
    expect(words(state)).toBe("exited · exit code 137 · killed: out of memory");
    const dds = [...container.querySelectorAll("dt")];
    const after = (term: string) => words(dds.find((dt) => dt.textContent === term)?.nextElementSibling ?? null);
    await waitFor(() => expect(after("Health")).toBe("unhealthy · 2 failing"));
    expect(after("Restart policy")).toBe("on-failure:5 · restarted 3×");
  });
});
