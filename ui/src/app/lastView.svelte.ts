/** The view on screen is remembered in the settings and shown again at the next start (#18).
 *  The stored id comes from a file others can edit: only a view the sidebar always lists is
 *  restored, anything else is ignored. */
import { getSettings, updateSettings } from "../ipc/settings";
import type { Shell } from "./shell.svelte";
import { VIEWS, type ViewId } from "./views";

/** `stored` as a view to open at start, or null: unknown ids and views the sidebar lists only
 *  in some states (Swarm services) are not restored. */
export function restorableView(stored: string | null | undefined): ViewId | null {
  const view = VIEWS.find((v) => v.id === stored);
  return view && !view.shown ? view.id : null;
}

/** Restores the remembered view (unless the user has already gone elsewhere), then remembers
 *  each view switched to. Returns the function that stops remembering. */
export function rememberViews(shell: Shell): () => void {
  let stopped = false;
  let saved: string | null = null;
  let saving = Promise.resolve();
  const start = shell.view;
  const ready = getSettings()
    .then(({ settings }) => {
      // Nothing stored is as good as the view Berth starts on: no write for it.
      saved = settings.last_view ?? start;
      const view = restorableView(settings.last_view);
      if (!stopped && view && shell.view === start) shell.view = view;
    })
    // Without settings (UI tests, browser preview) nothing is restored or remembered.
    .catch(() => {
      stopped = true;
    });
  const stopEffect = $effect.root(() => {
    $effect(() => {
      void shell.view;
      // One write at a time, in order, of the view on screen when the write's turn comes
      // (so the restore itself writes nothing); only when it differs from what is stored.
      saving = saving.then(async () => {
        await ready;
        const view = shell.view;
        if (stopped || view === saved) return;
        try {
          const { settings } = await getSettings();
          await updateSettings({ ...settings, last_view: view });
          saved = view;
        } catch {
          // Not remembered this time; the view itself is unaffected.
        }
      });
    });
  });
  return () => {
    stopped = true;
    stopEffect();
  };
}
