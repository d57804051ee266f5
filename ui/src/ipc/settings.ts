/** Settings (backend `ipc/settings.rs`): the stored settings, their notices, launch presets. */
import { call } from "./core";
import type { LaunchRequest } from "./bindings/LaunchRequest";
import type { Settings } from "./bindings/Settings";
import type { SettingsView } from "./bindings/SettingsView";

export type { Settings, SettingsView };
export type { LaunchPreset } from "./bindings/LaunchPreset";
export type { RecentImage } from "./bindings/RecentImage";
export type { SettingsNotice } from "./bindings/SettingsNotice";
export type { Theme } from "./bindings/Theme";

/** The stored settings, plus any notice (bad file kept aside, closed to the tray). */
export function getSettings(): Promise<SettingsView> {
  return call<SettingsView>("get_settings");
}

/** Validates and saves; rejects with `invalid_input` naming each bad value. */
export function updateSettings(settings: Settings): Promise<Settings> {
  return call<Settings>("update_settings", { settings });
}

/** The user has read the settings notices. */
export function dismissSettingsNotices(): Promise<void> {
  return call<void>("dismiss_settings_notices");
}

/** Saves the launch form as preset `name` (replacing one of that name); resolves with the
 *  saved settings. A form with errors or no name rejects with `invalid_input`. */
export function saveLaunchPreset(name: string, request: LaunchRequest): Promise<Settings> {
  return call<Settings>("save_launch_preset", { name, request });
}

/** Deletes preset `name`; resolves with the saved settings. */
export function deleteLaunchPreset(name: string): Promise<Settings> {
  return call<Settings>("delete_launch_preset", { name });
}
