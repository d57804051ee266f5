/** The first-run walkthrough's pure parts: when to offer it, and what each step changed. */
import type { ImageSummary } from "../../ipc/images";
import type { LaunchRequest } from "../../ipc/launch";
import type { Settings } from "../../ipc/settings";
import { emptyRequest } from "../launch/model";

/** Offered on an engine with no images, until finished or skipped once. */
export function shouldOfferFirstRun(images: number, settings: Pick<Settings, "first_run_done"> | null): boolean {
  return images === 0 && settings !== null && !settings.first_run_done;
}

export interface Counts {
  images: number;
  containers: number;
}

/** "Images: 0 → 1" style lines for what changed between two moments (unchanged ones say so). */
export function describeChange(before: Counts, after: Counts): string[] {
  const line = (what: string, a: number, b: number) => (a === b ? `${what}: still ${b}` : `${what}: ${a} → ${b}`);
  return [line("Images", before.images, after.images), line("Containers", before.containers, after.containers)];
}

/** The small public image offered when the engine can reach a registry. */
export const SMALL_IMAGE = "busybox:latest";

/**
 * The walkthrough's launch: three houses named `demo-{n}`. A plain busybox would exit at once
 * (its default command is an interactive shell), so it gets a long-running one; the demo image
 * has its own.
 */
export function threeHouses(image: string, ownCommand: boolean): LaunchRequest {
  return {
    ...emptyRequest(image),
    replicas: "3",
    name_pattern: "demo-{n}",
    command: ownCommand ? "" : `sh -c 'trap "exit 0" TERM; while :; do sleep 1; done'`,
  };
}

/** The user's own images the walkthrough can use instead of getting another: named ones,
 * smallest first (a small image starts fast), by their first name. */
export function ownImages(images: readonly Pick<ImageSummary, "tags" | "size">[], max = 5): string[] {
  return images
    .flatMap((i) => {
      const tag = i.tags.find((t) => !t.startsWith("<none>"));
      return tag ? [{ tag, size: i.size }] : [];
    })
    .sort((a, b) => a.size - b.size || a.tag.localeCompare(b.tag))
    .slice(0, max)
    .map((i) => i.tag);
}
