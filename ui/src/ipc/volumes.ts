/** Volumes (backend `ipc/volumes.rs`): the list, with the containers that mount each one. */
import { call } from "./core";
import type { VolumeSummary } from "./bindings/VolumeSummary";

export type { VolumeSummary };
export type { VolumeUser } from "./bindings/VolumeUser";

/** Every volume, like `docker volume ls`, each with the containers (any state) that mount it. */
export function listVolumes(): Promise<VolumeSummary[]> {
  return call<VolumeSummary[]>("list_volumes");
}
