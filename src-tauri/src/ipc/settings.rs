//! Settings commands: the UI reads and writes typed settings, never the store itself.

use berth_core::domain::settings::Settings;
use tauri::{AppHandle, Runtime, State};

use super::error::IpcError;
use crate::settings::{SettingsState, SettingsView};

#[tauri::command]
pub fn get_settings(state: State<'_, SettingsState>) -> SettingsView {
    state.get()
}

/// Validates and saves; returns what was saved. Invalid values are `invalid_input`.
#[tauri::command]
pub fn update_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, SettingsState>,
    settings: Settings,
) -> Result<Settings, IpcError> {
    state.update(&app, settings)
}

/// The user read the banners (bad settings file, closed to the tray).
#[tauri::command]
pub fn dismiss_settings_notices(state: State<'_, SettingsState>) {
    state.dismiss_notices();
}
