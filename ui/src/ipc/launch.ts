/** Launching replicas (backend `ipc/launch.rs`): preview, launch with progress, cancel, undo. */
import { call } from "./core";
import { subscribe, type Stream } from "./stream";
import type { LaunchOutcome } from "./bindings/LaunchOutcome";
import type { LaunchPreview } from "./bindings/LaunchPreview";
import type { LaunchRequest } from "./bindings/LaunchRequest";
import type { PullProgress } from "./bindings/PullProgress";
import type { ReplicaProgress } from "./bindings/ReplicaProgress";
import type { ContainerId } from "./bindings/ContainerId";
import type { GroupId } from "./bindings/GroupId";

export type { LaunchOutcome, LaunchPreview, LaunchRequest, ReplicaProgress };
export type { FieldError } from "./bindings/FieldError";
export type { LaunchField } from "./bindings/LaunchField";
export type { LaunchSpec } from "./bindings/LaunchSpec";
export type { PlannedPull } from "./bindings/PlannedPull";
export type { PortBinding } from "./bindings/PortBinding";
export type { ReplicaPhase } from "./bindings/ReplicaPhase";

/** Validates and plans a launch without creating anything: per-field errors, or names, ports and `docker run` lines. */
export function launchPreview(request: LaunchRequest, group: GroupId | null): Promise<LaunchPreview> {
  return call<LaunchPreview>("launch_preview", { request, group });
}

/**
 * Launches the replicas; progress arrives in batches. An image the engine does not have is
 * pulled first, its progress going to `onPull`. Stopping the stream cancels the launch and
 * removes what it made.
 */
export function launch(
  request: LaunchRequest,
  group: GroupId,
  onProgress: (batch: ReplicaProgress[]) => void,
  onPull: (progress: PullProgress) => void = () => {},
  /** Keep the environment values in the recent image (they may hold secrets; #13). */
  rememberEnv = false,
): Stream<LaunchOutcome> {
  return subscribe<LaunchOutcome>("launch", { request, group, rememberEnv }, { onProgress, onPull }, "cancel_launch");
}

/** Removes containers a launch made; resolves with `name: reason` per failure. */
export function removeLaunched(ids: ContainerId[]): Promise<string[]> {
  return call<string[]>("remove_launched", { ids });
}
