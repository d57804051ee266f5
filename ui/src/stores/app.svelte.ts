/**
 * The app's live state: engine status and inventory, kept fresh by backend events (no polling).
 *
 * - `engine-status` events replace the status; becoming `connected` refetches the inventory.
 * - `inventory-changed` events refetch it too, coalesced: never two fetches at once, and an
 *   invalidation that arrives mid-fetch always gets a fetch after it.
 * - `ui_ready` is sent exactly once, after the first real screen (the lists, or the engine
 *   problem screen) has been painted, so the backend can show the hidden window.
 */
import {
  engineStatus,
  inventory as fetchInventory,
  onEngineStatus,
  onInventoryChanged,
  uiReady,
  type EngineProblem,
  type EngineStatus,
  type Inventory,
  type UiPainted,
} from "../ipc/commands";
import { toIpcError, type IpcError, type Unsubscribe } from "../ipc/core";
import { afterPaint } from "../lib/afterPaint";
import { coalesce, type Coalescer } from "../lib/coalesce";
import { isUp } from "../lib/format";

/** What fills the main pane. */
export type Screen =
  /** Waiting for the first status or first inventory. */
  | { kind: "loading"; endpoint: string | null }
  /** The engine can't be used; shows the last known problem while reconnecting. */
  | { kind: "problem"; problem: ShownProblem; retrying: boolean }
  /** Connected but the first inventory fetch failed for another reason. */
  | { kind: "error"; error: IpcError }
  /** The lists. `stale` when they show the last known data while the engine is away. */
  | { kind: "inventory"; inventory: Inventory; stale: boolean };

/** An engine problem, or Berth failing to ask its own backend (`internal`). */
export type ShownProblem = Omit<EngineProblem, "kind"> & { kind: EngineProblem["kind"] | "internal" };

/** If no real screen shows up in this long (a backend stuck connecting), show the window anyway. */
export const READY_DEADLINE_MS = 8000;

export class AppState {
  status = $state<EngineStatus | null>(null);
  inventory = $state.raw<Inventory | null>(null);
  /** The last inventory fetch failed with this; cleared by the next success. */
  fetchError = $state.raw<IpcError | null>(null);
  /** The last problem seen since the engine was last connected. */
  lastProblem = $state.raw<ShownProblem | null>(null);

  readonly counts = $derived.by(() => {
    const containers = this.inventory?.containers;
    if (!containers) return null;
    let running = 0;
    for (const c of containers) if (isUp(c.state)) running++;
    return { running, total: containers.length };
  });

  readonly screen: Screen = $derived.by((): Screen => {
    const status = this.status;
    const inv = this.inventory;
    if (status?.state === "unavailable") {
      return { kind: "problem", problem: status.problem, retrying: false };
    }
    if (status?.state === "connecting" && this.lastProblem) {
      return { kind: "problem", problem: this.lastProblem, retrying: true };
    }
    if (status === null && this.lastProblem) {
      return { kind: "problem", problem: this.lastProblem, retrying: false };
    }
    if (inv) {
      const stale = status?.state !== "connected" || this.fetchError?.kind === "unavailable";
      return { kind: "inventory", inventory: inv, stale };
    }
    if (status?.state === "connected" && this.fetchError) return { kind: "error", error: this.fetchError };
    return { kind: "loading", endpoint: status?.state === "connecting" ? status.endpoint : null };
  });

  #refetch: Coalescer = coalesce(() => this.#load());
  #unsubscribe: Unsubscribe[] = [];
  #statusEvents = 0;
  #readySent = false;
  #readyTimer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  /** Subscribes to backend events, then reads the current status. Undo with `stop()`. */
  async start(): Promise<void> {
    this.#readyTimer = setTimeout(() => void this.#reportReady(true), READY_DEADLINE_MS);
    await this.#connect();
  }

  /** After Berth failed to reach its own backend: subscribe and read the status again. */
  async retry(): Promise<void> {
    this.lastProblem = null;
    await this.#connect();
  }

  async #connect(): Promise<void> {
    if (this.#unsubscribe.length === 0) {
      try {
        // Subscribe first so no change between the status read and the subscription is lost.
        const subs = await Promise.all([
          onEngineStatus((s) => {
            this.#statusEvents++;
            this.#applyStatus(s);
          }),
          onInventoryChanged(() => this.#inventoryChanged()),
        ]);
        if (this.#stopped) subs.forEach((u) => u());
        else this.#unsubscribe = subs;
      } catch (e) {
        console.error("berth: could not subscribe to engine events", e);
      }
    }

    const eventsBefore = this.#statusEvents;
    let status: EngineStatus;
    try {
      status = await engineStatus();
    } catch (e) {
      this.#showInternalProblem(toIpcError(e));
      return;
    }
    // An event that arrived while the call was in flight is newer than its answer.
    if (this.#statusEvents === eventsBefore) this.#applyStatus(status);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#readyTimer);
    this.#unsubscribe.forEach((u) => u());
    this.#unsubscribe = [];
  }

  /**
   * A change on the engine. While the window is hidden (in the tray) the lists are not read
   * (issue #17: hidden costs neither Berth nor the engine anything); they are read once when
   * it shows again.
   */
  #inventoryChanged(): void {
    if (typeof document === "undefined" || document.visibilityState !== "hidden") {
      void this.refresh();
      return;
    }
    if (this.#missedWhileHidden) return;
    this.#missedWhileHidden = true;
    const shown = () => {
      if (document.visibilityState === "hidden") return;
      document.removeEventListener("visibilitychange", shown);
      this.#missedWhileHidden = false;
      void this.refresh();
    };
    document.addEventListener("visibilitychange", shown);
  }
  #missedWhileHidden = false;

  /** Fetches the inventory now, or right after the fetch in flight. */
  refresh(): Promise<void> {
    return this.#refetch.request();
  }

  #applyStatus(next: EngineStatus): void {
    const wasConnected = this.status?.state === "connected";
    this.status = next;
    switch (next.state) {
      case "connected":
        this.lastProblem = null;
        if (!wasConnected || !this.inventory) void this.refresh();
        break;
      case "unavailable":
        this.lastProblem = next.problem;
        void this.#reportReady();
        break;
      case "connecting":
        break;
    }
  }

  async #load(): Promise<void> {
    try {
      const inv = await fetchInventory();
      this.inventory = inv;
      this.fetchError = null;
    } catch (e) {
      this.fetchError = toIpcError(e);
    }
    void this.#reportReady();
  }

  #showInternalProblem(error: IpcError): void {
    this.lastProblem = {
      kind: "internal",
      endpoint: "",
      message: `Berth could not read the engine status: ${error.message}`,
      hint: "Restart Berth. If it keeps happening, please report it with the message above.",
    };
    void this.#reportReady();
  }

  /** Sends `ui_ready` once, after the screen that is showing has been painted. */
  async #reportReady(evenIfLoading = false): Promise<void> {
    if (this.#readySent || this.#stopped) return;
    if (this.screen.kind === "loading" && !evenIfLoading) return;
    this.#readySent = true;
    clearTimeout(this.#readyTimer);
    await afterPaint();
    const screen = this.screen;
    const painted: UiPainted = screen.kind === "inventory" ? "inventory" : "problem";
    const containers = screen.kind === "inventory" ? screen.inventory.containers.length : 0;
    try {
      await uiReady(painted, containers);
    } catch (e) {
      console.error("berth: ui_ready failed", e);
    }
  }
}
