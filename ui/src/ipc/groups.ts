/** Groups of containers: a group is the containers matching a label selector (launch groups,
 *  Compose projects and services; the backend finds them, `Inventory.groups`). One action for
 *  every member of any group, and scaling a launch group. */
import { call } from "./core";
import { subscribe, type Stream } from "./stream";
import type { AdoptOutcome } from "./bindings/AdoptOutcome";
import type { GroupAction } from "./bindings/GroupAction";
import type { GroupId } from "./bindings/GroupId";
import type { GroupRef } from "./bindings/GroupRef";
import type { ReplicaProgress } from "./bindings/ReplicaProgress";
import type { ScaleOutcome } from "./bindings/ScaleOutcome";

export type { AdoptOutcome, GroupAction, GroupId, GroupRef, ScaleOutcome };
export type { ForeignReason } from "./bindings/ForeignReason";
export type { BerthLabel } from "./bindings/BerthLabel";
export type { ComposeLabel } from "./bindings/ComposeLabel";
export type { Group } from "./bindings/Group";
export type { GroupKind } from "./bindings/GroupKind";
export type { GroupTrust } from "./bindings/GroupTrust";
export type { LaunchSpec } from "./bindings/LaunchSpec";
export type { Scaling } from "./bindings/Scaling";

/** Scales a launch group to `replicas`; stopping the stream cancels a scale-up. Scaling down
 *  removes the removed replicas' anonymous volumes only with `removeVolumes`. */
export function scaleGroup(
  group: GroupId,
  replicas: number,
  onProgress: (batch: ReplicaProgress[]) => void,
  options: { removeVolumes?: boolean } = {},
): Stream<ScaleOutcome> {
  const removeVolumes = options.removeVolumes ?? false;
  return subscribe<ScaleOutcome>("scale_group", { group, replicas, removeVolumes }, { onProgress }, "cancel_launch");
}

/** Adopts a launch group this Berth did not launch, after the user reviewed its spec; one that
 *  mounts host paths needs `bindsReviewed` (else an `invalid_input` error naming them). */
export function adoptGroup(group: GroupRef | GroupId, bindsReviewed: boolean): Promise<AdoptOutcome> {
  return call<AdoptOutcome>("adopt_group", { group, bindsReviewed });
}

/** Starts, stops or removes every member of a group (a launch group by its id, any group by
 *  its reference); resolves with `name: reason` per failure. A remove takes the members'
 *  anonymous volumes only with `removeVolumes`. */
export function groupAction(
  group: GroupRef | GroupId,
  action: GroupAction,
  options: { removeVolumes?: boolean } = {},
): Promise<string[]> {
  return call<string[]>("group_action", { group, action, removeVolumes: options.removeVolumes ?? false });
}
