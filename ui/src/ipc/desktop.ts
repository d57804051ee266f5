/** What the tray and a quit ask the window to confirm (issue #13): the tray's stop-all names
 *  its containers here before anything stops, and a quit while launches run asks whether to
 *  finish or roll back. The backend is `src-tauri/src/quit.rs` and `tray.rs`. */
import { call, listenTo, type Unsubscribe } from "./core";
import type { LaunchInFlight } from "./bindings/LaunchInFlight";
import type { QuitChoice } from "./bindings/QuitChoice";
import type { StopCandidate } from "./bindings/StopCandidate";

export type { LaunchInFlight, QuitChoice, StopCandidate };

/** The tray's "Stop all containers launched by Berth": these would stop, once confirmed. */
export function onTrayConfirmStopAll(handler: (containers: StopCandidate[]) => void): Promise<Unsubscribe> {
  return listenTo<StopCandidate[]>("tray-confirm-stop-all", handler);
}

/** Quit was asked while these launches run. */
export function onQuitWhileLaunching(handler: (launches: LaunchInFlight[]) => void): Promise<Unsubscribe> {
  return listenTo<LaunchInFlight[]>("quit-while-launching", handler);
}

/** Finish or roll back the launches, then quit; or keep Berth open. */
export function quitChoice(choice: QuitChoice): Promise<void> {
  return call<void>("quit_choice", { choice });
}
