/**
 * A group's Start or Stop asked for outside the Groups view (the command palette). The Groups
 * view runs it through its own buttons' path (the busy label, the note, the docker commands in
 * the command log) and clears it, so there is one way a group action happens.
 */
import type { GroupAction } from "../../ipc/groups";

/** The palette offers what needs no confirmation; Remove opens the group, where it asks. */
export type RequestedAction = Extract<GroupAction, "start" | "stop">;

class GroupRequests {
  /** One at a time: a newer request replaces one the view has not taken yet. */
  pending = $state.raw<{ key: string; action: RequestedAction } | null>(null);

  ask(key: string, action: RequestedAction): void {
    this.pending = { key, action };
  }

  /** The request, once: the view that runs it takes it. */
  take(): { key: string; action: RequestedAction } | null {
    const r = this.pending;
    this.pending = null;
    return r;
  }
}

export const groupRequests = new GroupRequests();
