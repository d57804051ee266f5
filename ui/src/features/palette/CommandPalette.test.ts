/** The palette as a user meets it: Ctrl+K opens it with the focus in its field, the arrows
 *  move the highlight, Enter runs the highlighted item, Escape closes and gives focus back. */
import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";

import { Shell } from "../../app/shell.svelte";
import { makeInventory } from "../../dev/fixtures";
import { containerActions } from "../containers/actionsStore.svelte";
import CommandPalette from "./CommandPalette.svelte";
import { palette } from "./palette.svelte";

const inventory = makeInventory(4);
const [first] = inventory.containers;

afterEach(() => {
  palette.open = false;
  vi.restoreAllMocks();
});

function setup() {
  const shell = new Shell();
  const outside = document.createElement("button");
  document.body.append(outside);
  outside.focus();
  const result = render(CommandPalette, { shell, inventory });
  return { shell, outside, ...result };
}

describe("CommandPalette", () => {
  it("Ctrl+K opens it with the focus in the field; Escape closes it and gives the focus back", async () => {
    const { getByTestId, queryByTestId, outside } = setup();
    await fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    const input = getByTestId("palette-input");
    await waitFor(() => expect(document.activeElement).toBe(input));
    await fireEvent.keyDown(input, { key: "Escape" });
    expect(queryByTestId("palette")).toBeNull();
    expect(document.activeElement).toBe(outside);
  });

  it("arrows move the highlight and Enter runs it: a view", async () => {
    const { getByTestId, getAllByTestId, shell } = setup();
    await fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    const input = getByTestId("palette-input");
    await fireEvent.input(input, { target: { value: "images" } });
    await waitFor(() => expect(getAllByTestId("palette-item")[0]?.dataset.id).toBe("view:images"));
    expect(getAllByTestId("palette-item")[0]?.getAttribute("aria-selected")).toBe("true");
    await fireEvent.keyDown(input, { key: "ArrowDown" });
    await fireEvent.keyDown(input, { key: "ArrowUp" });
    expect(input.getAttribute("aria-activedescendant")).toBe(getAllByTestId("palette-item")[0]?.id);
    await fireEvent.keyDown(input, { key: "Enter" });
    expect(shell.view).toBe("images");
  });

  it("a container's action goes through the containers store, from the containers view", async () => {
    const run = vi.spyOn(containerActions, "run").mockResolvedValue();
    const { getByTestId, shell } = setup();
    shell.view = "settings";
    await fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    const input = getByTestId("palette-input");
    const verb = first!.state === "running" ? "stop" : "start";
    await fireEvent.input(input, { target: { value: `${verb} ${first!.name}` } });
    await fireEvent.keyDown(input, { key: "Enter" });
    expect(shell.view).toBe("containers");
    expect(run).toHaveBeenCalledWith(verb, [first]);
  });

  it("Ctrl+2 goes to the second view; nothing happens while another dialog is open", async () => {
    const { shell } = setup();
    await fireEvent.keyDown(window, { key: "2", ctrlKey: true });
    expect(shell.view).toBe("images");
    const modal = document.createElement("div");
    modal.setAttribute("aria-modal", "true");
    document.body.append(modal);
    await fireEvent.keyDown(window, { key: "1", ctrlKey: true });
    expect(shell.view).toBe("images");
    modal.remove();
  });
});
