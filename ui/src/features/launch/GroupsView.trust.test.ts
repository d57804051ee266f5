/**
 * Issue #13 in the groups view: a launch group this Berth did not launch is shown for review
 * (host paths marked), cannot be scaled, and is adopted through a confirm; scaling down names
 * the replicas that go and removes their volumes only when asked.
 */
import { fireEvent, render, waitFor, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { makeInventory } from "../../dev/fixtures";
import * as ipc from "../../ipc/groups";
import type { Group, LaunchSpec, ScaleOutcome } from "../../ipc/groups";
import GroupsView from "./GroupsView.svelte";

vi.mock("../../ipc/groups", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/groups")>()),
  groupAction: vi.fn(),
  adoptGroup: vi.fn(),
  scaleGroup: vi.fn(),
}));
vi.mock("../../ipc/learn", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/learn")>()),
  dockerCommands: vi.fn().mockResolvedValue([]),
}));
const mocked = vi.mocked(ipc);

const inventory = makeInventory(8);
const [a, b, c] = inventory.containers;

const spec: LaunchSpec = {
  image: "evil/tool:latest",
  name_pattern: "tool-{n}",
  command: ["sh", "-c", "sleep 1d"],
  env: ["TOKEN=s3cret", "MODE=fast"],
  ports: [{ host_ip: null, host_port: 8080, container_port: 80, protocol: "tcp" }],
  volumes: [
    { source: { kind: "bind", source: "/" }, target: "/host", read_only: false },
    { source: { kind: "per_replica", source: "data-{n}" }, target: "/data", read_only: false },
  ],
  labels: {},
  restart: { name: "no" },
  memory: null,
  nano_cpus: null,
  network: null,
  auto_remove: false,
};

function launchGroup(over: Partial<Group>): Group {
  return {
    kind: "launch",
    reference: { kind: "launch", group: "g1" },
    key: "launch:g1",
    name: "tool-{n}",
    image: spec.image,
    selector: { has: [], equal: { "berth.group": "g1" }, not_equal: {} },
    members: [a!.id, b!.id, c!.id],
    running: 3,
    total: 3,
    scaling: "launch_spec",
    spec,
    trust: { kind: "verified", adopted: false },
    ...over,
  };
}

const foreign = launchGroup({ scaling: "adopt_first", trust: { kind: "foreign", reason: "no_seal" } });
const noBinds = { ...spec, volumes: spec.volumes.filter((v) => v.source.kind !== "bind") };

function scaled(out: Partial<ScaleOutcome> = {}) {
  return { done: Promise.resolve({ launch: null, removed: [], errors: [], ...out }), stop: vi.fn() };
}

describe("GroupsView: groups this Berth did not launch", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    mocked.groupAction.mockResolvedValue([]);
    mocked.adoptGroup.mockResolvedValue({ group: "g1", spec, binds: ["/:/host"] });
    mocked.scaleGroup.mockReturnValue(scaled());
  });

  it("says so in plain words, shows the spec with host paths marked, and offers no scaling", () => {
    const { getByTestId } = render(GroupsView, { props: { groups: [foreign], containers: inventory.containers } });
    const card = getByTestId("group");
    expect(card.dataset.trust).toBe("foreign");
    const box = getByTestId("group-foreign");
    expect(box.textContent).toContain("Not launched by this Berth");
    expect(box.textContent).toContain("no seal from this Berth");
    const review = getByTestId("group-foreign-spec").textContent ?? "";
    for (const part of ["evil/tool:latest", "sh -c sleep 1d", "TOKEN, MODE", "8080:80/tcp"]) expect(review).toContain(part);
    // Names only: a value can be a secret.
    expect(review).not.toContain("s3cret");
    const volumes = within(box).getAllByTestId("group-foreign-volume");
    expect(volumes.map((v) => [v.dataset.kind, v.classList.contains("bind")])).toEqual([
      ["bind", true],
      ["per_replica", false],
    ]);
    expect(volumes[0]!.textContent).toContain("/:/host");
    expect(card.querySelector("[data-testid=group-scale]")).toBeNull();
    expect(card.querySelector("[data-testid=group-scale-input]")).toBeNull();
  });

  it("adopts only after the host paths are confirmed, then offers scaling", async () => {
    const { getByTestId, queryByTestId } = render(GroupsView, { props: { groups: [foreign], containers: inventory.containers } });
    await fireEvent.click(getByTestId("group-adopt"));
    const dialog = getByTestId("adopt-confirm");
    expect(within(dialog).getAllByTestId("adopt-confirm-bind").map((e) => e.textContent)).toEqual(["/:/host"]);
    const go = within(dialog).getByTestId("adopt-confirm-go") as HTMLButtonElement;
    expect(go.disabled).toBe(true);
    await fireEvent.click(within(dialog).getByTestId("adopt-confirm-reviewed"));
    expect(go.disabled).toBe(false);
    await fireEvent.click(go);
    expect(mocked.adoptGroup).toHaveBeenCalledWith({ kind: "launch", group: "g1" }, true);
    await waitFor(() => expect(queryByTestId("adopt-confirm")).toBeNull());
    expect(queryByTestId("group-foreign")).toBeNull();
    expect(getByTestId("group").dataset.trust).toBe("verified");
    expect(getByTestId("group-scale")).not.toBeNull();
    expect(getByTestId("group-adopted").textContent).toBe("adopted");
  });

  it("adopts a group without host paths with no checkbox, and shows a refusal in the dialog", async () => {
    mocked.adoptGroup.mockRejectedValueOnce({ kind: "invalid_input", message: "the launch settings are unreadable" });
    const g = { ...foreign, spec: noBinds, trust: { kind: "foreign", reason: "spec_changed" } } satisfies Group;
    const { getByTestId, queryByTestId } = render(GroupsView, { props: { groups: [g], containers: inventory.containers } });
    expect(getByTestId("group-foreign").textContent).toContain("changed after it was launched");
    await fireEvent.click(getByTestId("group-adopt"));
    expect(queryByTestId("adopt-confirm-reviewed")).toBeNull();
    await fireEvent.click(getByTestId("adopt-confirm-go"));
    expect(mocked.adoptGroup).toHaveBeenCalledWith({ kind: "launch", group: "g1" }, false);
    const error = await waitFor(() => getByTestId("adopt-confirm-error"));
    expect(error.textContent).toContain("unreadable");
    expect(getByTestId("group-foreign")).not.toBeNull();
    expect(queryByTestId("group-scale")).toBeNull();
  });

  it("shows nothing new for a group this Berth launched", () => {
    const { getByTestId, queryByTestId } = render(GroupsView, {
      props: { groups: [launchGroup({})], containers: inventory.containers },
    });
    expect(queryByTestId("group-foreign")).toBeNull();
    expect(queryByTestId("group-adopted")).toBeNull();
    expect(getByTestId("group-scale")).not.toBeNull();
  });
});

describe("GroupsView: scaling down", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    mocked.scaleGroup.mockReturnValue(scaled({ removed: [b!.name, c!.name] }));
  });

  it("names the replicas that go and keeps their volumes unless ticked", async () => {
    const { getByTestId, queryByTestId } = render(GroupsView, {
      props: { groups: [launchGroup({})], containers: inventory.containers },
    });
    await fireEvent.input(getByTestId("group-scale-input"), { target: { value: "1" } });
    await fireEvent.click(getByTestId("group-scale"));
    const dialog = getByTestId("scale-down-confirm");
    expect(within(dialog).getAllByTestId("scale-down-confirm-name").map((e) => e.textContent)).toEqual([b!.name, c!.name]);
    expect((within(dialog).getByTestId("scale-down-confirm-volumes") as HTMLInputElement).checked).toBe(false);
    expect(mocked.scaleGroup).not.toHaveBeenCalled();

    await fireEvent.click(within(dialog).getByTestId("scale-down-confirm-go"));
    expect(queryByTestId("scale-down-confirm")).toBeNull();
    expect(mocked.scaleGroup).toHaveBeenCalledWith("g1", 1, expect.any(Function), { removeVolumes: false });
  });

  it("passes removeVolumes when ticked, and does nothing when cancelled", async () => {
    const { getByTestId, queryByTestId } = render(GroupsView, {
      props: { groups: [launchGroup({})], containers: inventory.containers },
    });
    await fireEvent.input(getByTestId("group-scale-input"), { target: { value: "2" } });
    await fireEvent.click(getByTestId("group-scale"));
    await fireEvent.click(getByTestId("scale-down-confirm-close"));
    expect(queryByTestId("scale-down-confirm")).toBeNull();
    expect(mocked.scaleGroup).not.toHaveBeenCalled();

    await fireEvent.click(getByTestId("group-scale"));
    expect(getByTestId("scale-down-confirm").textContent).toContain(c!.name);
    await fireEvent.click(getByTestId("scale-down-confirm-volumes"));
    await fireEvent.click(getByTestId("scale-down-confirm-go"));
    expect(mocked.scaleGroup).toHaveBeenCalledWith("g1", 2, expect.any(Function), { removeVolumes: true });
  });

  it("scales up without asking", async () => {
    mocked.scaleGroup.mockReturnValue(scaled());
    const { getByTestId, queryByTestId } = render(GroupsView, {
      props: { groups: [launchGroup({})], containers: inventory.containers },
    });
    await fireEvent.input(getByTestId("group-scale-input"), { target: { value: "5" } });
    await fireEvent.click(getByTestId("group-scale"));
    expect(queryByTestId("scale-down-confirm")).toBeNull();
    expect(mocked.scaleGroup).toHaveBeenCalledWith("g1", 5, expect.any(Function), { removeVolumes: false });
  });
});
