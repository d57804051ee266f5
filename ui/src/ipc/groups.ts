/** Groups of containers: a group is the containers matching a label selector (launch groups,
 *  Compose projects and services; the backend finds them, `Inventory.groups`). One action for
 *  every member of any group, and scaling a launch group. */
import { call } from "./core";
import { subscribe, type Stream } from "./stream";
import type { GroupAction } from "./bindings/GroupAction";
import type { GroupId } from "./bindings/GroupId";
import type { GroupRef } from "./bindings/GroupRef";
import type { ReplicaProgress } from "./bindings/ReplicaProgress";
import type { ScaleOutcome } from "./bindings/ScaleOutcome";

export type { GroupAction, GroupId, GroupRef, ScaleOutcome };
export type { BerthLabel } from "./bindings/BerthLabel";
export type { ComposeLabel } from "./bindings/ComposeLabel";
export type { Group } from "./bindings/Group";
export type { GroupKind } from "./bindings/GroupKind";
export type { Scaling } from "./bindings/Scaling";

/** Scales a launch group to `replicas`; stopping the stream cancels a scale-up. */
export function scaleGroup(
  group: GroupId,
  replicas: number,
  onProgress: (batch: ReplicaProgress[]) => void,
): Stream<ScaleOutcome> {
  return subscribe<ScaleOutcome>("scale_group", { group, replicas }, { onProgress }, "cancel_launch");
}

/** Starts, stops or removes every member of a group (a launch group by its id, any group by
 *  its reference); resolves with `name: reason` per failure. */
export function groupAction(group: GroupRef | GroupId, action: GroupAction): Promise<string[]> {
  return call<string[]>("group_action", { group, action });
}
