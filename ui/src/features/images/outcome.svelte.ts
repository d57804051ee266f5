/**
 * The outcome of the last image action (tag, remove), kept outside the image's detail pane:
 * removing a tag refreshes the list and removing the last one removes the image (and its
 * pane), and the user still needs to read what happened.
 */
export interface Outcome {
  ok: boolean;
  /** In people's words: what happened. */
  text: string;
  /** The equivalent docker commands, one a line. */
  commands: readonly string[];
}

class ImageOutcome {
  current = $state.raw<Outcome | null>(null);

  set(outcome: Outcome): void {
    this.current = outcome;
  }

  clear(): void {
    this.current = null;
  }
}

export const imageOutcome = new ImageOutcome();

/** How one `docker rmi <ref>` reads: a tag taken off, or the image gone with its layers. */
export function removalText(ref: string, deleted: number, remaining: readonly string[]): string {
  if (deleted > 0) return `Removed ${ref}: the image is gone (${deleted} ${deleted === 1 ? "layer" : "layers"} deleted).`;
  return remaining.length > 0
    ? `Removed the tag ${ref}. The image stays as ${remaining.join(", ")}.`
    : `Removed the tag ${ref}.`;
}
