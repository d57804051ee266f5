/** The palette's registry: what is offered for each object, and that running an item goes
 *  through the host's functions (the same ones the buttons use). */
import { describe, expect, it, vi } from "vitest";

import { VIEWS } from "../../app/views";
import { makeInventory } from "../../dev/fixtures";
import type { ContainerSummary } from "../../ipc/containers";
import type { Group } from "../../ipc/groups";
import { rank } from "./match";
import { buildItems, type PaletteHost } from "./registry";

const inventory = makeInventory(3);
const base = inventory.containers[0]!;
const web3: ContainerSummary = { ...base, id: "a3".padEnd(64, "0"), name: "web-3", state: "running" };
const web30: ContainerSummary = { ...base, id: "b30".padEnd(64, "0"), name: "web-30", state: "running" };
const stopped: ContainerSummary = { ...base, id: "c9".padEnd(64, "0"), name: "old", state: "exited" };
const nginx = { ...inventory.images[0]!, id: "sha256:ng", short_id: "ng", tags: ["nginx:latest"] };

function host(): PaletteHost {
  return {
    go: vi.fn(),
    openContainer: vi.fn(),
    containerAction: vi.fn(),
    openImage: vi.fn(),
    launch: vi.fn(),
    runImage: vi.fn(),
    openGroup: vi.fn(),
    groupAction: vi.fn(),
  };
}

const group = (name: string, running: number, total: number): Group => ({
  kind: "launch",
  reference: { kind: "launch", group: `g-${name}` },
  key: `launch:g-${name}`,
  name,
  image: "nginx:latest",
  selector: { has: [], equal: {}, not_equal: {} },
  members: [],
  running,
  total,
  scaling: "launch_spec",
  spec: null,
});
const half = group("shop", 1, 3);
const idle = group("batch", 0, 2);
const full = group("api", 2, 2);

function build(h: PaletteHost) {
  return buildItems({ views: VIEWS, containers: [web30, web3, stopped], images: [nginx], groups: [half, idle, full] }, h);
}

describe("palette registry", () => {
  it("'stop web-3' is web-3's stop, run through the store's action", () => {
    const h = host();
    const [first] = rank("stop web-3", build(h));
    expect(first?.item.title).toBe("Stop web-3");
    first?.item.run();
    expect(h.containerAction).toHaveBeenCalledWith("stop", web3);
  });

  it("offers only the actions that apply to the container's state", () => {
    const titles = build(host()).map((i) => i.title);
    expect(titles).toContain("Start old");
    expect(titles).not.toContain("Stop old");
    expect(titles).not.toContain("Start web-3");
  });

  it("a remove says it asks, and shows its list key", () => {
    const remove = build(host()).find((i) => i.title === "Remove web-3…");
    expect(remove?.kind).toBe("container");
    expect(remove?.shortcut).toBe("Delete in the list");
  });

  it("'logs web-3' opens web-3's detail (its Logs tab)", () => {
    const h = host();
    const [first] = rank("logs web-3", build(h));
    expect(first?.item.title).toBe("Logs of web-3");
    first?.item.run();
    expect(h.openContainer).toHaveBeenCalledWith(web3);
  });

  it("'launch nginx' opens the launch dialog with the tag", () => {
    const h = host();
    const [first] = rank("launch nginx", build(h));
    expect(first?.item.title).toBe("Launch nginx…");
    first?.item.run();
    expect(h.launch).toHaveBeenCalledWith("nginx:latest");
  });

  it("every view is there with its shortcut where it has one", () => {
    const items = build(host()).filter((i) => i.kind === "view");
    expect(items.map((i) => i.title)).toEqual(VIEWS.map((v) => v.label));
    expect(items.find((i) => i.title === "Containers")?.shortcut).toBe("Ctrl+1");
    expect(items.find((i) => i.title === "Settings")?.shortcut).toBe("Ctrl+,");
  });

  it("'stop shop' stops the group through the host, and only what applies is offered", () => {
    const h = host();
    const [first] = rank("stop shop", build(h));
    expect(first?.item.title).toBe("Stop group shop");
    first?.item.run();
    expect(h.groupAction).toHaveBeenCalledWith(half, "stop");
    const titles = build(host()).map((i) => i.title);
    expect(titles).toEqual(expect.arrayContaining(["Start group shop", "Start group batch", "Stop group api"]));
    expect(titles).not.toContain("Stop group batch");
    expect(titles).not.toContain("Start group api");
  });

  it("item ids are unique", () => {
    const ids = build(host()).map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
