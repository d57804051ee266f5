import { render } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import { engineInfo } from "../../dev/fixtures";
import GroupsView from "../launch/GroupsView.svelte";
import EngineTag from "./EngineTag.svelte";
import { shownEngineContext } from "./shownEngine";

describe("EngineTag (issue #8: each view says which engine it shows)", () => {
  it("names the engine and its kind", () => {
    const info = { ...engineInfo, engine_name: "podman-box", flavor: "podman" as const };
    const { getByTestId, queryByTestId } = render(EngineTag, { context: shownEngineContext(info) });
    const tag = getByTestId("view-engine");
    expect(tag.textContent).toContain("podman-box");
    expect(tag.textContent).toContain("Podman");
    expect(tag.dataset.engine).toBe("podman-box");
    expect(queryByTestId("view-engine-insecure")).toBeNull();
  });

  it("carries the plain-TCP warning for an unencrypted engine", () => {
    const info = { ...engineInfo, engine_name: "lab", transport: "tcp" as const };
    const { getByTestId } = render(EngineTag, { context: shownEngineContext(info) });
    expect(getByTestId("view-engine").textContent).toContain("Docker");
    const warning = getByTestId("view-engine-insecure");
    expect(warning.textContent).toContain("Not encrypted");
    expect(warning.getAttribute("title")).toMatch(/anyone who can reach this address controls the engine/);
  });

  it("shows nothing without a known engine", () => {
    const { queryByTestId } = render(EngineTag, { context: shownEngineContext(null) });
    expect(queryByTestId("view-engine")).toBeNull();
  });

  it("appears in a main view's header", () => {
    const info = { ...engineInfo, engine_name: "remote-1" };
    const { getByTestId, container } = render(GroupsView, {
      props: { groups: [], containers: [] },
      context: shownEngineContext(info),
    });
    const tag = getByTestId("view-engine");
    expect(tag.textContent).toContain("remote-1");
    expect(container.querySelector(".toolbar")?.contains(tag)).toBe(true);
  });
});
