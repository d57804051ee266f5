/** Limits changed live (backend `ipc/limits.rs`): `docker update` of a container's memory,
 *  memory+swap, CPUs and restart policy, or of every member of a launch group this Berth made. */
import { call } from "./core";
import type { CurrentLimits } from "./bindings/CurrentLimits";
import type { GroupLimitsReport } from "./bindings/GroupLimitsReport";
import type { LimitsUpdate } from "./bindings/LimitsUpdate";

export type { CurrentLimits, GroupLimitsReport, LimitsUpdate };
export type { MemberLimitsResult } from "./bindings/MemberLimitsResult";
export type { RestartName } from "./bindings/RestartName";

/** The container's limits now, and the CPUs the engine's host has. */
export function containerLimits(container: string): Promise<CurrentLimits> {
  return call<CurrentLimits>("container_limits", { container });
}

/** `docker update` of one container (by name or id); resolves to the line that ran. */
export function updateLimits(container: string, update: LimitsUpdate): Promise<string> {
  return call<string>("update_limits", { container, update });
}

/** The same update on every member of launch group `group` this Berth launched, per member. */
export function updateGroupLimits(group: string, update: LimitsUpdate): Promise<GroupLimitsReport> {
  return call<GroupLimitsReport>("update_group_limits", { group, update });
}
