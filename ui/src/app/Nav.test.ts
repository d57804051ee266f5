/** The sidebar is the table of views: one tab per entry, in order, Services only in a swarm. */
import { fireEvent, render } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import { makeInventory } from "../dev/fixtures";
import Nav from "./Nav.svelte";
import { VIEWS } from "./views";

const tabs = (root: HTMLElement) => [...root.querySelectorAll("[data-testid^=tab-]")].map((b) => b.getAttribute("data-testid"));

describe("Nav", () => {
  it("lists every view of the table but Services outside a swarm", () => {
    const { container } = render(Nav, { props: { view: "containers", inventory: null } });
    expect(tabs(container)).toEqual(VIEWS.filter((v) => v.id !== "services").map((v) => `tab-${v.id}`));
  });

  it("lists Services on a swarm manager, and counts from the inventory", () => {
    const { getByTestId } = render(Nav, { props: { view: "containers", inventory: makeInventory(5), swarm: true } });
    expect(getByTestId("tab-services")).toBeTruthy();
    expect(getByTestId("tab-containers").textContent).toContain("5");
  });

  it("marks the view it switches to as the current page", async () => {
    const { getByTestId } = render(Nav, { props: { view: "containers", inventory: null } });
    await fireEvent.click(getByTestId("tab-images"));
    expect(getByTestId("tab-images").getAttribute("aria-current")).toBe("page");
    expect(getByTestId("tab-containers").getAttribute("aria-current")).toBeNull();
  });
});
