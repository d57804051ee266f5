/** Groups of containers (backend `group_action` and `scale_group`): one action for every
 *  member, and scaling a launch group. */
import { call } from "./core";
import { subscribe, type Stream } from "./stream";
import type { GroupAction } from "./bindings/GroupAction";
import type { ReplicaProgress } from "./bindings/ReplicaProgress";
import type { ScaleOutcome } from "./bindings/ScaleOutcome";

export type { GroupAction, ScaleOutcome };

/** Scales a launch group to `replicas`; stopping the stream cancels a scale-up. */
export function scaleGroup(
  group: string,
  replicas: number,
  onProgress: (batch: ReplicaProgress[]) => void,
): Stream<ScaleOutcome> {
  return subscribe<ScaleOutcome>("scale_group", { group, replicas }, { onProgress }, "cancel_launch");
}

/** Starts, stops or removes every member of a group; resolves with `name: reason` per failure. */
export function groupAction(group: string, action: GroupAction): Promise<string[]> {
  return call<string[]>("group_action", { group, action });
}
