/**
 * "Now" for relative times. Advanced by events, not a timer: whenever the inventory is
 * refetched and when the window regains focus or visibility. No polling anywhere in Berth.
 */
export const clock = $state({ now: Date.now() });

export function touchClock(): void {
  clock.now = Date.now();
}
