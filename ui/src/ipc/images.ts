/** Images (backend `ipc/images.rs`): pull, tag, remove, history, prune. */
import { call } from "./core";
import { subscribe, type Stream } from "./stream";
import type { HistoryEntry } from "./bindings/HistoryEntry";
import type { PrunePreview } from "./bindings/PrunePreview";
import type { PruneReport } from "./bindings/PruneReport";
import type { PruneRequest } from "./bindings/PruneRequest";
import type { PullOutcome } from "./bindings/PullOutcome";
import type { PullProgress } from "./bindings/PullProgress";
import type { RemoveImageResult } from "./bindings/RemoveImageResult";

export type { HistoryEntry, PrunePreview, PruneReport, PruneRequest, PullOutcome, PullProgress, RemoveImageResult };
export type { ImageSummary } from "./bindings/ImageSummary";
export type { LayerPhase } from "./bindings/LayerPhase";
export type { LayerProgress } from "./bindings/LayerProgress";
export type { PruneItem } from "./bindings/PruneItem";

/** Pulls an image; progress arrives once per tick. Stopping the stream cancels the pull. */
export function pullImage(reference: string, onProgress: (progress: PullProgress) => void): Stream<PullOutcome> {
  return subscribe<PullOutcome>("pull_image", { reference }, { onProgress });
}

/** Adds a tag; resolves with the equivalent `docker tag` command. */
export function tagImage(source: string, target: string): Promise<string> {
  return call<string>("tag_image", { source, target });
}

/** Removes an image; rejects with `conflict` (naming the containers) if it is in use and not forced. */
export function removeImage(image: string, force: boolean): Promise<RemoveImageResult> {
  return call<RemoveImageResult>("remove_image", { image, force });
}

export function imageHistory(image: string): Promise<HistoryEntry[]> {
  return call<HistoryEntry[]>("image_history", { image });
}

/** What a prune would remove now, and the space it would free at most. */
export function prunePreview(request: PruneRequest): Promise<PrunePreview> {
  return call<PrunePreview>("prune_preview", { request });
}

/** Prunes; resolves with what the engine actually removed. */
export function prune(request: PruneRequest): Promise<PruneReport> {
  return call<PruneReport>("prune", { request });
}
