/**
 * Running container actions from anywhere in the containers view (row buttons, the
 * multi-select bar, the detail pane): one place holds the last results and the pending
 * "remove running containers?" confirmation.
 */
import { containerAction, type ActionResult, type ContainerSummary } from "../../ipc/containers";
import { toIpcError } from "../../ipc/core";
import { commandLog } from "../learn/commandLog.svelte";
import { ACTION_LABELS, needsForce, toAction, type ActionKind } from "./actions";

export interface ActionRun {
  kind: ActionKind;
  results: ActionResult[];
}

export class ContainerActions {
  busy = $state(false);
  last = $state.raw<ActionRun | null>(null);
  /** Running containers the user asked to remove: waiting for "remove anyway". */
  confirm = $state.raw<ContainerSummary[] | null>(null);

  async run(kind: ActionKind, targets: readonly ContainerSummary[], force = false, volumes = false): Promise<void> {
    if (targets.length === 0) return;
    if (kind === "remove" && !force && targets.some((c) => needsForce(c.state))) {
      this.confirm = [...targets];
      return;
    }
    this.confirm = null;
    this.busy = true;
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
      this.busy = false;
    }
  }

  dismiss(): void {
    this.last = null;
  }
}
