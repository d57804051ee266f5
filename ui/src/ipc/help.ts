/** Help (backend `ipc/diagnostics.rs`, `ipc/quit.rs`): About's facts, the diagnostics text
 *  for a bug report, and Quit. */
import { call } from "./core";
import type { AboutBerth } from "./bindings/AboutBerth";

export type { AboutBerth };

/** Berth's version, description and licence. */
export function about(): Promise<AboutBerth> {
  return call<AboutBerth>("about");
}

/** Versions, engine, settings (secrets left out) and the last log lines, as plain text. */
export function diagnostics(): Promise<string> {
  return call<string>("diagnostics");
}

/** Quits Berth the way the tray's Quit does (asking first while a launch runs). */
export function quitApp(): Promise<void> {
  return call<void>("quit_app");
}
