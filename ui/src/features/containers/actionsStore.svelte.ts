/**
 * Running container actions from anywhere in the containers view (row buttons, the
 * multi-select bar, the detail pane): one place holds the last results and the pending
 * "remove running containers?" confirmation.
 */
import { containerAction, type ActionResult, type ContainerSummary } from "../../ipc/containers";
import { toIpcError } from "../../ipc/core";
import { commandLog } from "../learn/commandLog.svelte";
import { ACTION_LABELS, toAction, type ActionKind } from "./actions";

export interface ActionRun {
  kind: ActionKind;
  results: ActionResult[];
}

export class ContainerActions {
  /** What each container is waiting for: busy state is per container, so a stop that takes
   *  the whole stop timeout locks only that container's buttons. */
  pending = $state.raw<ReadonlyMap<string, ActionKind>>(new Map());
  last = $state.raw<ActionRun | null>(null);
  /** Containers the user asked to remove (always asked: issue #13): waiting for a yes. */
  confirm = $state.raw<ContainerSummary[] | null>(null);

  /** `force`: the user said yes to the named list (`docker rm -f`, so one that started
   *  meanwhile goes too, as the list said). */
  async run(kind: ActionKind, targets: readonly ContainerSummary[], force = false, volumes = false): Promise<void> {
    if (targets.length === 0) return;
    // Every remove asks first, even of one stopped container: its writable layer (and the
    // data in it) goes too (issue #13: nothing destroyed unasked).
    if (kind === "remove" && !force) {
      this.confirm = [...targets];
      return;
    }
    this.confirm = null;
    const ids = targets.map((c) => c.id);
    this.mark(ids, kind);
    try {
      const results = await containerAction(
        targets.map((c) => c.id),
        toAction(kind, force, volumes),
      );
      this.last = { kind, results };
      commandLog.recordEach(
        ACTION_LABELS[kind],
        results.map((r) => ({ line: r.command, ok: r.error === null })),
      );
    } catch (e) {
      const error = toIpcError(e);
      this.last = {
        kind,
        results: targets.map((c) => ({
          target: c.id,
          name: c.name,
          command: "",
          error: error.message,
          conflict: false,
        })),
      };
    } finally {
      this.unmark(ids, kind);
    }
  }

  /** The action `id` is waiting for, if any. */
  busyWith(id: string): ActionKind | undefined {
    return this.pending.get(id);
  }

  /** Whether any of `targets` is waiting for an action. */
  anyBusy(targets: readonly ContainerSummary[]): boolean {
    return targets.some((c) => this.pending.has(c.id));
  }

  private mark(ids: readonly string[], kind: ActionKind): void {
    const next = new Map(this.pending);
    for (const id of ids) next.set(id, kind);
    this.pending = next;
  }

  /** Only this run's mark goes: a "kill now" started during a stop keeps its own. */
  private unmark(ids: readonly string[], kind: ActionKind): void {
    const next = new Map(this.pending);
    for (const id of ids) if (next.get(id) === kind) next.delete(id);
    this.pending = next;
  }

  dismiss(): void {
    this.last = null;
  }
}

/** The one store of container actions: the containers view's buttons and the command palette
 *  share it, so a palette's "stop web-3" marks the row and shows its result like a click. */
export const containerActions = new ContainerActions();
