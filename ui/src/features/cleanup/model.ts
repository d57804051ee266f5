/** The cleanup view's wording: what a preview or a report amounts to. */
import type { PrunePreview, PruneReport, PruneRequest } from "../../ipc/images";
import { formatBytes } from "../../lib/format";

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "2 containers and 3 images, up to 120MB". */
export function previewSummary(p: PrunePreview): string {
  const parts: string[] = [];
  if (p.containers.length > 0) parts.push(plural(p.containers.length, "container"));
  if (p.images.length > 0) parts.push(plural(p.images.length, "image"));
  if (parts.length === 0) return "Nothing to remove.";
  return `${parts.join(" and ")} will be removed, freeing up to ${formatBytes(p.reclaimable)}.`;
}

/** "Removed 2 containers and 3 images, freed 120MB." */
export function reportSummary(r: PruneReport): string {
  const images = new Set([...r.images_deleted]).size;
  const parts: string[] = [];
  if (r.containers_deleted.length > 0) parts.push(plural(r.containers_deleted.length, "container"));
  if (images > 0) parts.push(plural(images, "image"));
  if (parts.length === 0 && r.images_untagged.length === 0) return "The engine removed nothing.";
  const what = parts.length > 0 ? parts.join(" and ") : plural(r.images_untagged.length, "tag");
  return `Removed ${what}, freed ${formatBytes(r.space_reclaimed)}.`;
}

/** Differences between what was previewed and what the engine removed (things changed in between). */
export function previewMismatch(p: PrunePreview, r: PruneReport): string | null {
  const previewed = new Set(p.containers.map((c) => c.id));
  const removed = new Set(r.containers_deleted);
  const extra = [...removed].filter((id) => !previewed.has(id)).length;
  const kept = [...previewed].filter((id) => !removed.has(id)).length;
  const imgPreviewed = new Set(p.images.map((i) => i.id));
  const imgRemoved = new Set(r.images_deleted);
  const imgKept = [...imgPreviewed].filter((id) => !imgRemoved.has(id)).length;
  const imgExtra = [...imgRemoved].filter((id) => !imgPreviewed.has(id)).length;
  const notes: string[] = [];
  if (extra > 0) notes.push(`${plural(extra, "container")} not in the preview also went`);
  if (kept > 0) notes.push(`${plural(kept, "previewed container")} stayed`);
  if (imgKept > 0) notes.push(`${plural(imgKept, "previewed image")} stayed`);
  const changed = notes.length > 0 ? `Things changed since the preview: ${notes.join("; ")}.` : null;
  // Untagged parent images (intermediate build steps) go with the images they belonged to.
  const parents =
    imgExtra > 0 ? `${plural(imgExtra, "untagged parent image")} of removed images went with them.` : null;
  return [changed, parents].filter(Boolean).join(" ") || null;
}

export function isEmptyRequest(r: PruneRequest): boolean {
  return !r.containers && !r.dangling_images && !r.unused_images;
}
