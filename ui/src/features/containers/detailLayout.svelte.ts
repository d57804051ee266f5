/**
 * How much of the containers view the detail pane takes, and whether it takes all of it.
 * Kept for the session (module state): the user sized it once, every container opens so.
 */
export const MIN_SHARE = 0.2;
export const MAX_SHARE = 0.85;
/** One arrow-key step of the splitter. */
export const SHARE_STEP = 0.05;

export function clampShare(share: number): number {
  return Math.min(MAX_SHARE, Math.max(MIN_SHARE, share));
}

class DetailLayout {
  /** The pane's share of the view's height, below the splitter. */
  share = $state(0.52);
  maximised = $state(false);

  resize(share: number): void {
    this.share = clampShare(share);
  }
}

export const detailLayout = new DetailLayout();
