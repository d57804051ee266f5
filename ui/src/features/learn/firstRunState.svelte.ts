/** Whether the first-run walkthrough is on screen, and remembering (in settings) that it was done. */
import { getSettings, updateSettings, type Settings } from "../../ipc/settings";
import { shouldOfferFirstRun } from "./firstRun";

class FirstRunState {
  settings = $state.raw<Settings | null>(null);
  /** On screen: offered on an empty engine, or opened again from Learn's Help. It stays open
   *  while the engine fills up (the walkthrough itself adds the first image). */
  open = $state(false);
  /** Finished or skipped in this session (the settings write may still be on its way). */
  closed = $state(false);

  async load(): Promise<void> {
    try {
      this.settings = (await getSettings()).settings;
    } catch {
      // Without settings the walkthrough is simply not offered.
    }
  }

  /** Opens the walkthrough if the engine (with `images` images) should get it. */
  offer(images: number): void {
    if (!this.open && !this.closed && shouldOfferFirstRun(images, this.settings)) this.open = true;
  }

  reopen(): void {
    this.open = true;
  }

  /** Hides it for this session without marking it done: the user went elsewhere. */
  stepAside(): void {
    if (!this.open) return;
    this.open = false;
    this.closed = true;
  }

  /** Closes it and remembers, so it is not offered again. */
  async finish(): Promise<void> {
    this.open = false;
    this.closed = true;
    try {
      const current = (await getSettings()).settings;
      if (!current.first_run_done) this.settings = await updateSettings({ ...current, first_run_done: true });
    } catch {
      // Not saved: it will be offered again next time, which is harmless.
    }
  }
}

export const firstRun = new FirstRunState();
