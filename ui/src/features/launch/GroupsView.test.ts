/**
 * The groups view shows the groups the backend found (launch groups and Compose projects),
 * scales only what can scale, and acts on a group by its reference.
 */
import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { makeInventory } from "../../dev/fixtures";
import * as ipc from "../../ipc/groups";
import type { Group } from "../../ipc/groups";
import { groupRequests } from "./groupRequests.svelte";
import GroupsView from "./GroupsView.svelte";

vi.mock("../../ipc/groups", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/groups")>()),
  groupAction: vi.fn(),
}));
const mocked = vi.mocked(ipc);

const inventory = makeInventory(8);
const [a, b] = inventory.containers;
const launch: Group = {
  kind: "launch",
  reference: { kind: "launch", group: "g1" },
  key: "launch:g1",
  name: "web-{n}",
  image: "app:1",
  selector: { has: [], equal: { "berth.group": "g1" }, not_equal: {} },
  members: [a!.id, b!.id],
  running: 2,
  total: 2,
  scaling: "launch_spec",
  spec: null,
};

describe("GroupsView", () => {
  beforeEach(() => {
    mocked.groupAction.mockReset();
    mocked.groupAction.mockResolvedValue([]);
  });

  it("lists every group found, and offers scaling only where it applies", () => {
    const groups = [launch, ...inventory.groups];
    const { getAllByTestId } = render(GroupsView, { props: { groups, containers: inventory.containers } });
    const cards = getAllByTestId("group");
    expect(cards.map((c) => c.dataset.group)).toEqual(["g1", "compose:acme"]);
    expect(cards[0]!.querySelectorAll("[data-testid=group-member]")).toHaveLength(2);
    expect(cards[0]!.querySelector("[data-testid=group-scale]")).not.toBeNull();
    expect(cards[1]!.querySelector("[data-testid=group-scale]")).toBeNull();
  });

  it("acts on a Compose project by its reference", async () => {
    const { getAllByTestId } = render(GroupsView, { props: { groups: inventory.groups, containers: inventory.containers } });
    await fireEvent.click(getAllByTestId("group-stop")[0]!);
    expect(mocked.groupAction).toHaveBeenCalledWith({ kind: "compose_project", project: "acme" }, "stop", { removeVolumes: false });
  });

  it("runs a Stop asked for in the command palette as its button would, once", async () => {
    groupRequests.ask(launch.key, "stop");
    const { getAllByTestId } = render(GroupsView, { props: { groups: [launch], containers: inventory.containers } });
    await waitFor(() => expect(mocked.groupAction).toHaveBeenCalledWith({ kind: "launch", group: "g1" }, "stop", { removeVolumes: false }));
    expect(groupRequests.pending).toBeNull();
    expect(getAllByTestId("group")).toHaveLength(1);
    expect(mocked.groupAction).toHaveBeenCalledTimes(1);
  });

  it("Remove all names every member and asks first; Cancel (focused) and Escape remove nothing", async () => {
    const { getAllByTestId, getByTestId, queryByTestId } = render(GroupsView, {
      props: { groups: [launch], containers: inventory.containers },
    });
    await fireEvent.click(getAllByTestId("group-remove")[0]!);
    expect(mocked.groupAction).not.toHaveBeenCalled();
    const dialog = getByTestId("group-remove-confirm");
    const members = [a!.name, b!.name];
    expect(getAllByTestId("group-remove-confirm-name").map((e) => e.textContent)).toEqual(members);
    expect(getByTestId("group-remove-confirm-keeps").textContent).toMatch(/^Volumes stay/);
    expect(document.activeElement).toBe(getByTestId("group-remove-confirm-cancel"));
    await fireEvent.keyDown(window, { key: "Escape" });
    expect(queryByTestId("group-remove-confirm")).toBeNull();
    expect(dialog.isConnected).toBe(false);

    await fireEvent.click(getAllByTestId("group-remove")[0]!);
    await fireEvent.click(getByTestId("group-remove-confirm-cancel"));
    expect(queryByTestId("group-remove-confirm")).toBeNull();
    expect(mocked.groupAction).not.toHaveBeenCalled();

    await fireEvent.click(getAllByTestId("group-remove")[0]!);
    await fireEvent.click(getByTestId("group-remove-confirm-volumes"));
    expect(getByTestId("group-remove-confirm-command").textContent).toBe(members.map((n) => `docker rm -f -v ${n}`).join("\n"));
    await fireEvent.click(getByTestId("group-remove-confirm-go"));
    expect(mocked.groupAction).toHaveBeenCalledWith({ kind: "launch", group: "g1" }, "remove", { removeVolumes: true });
  });

  it("opens a member's detail and, with no groups, links to Images", async () => {
    const onopencontainer = vi.fn();
    const onimages = vi.fn();
    const one = render(GroupsView, { props: { groups: [launch], containers: inventory.containers, onopencontainer, onimages } });
    await fireEvent.click(one.getAllByTestId("group-member-open")[1]!);
    expect(onopencontainer).toHaveBeenCalledWith(b!.id);
    one.unmount();
    const none = render(GroupsView, { props: { groups: [], containers: [], onopencontainer, onimages } });
    await fireEvent.click(none.getByTestId("groups-empty-images"));
    expect(onimages).toHaveBeenCalled();
  });
});
