/**
 * The app against mocked `src/ipc` modules (never Tauri itself): startup, `ui_ready`, events, views.
 */
import { fireEvent, render, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import App from "./App.svelte";
import { engineInfo, makeInventory, problem } from "./dev/fixtures";
import * as commands from "./ipc/commands";
import type { EngineStatus, Inventory } from "./ipc/commands";
import * as containers from "./ipc/containers";
import type { IpcError } from "./ipc/core";
import * as stats from "./ipc/stats";
import type { Stream } from "./ipc/stream";
import { UP_STATES } from "./lib/format";

vi.mock("./ipc/commands", async (importOriginal) => ({
  ...(await importOriginal<typeof import("./ipc/commands")>()),
  engineStatus: vi.fn(),
  inventory: vi.fn(),
  uiReady: vi.fn(),
  onEngineStatus: vi.fn(),
  onInventoryChanged: vi.fn(),
  onTrayOpenLogs: vi.fn(),
}));
vi.mock("./ipc/containers", async (importOriginal) => ({
  ...(await importOriginal<typeof import("./ipc/containers")>()),
  containerLogs: vi.fn(),
}));
vi.mock("./ipc/stats", async (importOriginal) => ({
  ...(await importOriginal<typeof import("./ipc/stats")>()),
  watchStats: vi.fn(),
}));

const mocked = { ...vi.mocked(commands), ...vi.mocked(containers), ...vi.mocked(stats) };
/** A stream that has nothing to say and ends when stopped. */
const quiet = (): Stream<void> => ({ done: Promise.resolve(), stop: vi.fn(async () => true) });
const connected: EngineStatus = { state: "connected", info: engineInfo };
const unavailable = (kind: Parameters<typeof problem>[0] = "unreachable"): EngineStatus => ({
  state: "unavailable",
  problem: problem(kind),
});

let emitStatus: (s: EngineStatus) => void;
let emitInventoryChanged: () => void;
let emitTrayOpenLogs: (id: string) => void;

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

beforeEach(() => {
  vi.resetAllMocks();
  mocked.uiReady.mockResolvedValue(undefined);
  mocked.onEngineStatus.mockImplementation(async (h) => {
    emitStatus = h;
    return () => {};
  });
  mocked.onInventoryChanged.mockImplementation(async (h) => {
    emitInventoryChanged = h;
    return () => {};
  });
  mocked.containerLogs.mockImplementation(quiet);
  mocked.watchStats.mockImplementation(quiet);
  mocked.onTrayOpenLogs.mockImplementation(async (h) => {
    emitTrayOpenLogs = h;
    return () => {};
  });
});

afterEach(() => {
  vi.useRealTimers();
});

/** Waits a little longer than afterPaint's frame fallback, to see that nothing more happens. */
const settle = () => new Promise((r) => setTimeout(r, 250));

describe("startup and ui_ready", () => {
  it("engine up: shows the containers view first, then calls ui_ready('inventory', n) exactly once", async () => {
    mocked.engineStatus.mockResolvedValue(connected);
    mocked.inventory.mockResolvedValue(makeInventory(30));
    let rowsWhenReady = -1;
    mocked.uiReady.mockImplementation(async () => {
      rowsWhenReady = document.querySelectorAll("[data-testid=container-row]").length;
    });
    const { getByTestId } = render(App);

    await waitFor(() => expect(mocked.uiReady).toHaveBeenCalledWith("inventory", 30));
    // Painted before reporting: the rows were in the DOM when ui_ready went out.
    expect(rowsWhenReady).toBe(30);
    expect(getByTestId("tab-containers").getAttribute("aria-current")).toBe("page");

    // More events must not report again.
    emitInventoryChanged();
    emitStatus(connected);
    await settle();
    expect(mocked.uiReady).toHaveBeenCalledTimes(1);
  });

  it("engine down at start: shows the problem screen and calls ui_ready('problem', 0) exactly once", async () => {
    mocked.engineStatus.mockResolvedValue(unavailable("permission_denied"));
    let kindWhenReady: string | undefined;
    mocked.uiReady.mockImplementation(async () => {
      kindWhenReady = document.querySelector<HTMLElement>("[data-testid=engine-problem]")?.dataset.kind;
    });
    const { getByTestId } = render(App);

    await waitFor(() => expect(mocked.uiReady).toHaveBeenCalledWith("problem", 0));
    expect(kindWhenReady).toBe("permission_denied");
    expect(getByTestId("engine-status").dataset.state).toBe("unavailable");
    expect(mocked.inventory).not.toHaveBeenCalled();

    // Coming back later must not report again, but must bring the lists.
    mocked.inventory.mockResolvedValue(makeInventory(5));
    emitStatus(connected);
    await waitFor(() => expect(document.querySelectorAll("[data-testid=container-row]")).toHaveLength(5));
    await settle();
    expect(mocked.uiReady).toHaveBeenCalledTimes(1);
  });

  it("first inventory fetch fails: still calls ui_ready once (as 'problem') and says what went wrong", async () => {
    mocked.engineStatus.mockResolvedValue(connected);
    mocked.inventory.mockRejectedValue({ kind: "internal", message: "json: unexpected EOF" } satisfies IpcError);
    const { findByTestId } = render(App);

    const error = await findByTestId("inventory-error");
    expect(error.textContent).toContain("json: unexpected EOF");
    await waitFor(() => expect(mocked.uiReady).toHaveBeenCalledWith("problem", 0));
    await settle();
    expect(mocked.uiReady).toHaveBeenCalledTimes(1);
  });

  it("engine_status itself failing is shown as a problem, never a blank page", async () => {
    mocked.engineStatus.mockRejectedValue({ kind: "internal", message: "command engine_status not found" });
    const { findByTestId } = render(App);
    const screen = await findByTestId("engine-problem");
    expect(screen.dataset.kind).toBe("internal");
    expect(screen.textContent).toContain("command engine_status not found");
    await waitFor(() => expect(mocked.uiReady).toHaveBeenCalledWith("problem", 0));

    // Berth can't retry by itself here, so it offers a button.
    mocked.engineStatus.mockResolvedValue(connected);
    mocked.inventory.mockResolvedValue(makeInventory(2));
    await fireEvent.click(within(screen).getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(document.querySelectorAll("[data-testid=container-row]")).toHaveLength(2));
    expect(mocked.uiReady).toHaveBeenCalledTimes(1);
  });

  it("connecting at start: waits for the outcome before reporting", async () => {
    mocked.engineStatus.mockResolvedValue({ state: "connecting", endpoint: "unix:///var/run/docker.sock" });
    const { findByTestId, getByTestId } = render(App);
    await findByTestId("engine-connecting");
    await waitFor(() => expect(getByTestId("engine-connecting").textContent).toContain("unix:///var/run/docker.sock"));
    expect(getByTestId("engine-status").dataset.state).toBe("connecting");
    await settle();
    expect(mocked.uiReady).not.toHaveBeenCalled();

    emitStatus(unavailable("unreachable"));
    await waitFor(() => expect(mocked.uiReady).toHaveBeenCalledWith("problem", 0));
    expect(mocked.uiReady).toHaveBeenCalledTimes(1);
  });

  it("a backend stuck connecting still gets ui_ready after the deadline, so the window shows", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    mocked.engineStatus.mockResolvedValue({ state: "connecting", endpoint: "unix:///var/run/docker.sock" });
    render(App);
    await vi.advanceTimersByTimeAsync(7000);
    expect(mocked.uiReady).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1500);
    expect(mocked.uiReady).toHaveBeenCalledTimes(1);
    expect(mocked.uiReady).toHaveBeenCalledWith("problem", 0);
  });

  it("a status event that arrives before engine_status answers wins over the older answer", async () => {
    const answer = deferred<EngineStatus>();
    mocked.engineStatus.mockReturnValue(answer.promise);
    mocked.inventory.mockResolvedValue(makeInventory(3));
    const { getByTestId } = render(App);
    await waitFor(() => expect(mocked.engineStatus).toHaveBeenCalled());
    emitStatus(connected);
    answer.resolve(unavailable());
    await waitFor(() => expect(mocked.uiReady).toHaveBeenCalledWith("inventory", 3));
    expect(getByTestId("engine-status").dataset.state).toBe("connected");
  });
});

describe("live updates", () => {
  it("refetches on inventory-changed, coalescing invalidations that arrive mid-fetch", async () => {
    mocked.engineStatus.mockResolvedValue(connected);
    mocked.inventory.mockResolvedValueOnce(makeInventory(2));
    const { findAllByTestId } = render(App);
    await findAllByTestId("container-row");
    await waitFor(() => expect(mocked.uiReady).toHaveBeenCalled());
    expect(mocked.inventory).toHaveBeenCalledTimes(1);

    const slow = deferred<Inventory>();
    mocked.inventory.mockReturnValueOnce(slow.promise).mockResolvedValueOnce(makeInventory(7));
    emitInventoryChanged();
    emitInventoryChanged();
    emitInventoryChanged();
    expect(mocked.inventory).toHaveBeenCalledTimes(2);
    slow.resolve(makeInventory(4));
    // One more fetch for the invalidations that came in while the slow one ran: and its data wins.
    await waitFor(() => expect(document.querySelectorAll("[data-testid=container-row]")).toHaveLength(7));
    await settle();
    expect(mocked.inventory).toHaveBeenCalledTimes(3);
  });

  it("while the window is hidden (in the tray) changes are not fetched; one fetch when it shows again", async () => {
    mocked.engineStatus.mockResolvedValue(connected);
    mocked.inventory.mockResolvedValue(makeInventory(2));
    const { findAllByTestId } = render(App);
    await findAllByTestId("container-row");
    await waitFor(() => expect(mocked.uiReady).toHaveBeenCalled());
    expect(mocked.inventory).toHaveBeenCalledTimes(1);

    const visibility = vi.spyOn(document, "visibilityState", "get").mockReturnValue("hidden");
    try {
      mocked.inventory.mockResolvedValue(makeInventory(5));
      emitInventoryChanged();
      emitInventoryChanged();
      await settle();
      expect(mocked.inventory).toHaveBeenCalledTimes(1);

      visibility.mockReturnValue("visible");
      document.dispatchEvent(new Event("visibilitychange"));
      await waitFor(() => expect(document.querySelectorAll("[data-testid=container-row]")).toHaveLength(5));
      await settle();
      expect(mocked.inventory).toHaveBeenCalledTimes(2);
    } finally {
      visibility.mockRestore();
    }
  });

  it("engine goes away: problem screen; comes back: lists refetched and shown by themselves", async () => {
    mocked.engineStatus.mockResolvedValue(connected);
    mocked.inventory.mockResolvedValue(makeInventory(3));
    const { findAllByTestId, findByTestId, queryByTestId } = render(App);
    await findAllByTestId("container-row");

    emitStatus(unavailable("unreachable"));
    expect((await findByTestId("engine-problem")).dataset.kind).toBe("unreachable");
    expect(queryByTestId("container-row")).toBeNull();

    // A retry in progress keeps the problem on screen (no flicker back to old data).
    emitStatus({ state: "connecting", endpoint: engineInfo.endpoint });
    expect((await findByTestId("engine-problem")).textContent).toContain("Reconnecting…");

    mocked.inventory.mockResolvedValue(makeInventory(4));
    emitStatus(connected);
    await waitFor(() => expect(document.querySelectorAll("[data-testid=container-row]")).toHaveLength(4));
    expect(queryByTestId("engine-problem")).toBeNull();
  });

  it("a fetch failing with `unavailable` keeps the last data, greyed, with a banner", async () => {
    mocked.engineStatus.mockResolvedValue(connected);
    mocked.inventory.mockResolvedValueOnce(makeInventory(3));
    const { findAllByTestId, findByTestId } = render(App);
    await findAllByTestId("container-row");

    mocked.inventory.mockRejectedValueOnce({ kind: "unavailable", message: "engine gone" });
    emitInventoryChanged();
    await findByTestId("stale-banner");
    expect(document.querySelectorAll("[data-testid=container-row]")).toHaveLength(3);
  });
});

describe("status bar", () => {
  it("shows engine identity and running/total counts derived from the inventory", async () => {
    mocked.engineStatus.mockResolvedValue(connected);
    const inv = makeInventory(30);
    mocked.inventory.mockResolvedValue(inv);
    const { findByTestId, getByTestId } = render(App);
    const running = inv.containers.filter((c) => UP_STATES.includes(c.state)).length;

    await waitFor(() => expect(getByTestId("count-total").textContent).toBe("30"));
    expect(getByTestId("count-running").textContent).toBe(String(running));
    const bar = await findByTestId("engine-status");
    expect(bar.dataset.state).toBe("connected");
    for (const part of ["Docker Engine - Community 20.10.24", "API 1.41", "linux/amd64", engineInfo.endpoint]) {
      expect(bar.textContent).toContain(part);
    }
    expect(bar.textContent).toContain("default socket");
  });
});

describe("containers view", () => {
  async function renderWith(count: number) {
    mocked.engineStatus.mockResolvedValue(connected);
    const inv = makeInventory(count);
    mocked.inventory.mockResolvedValue(inv);
    const utils = render(App);
    await utils.findAllByTestId("container-row");
    return { ...utils, inv };
  }

  it("rows carry the e2e attributes and readable ports (docker's form in the tooltip)", async () => {
    const { inv, getAllByTestId } = await renderWith(10);
    const c = inv.containers[0]!;
    // Rows are sorted by name: find this container's.
    const row = getAllByTestId("container-row").find((r) => r.dataset.id === c.id)!;
    expect(row.dataset.name).toBe(c.name);
    expect(row.dataset.state).toBe(c.state);
    const ports = row.querySelector<HTMLElement>("[data-testid=row-ports]")!;
    // Host port → container port in the narrow column; the link (the engine is local: loopback,
    // issue #16) names its address.
    expect(ports.textContent?.trim()).toBe("8000→80");
    const link = ports.querySelector("[data-testid=port-link]");
    expect(link?.getAttribute("data-port")).toBe("8000");
    expect(link?.getAttribute("title")).toBe("Open http://127.0.0.1:8000 in the browser");
    expect(ports.title).toBe("0.0.0.0:8000->80/tcp, [::]:8000->80/tcp");
    expect(row.textContent).toContain(c.short_id);
  });

  it("filters by text and state, and groups by image and by Compose project, with 1,000 containers", async () => {
    const { inv, getByTestId, findByTestId } = await renderWith(1000);
    // Virtualized: far fewer rows than containers in the DOM.
    expect(document.querySelectorAll("[data-testid=container-row]").length).toBeLessThan(100);

    await fireEvent.input(getByTestId("container-filter"), { target: { value: "WEB-8" } });
    const expected = inv.containers.filter((c) => c.name.includes("web-8") || c.image.includes("web-8"));
    await waitFor(() => {
      const rows = [...document.querySelectorAll<HTMLElement>("[data-testid=container-row]")];
      expect(rows.map((r) => r.dataset.name)).toEqual(expected.map((c) => c.name));
    });

    await fireEvent.change(getByTestId("state-filter"), { target: { value: "exited" } });
    await waitFor(() => {
      const rows = [...document.querySelectorAll<HTMLElement>("[data-testid=container-row]")];
      expect(rows.length).toBe(expected.filter((c) => c.state === "exited").length);
      expect(rows.every((r) => r.dataset.state === "exited")).toBe(true);
    });

    await fireEvent.input(getByTestId("container-filter"), { target: { value: "" } });
    await fireEvent.change(getByTestId("state-filter"), { target: { value: "all" } });
    await fireEvent.change(getByTestId("group-by"), { target: { value: "image" } });
    const firstGroup = await findByTestId("container-group");
    expect(firstGroup.dataset.image).toBe([...new Set(inv.containers.map((c) => c.image))].sort()[0]);
    expect(firstGroup.textContent).toMatch(/\d+ containers · \d+ running/);

    // By Compose project: the fixtures' project first (every fourth container), then the rest.
    await fireEvent.change(getByTestId("group-by"), { target: { value: "compose" } });
    const project = await findByTestId("container-project");
    const acme = inv.containers.filter((c) => c.labels["com.docker.compose.project"] === "acme");
    expect(project.dataset.project).toBe("acme");
    expect(project.textContent).toContain(`${acme.length} containers`);
    await fireEvent.click(getByTestId("container-project-open"));
    await findByTestId("compose-view");
    await fireEvent.click(getByTestId("tab-containers"));
    // The grouping is kept for the session.
    expect((getByTestId("group-by") as HTMLSelectElement).value).toBe("compose");
    await fireEvent.change(getByTestId("group-by"), { target: { value: "none" } });
  });

  it("the tray's Open logs switches to the containers view with that container's detail open", async () => {
    const { inv, getByTestId, findByTestId } = await renderWith(5);
    await fireEvent.click(getByTestId("tab-images"));
    const target = inv.containers[3]!;
    emitTrayOpenLogs(target.id);
    const detail = await findByTestId("container-detail");
    expect(detail.dataset.id).toBe(target.id);
    expect(getByTestId("container-filter")).toBeTruthy();
  });

  it("keeps the filter when switching to images and back", async () => {
    const { getByTestId } = await renderWith(30);
    await fireEvent.input(getByTestId("container-filter"), { target: { value: "cache" } });
    await fireEvent.click(getByTestId("tab-images"));
    await fireEvent.click(getByTestId("tab-containers"));
    expect((getByTestId("container-filter") as HTMLInputElement).value).toBe("cache");
    const rows = [...document.querySelectorAll<HTMLElement>("[data-testid=container-row]")];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.dataset.name?.startsWith("cache"))).toBe(true);
  });

  it("says so when nothing matches, and clears the filter on request", async () => {
    const { getByTestId, findByTestId, getByRole } = await renderWith(10);
    await fireEvent.input(getByTestId("container-filter"), { target: { value: "no-such-thing" } });
    await findByTestId("containers-no-match");
    await fireEvent.click(getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(document.querySelectorAll("[data-testid=container-row]")).toHaveLength(10));
  });

  it("greets an empty engine", async () => {
    mocked.engineStatus.mockResolvedValue(connected);
    mocked.inventory.mockResolvedValue({ containers: [], images: [], groups: [] });
    const { findByTestId, getByTestId } = render(App);
    expect((await findByTestId("containers-empty")).textContent).toContain("No containers yet");
    await fireEvent.click(getByTestId("tab-images"));
    expect((await findByTestId("images-empty")).textContent).toContain("No images yet");
  });
});

describe("images view", () => {
  it("lists every image with all tags, <none>:<none> for dangling, and the containers of the selected one", async () => {
    mocked.engineStatus.mockResolvedValue(connected);
    const inv = makeInventory(30);
    mocked.inventory.mockResolvedValue(inv);
    const { findAllByTestId, getByTestId, getAllByTestId } = render(App);
    await findAllByTestId("container-row");
    await fireEvent.click(getByTestId("tab-images"));

    const rows = await findAllByTestId("image-row");
    expect(rows.map((r) => r.dataset.id)).toEqual(inv.images.map((i) => i.id));
    inv.images.forEach((image, i) => {
      const tags = within(rows[i]!).getAllByTestId("image-tag").map((t) => t.textContent);
      expect(tags).toEqual(image.dangling ? ["<none>:<none>"] : image.tags);
      const text = rows[i]!.textContent!.replace(/\s+/g, " ");
      expect(text).toContain(`${image.containers_running} / ${image.containers_total}`);
      expect(text).toContain(image.short_id);
    });

    const nginx = inv.images[0]!;
    await fireEvent.click(rows[0]!);
    expect(rows[0]!.getAttribute("aria-selected")).toBe("true");
    const names = getAllByTestId("image-container-row").map((r) => r.dataset.name);
    expect(names).toEqual(inv.containers.filter((c) => c.image_id === nginx.id).map((c) => c.name));

    // Keyboard: arrow down moves the selection.
    await fireEvent.keyDown(rows[0]!, { key: "ArrowDown" });
    await waitFor(() => expect(getByTestId("image-detail").dataset.id).toBe(inv.images[1]!.id));
  });
});
