/** Volumes (backend `ipc/volumes.rs`): the list with the containers that mount each one,
 *  sizes (asked apart: slow on big engines), create, remove, prune, and the browser. */
import { call } from "./core";
import type { VolumeCreate } from "./bindings/VolumeCreate";
import type { VolumeDownload } from "./bindings/VolumeDownload";
import type { VolumeListing } from "./bindings/VolumeListing";
import type { VolumePrunePreview } from "./bindings/VolumePrunePreview";
import type { VolumePruneReport } from "./bindings/VolumePruneReport";
import type { VolumeSummary } from "./bindings/VolumeSummary";

export type { VolumeCreate, VolumeDownload, VolumeListing, VolumePrunePreview, VolumePruneReport, VolumeSummary };
export type { VolumeUser } from "./bindings/VolumeUser";
export type { ArchiveEntry as VolumeEntry } from "./bindings/ArchiveEntry";
export type { EntryKind } from "./bindings/EntryKind";

/** Every volume, like `docker volume ls`, each with the containers (any state) that mount it. */
export function listVolumes(): Promise<VolumeSummary[]> {
  return call<VolumeSummary[]>("list_volumes");
}

/** Bytes per volume name, from the engine's disk-usage endpoint (slow: ask it lazily). */
export function volumeSizes(): Promise<Record<string, number>> {
  return call<Record<string, number>>("volume_sizes");
}

/** `docker volume create`; resolves to the line that ran. */
export function createVolume(request: VolumeCreate): Promise<string> {
  return call<string>("create_volume", { request });
}

/** `docker volume rm`; refused (kind `conflict`) while containers use it, naming them. */
export function removeVolume(name: string): Promise<string> {
  return call<string>("remove_volume", { name });
}

/** What `docker volume prune` would take now, under this engine's rule. */
export function volumePrunePreview(all: boolean): Promise<VolumePrunePreview> {
  return call<VolumePrunePreview>("volume_prune_preview", { all });
}

export function volumePrune(all: boolean): Promise<VolumePruneReport> {
  return call<VolumePruneReport>("volume_prune", { all });
}

/** One folder of a volume (`path` inside it, "" for the top), through a never-started helper. */
export function browseVolume(volume: string, path: string): Promise<VolumeListing> {
  return call<VolumeListing>("browse_volume", { volume, path });
}

/** Saves a file, or a folder as .tar, into the Downloads folder. */
export function downloadFromVolume(volume: string, path: string, folder: boolean): Promise<VolumeDownload> {
  return call<VolumeDownload>("download_from_volume", { volume, path, folder });
}
