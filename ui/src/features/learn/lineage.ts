/** Images as blueprints with their containers as houses: pure grouping for the lineage view. */
import type { ContainerSummary } from "../../ipc/containers";
import type { ImageSummary } from "../../ipc/images";
import { isUp } from "../../lib/format";

export interface Blueprint {
  /** The image ID; for containers whose image is gone, `missing:<what they were made from>`. */
  key: string;
  /** The image, or null when it was removed while containers still use it (forced rmi). */
  image: ImageSummary | null;
  /** What to call it: its first tag, else its short ID, else what the containers name. */
  title: string;
  /** Its containers, running ones first, then by name. */
  houses: ContainerSummary[];
  running: number;
}

/** One blueprint per image (even with no containers), plus one per missing image still used. */
export function buildLineage(images: readonly ImageSummary[], containers: readonly ContainerSummary[]): Blueprint[] {
  const byImage = new Map<string, Blueprint>();
  for (const image of images) {
    byImage.set(image.id, { key: image.id, image, title: image.tags[0] ?? image.short_id, houses: [], running: 0 });
  }
  for (const c of containers) {
    let bp = byImage.get(c.image_id);
    if (!bp) {
      const key = `missing:${c.image_id}`;
      bp = byImage.get(key);
      if (!bp) {
        bp = { key, image: null, title: c.image, houses: [], running: 0 };
        byImage.set(key, bp);
      }
    }
    bp.houses.push(c);
    if (isUp(c.state)) bp.running += 1;
  }
  const out = [...byImage.values()];
  for (const bp of out) {
    bp.houses.sort((a, b) => Number(isUp(b.state)) - Number(isUp(a.state)) || a.name.localeCompare(b.name));
  }
  // Blueprints with houses first (most first), then the rest by name.
  out.sort((a, b) => b.houses.length - a.houses.length || a.title.localeCompare(b.title));
  return out;
}

/** Houses drawn while a blueprint is collapsed; the rest are one "+N more" button away. */
export const COLLAPSED_HOUSES = 12;
/** Even expanded, at most this many are drawn at once (a few hundred small chips stay light). */
export const EXPANDED_HOUSES = 300;

export function visibleHouses(bp: Blueprint, expanded: boolean): { shown: ContainerSummary[]; hidden: number } {
  const limit = expanded ? EXPANDED_HOUSES : COLLAPSED_HOUSES;
  const shown = bp.houses.slice(0, limit);
  return { shown, hidden: bp.houses.length - shown.length };
}

/** Live examples for the cheat sheet: the image with most containers and one of its houses (running if any). */
export function pickExamples(
  images: readonly ImageSummary[],
  containers: readonly ContainerSummary[],
): { image: ImageSummary | null; container: ContainerSummary | null; housesOfImage: number } {
  const lineage = buildLineage(images, containers).filter((b) => b.image !== null);
  const best = lineage[0] ?? null;
  const container = best?.houses[0] ?? containers.find((c) => isUp(c.state)) ?? containers[0] ?? null;
  return { image: best?.image ?? null, container, housesOfImage: best?.houses.length ?? 0 };
}
