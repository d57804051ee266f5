import { render } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import { problem } from "../../dev/fixtures";
import type { EngineProblemKind } from "../../ipc/commands";
import EngineProblemScreen from "./EngineProblemScreen.svelte";
import { PROBLEM_TITLES } from "./problemCopy";

const KINDS: EngineProblemKind[] = ["unreachable", "permission_denied", "bad_endpoint", "protocol"];

describe("EngineProblemScreen", () => {
  it.each(KINDS)("explains %s: what, how to fix, where, and that Berth retries", (kind) => {
    const p = problem(kind, "unix:///run/user/1000/docker.sock");
    const { getByTestId, getByRole } = render(EngineProblemScreen, { problem: p, retrying: false });
    const screen = getByTestId("engine-problem");
    expect(screen.dataset.kind).toBe(kind);
    expect(getByRole("heading", { level: 1 }).textContent).toBe(PROBLEM_TITLES[kind]);
    const text = screen.textContent ?? "";
    expect(text).toContain(p.message);
    // The hint's `code` parts lose their backticks but keep their words.
    expect(text).toContain(p.hint.replaceAll("`", ""));
    expect(text).toContain("unix:///run/user/1000/docker.sock");
    expect(text).toMatch(/reconnects by itself/);
  });

  it("shows commands in the hint as code", () => {
    const { container } = render(EngineProblemScreen, { problem: problem("permission_denied"), retrying: false });
    expect(container.querySelector("code")?.textContent).toBe("sudo usermod -aG docker $USER");
  });

  it("says Reconnecting… while a retry is under way", () => {
    const { getByRole } = render(EngineProblemScreen, { problem: problem("unreachable"), retrying: true });
    expect(getByRole("status").textContent).toContain("Reconnecting…");
  });

  it("has a distinct title for every kind", () => {
    expect(new Set(Object.values(PROBLEM_TITLES)).size).toBe(Object.keys(PROBLEM_TITLES).length);
  });
});
