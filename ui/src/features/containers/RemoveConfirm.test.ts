import { fireEvent, render } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";

import * as ipc from "../../ipc/containers";
import { makeInventory } from "../../dev/fixtures";
import { forceRemoveLine } from "./actions";
import { ContainerActions } from "./actionsStore.svelte";
import RemoveConfirm from "./RemoveConfirm.svelte";

vi.mock("../../ipc/containers", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../ipc/containers")>();
  return { ...actual, containerAction: vi.fn() };
});
const mocked = vi.mocked(ipc);

function runningPair() {
  const [a, b] = makeInventory(4).containers;
  if (!a || !b) throw new Error("fixture has containers");
  return [
    { ...a, name: "web-1", state: "running" as const },
    { ...b, name: "web-2", state: "running" as const },
  ];
}

describe("RemoveConfirm (issue #7: docker rm -v)", () => {
  beforeEach(() => {
    mocked.containerAction.mockReset();
    mocked.containerAction.mockResolvedValue([]);
  });

  it("renders the forced remove line with -v only when asked", () => {
    expect(forceRemoveLine("web-1", false)).toBe("docker rm -f web-1");
    expect(forceRemoveLine("web-1", true)).toBe("docker rm -f -v web-1");
  });

  it("the checkbox adds -v to the shown commands and to the action sent", async () => {
    const targets = runningPair();
    const actions = new ContainerActions();
    await actions.run("remove", targets);
    expect(actions.confirm).toHaveLength(2);
    expect(mocked.containerAction).not.toHaveBeenCalled();

    const { getByTestId } = render(RemoveConfirm, { actions });
    const box = getByTestId("remove-confirm-volumes") as HTMLInputElement;
    expect(box.checked).toBe(false);
    expect(getByTestId("remove-confirm-command").textContent).toBe("docker rm -f web-1\ndocker rm -f web-2");

    await fireEvent.click(box);
    expect(getByTestId("remove-confirm-command").textContent).toBe("docker rm -f -v web-1\ndocker rm -f -v web-2");

    await fireEvent.click(getByTestId("remove-confirm-force"));
    expect(mocked.containerAction).toHaveBeenCalledWith(
      targets.map((c) => c.id),
      { kind: "remove", force: true, volumes: true },
    );
  });

  it("without the checkbox, anonymous volumes are kept", async () => {
    const targets = runningPair();
    const actions = new ContainerActions();
    await actions.run("remove", targets);
    const { getByTestId } = render(RemoveConfirm, { actions });
    await fireEvent.click(getByTestId("remove-confirm-force"));
    expect(mocked.containerAction).toHaveBeenCalledWith(
      targets.map((c) => c.id),
      { kind: "remove", force: true, volumes: false },
    );
  });

  it("removing several stopped containers names each one and asks; so does one stopped container", async () => {
    const [a, b, c] = makeInventory(6).containers;
    const stopped = [a!, b!, c!].map((x, i) => ({ ...x, name: `old-${i + 1}`, state: "exited" as const }));
    const actions = new ContainerActions();
    await actions.run("remove", stopped);
    expect(mocked.containerAction).not.toHaveBeenCalled();
    const { getAllByTestId, getByTestId } = render(RemoveConfirm, { actions });
    expect(getAllByTestId("remove-confirm-name").map((e) => e.textContent)).toEqual(["old-1", "old-2", "old-3"]);
    expect(getByTestId("remove-confirm-keeps").textContent).toMatch(/^Volumes stay/);
    expect(document.activeElement).toBe(getByTestId("remove-confirm-cancel"));
    await fireEvent.click(getByTestId("remove-confirm-cancel"));
    expect(actions.confirm).toBeNull();
    expect(mocked.containerAction).not.toHaveBeenCalled();

    // One stopped container takes its writable layer along: named and asked too.
    await actions.run("remove", [stopped[0]!]);
    expect(actions.confirm?.map((x) => x.name)).toEqual(["old-1"]);
    expect(mocked.containerAction).not.toHaveBeenCalled();
  });

  it("asks before any remove, whatever the state, and does nothing for no targets", async () => {
    const [a, b] = makeInventory(6).containers;
    for (const targets of [
      [{ ...a!, state: "exited" as const }],
      [{ ...a!, state: "created" as const }],
      [{ ...a!, state: "running" as const }, { ...b!, state: "exited" as const }],
    ]) {
      const actions = new ContainerActions();
      await actions.run("remove", targets);
      expect(actions.confirm?.map((x) => x.id)).toEqual(targets.map((x) => x.id));
    }
    const actions = new ContainerActions();
    await actions.run("remove", []);
    expect(actions.confirm).toBeNull();
    expect(mocked.containerAction).not.toHaveBeenCalled();
  });
});
