//! Settings commands: the UI reads and writes typed settings, never the store itself.

use berth_core::domain::echo::echo;
use berth_core::domain::launch::LaunchRequest;
use berth_core::domain::settings::Settings;
use std::sync::Arc;

use berth_core::services::EngineHub;
use tauri::{AppHandle, Runtime, State};

use super::error::{IpcError, IpcErrorKind};
use crate::settings::{SettingsState, SettingsView};

#[tauri::command]
pub fn get_settings(state: State<'_, Arc<SettingsState>>) -> SettingsView {
    state.get()
}

/// Validates and saves; returns what was saved. Invalid values are `invalid_input`. The
/// tray and the stats hub (issue #5: interval and history at once) follow the settings'
/// channel. Issue #6: a changed engine endpoint takes effect at once: the hub drops the old
/// connection and the watcher connects to the new one (or reports why it cannot).
#[tauri::command]
pub fn update_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<SettingsState>>,
    hub: State<'_, Arc<EngineHub>>,
    settings: Settings,
) -> Result<Settings, IpcError> {
    let before = state.settings();
    let endpoint_before = before.engine_endpoint;
    // Issue #18: the autostart entry first, so a setting that could not be carried out is
    // not saved.
    if settings.start_at_login != before.start_at_login {
        crate::autostart::apply(settings.start_at_login).map_err(|message| IpcError {
            kind: IpcErrorKind::Internal,
            message,
        })?;
    }
    let saved = state.update(&app, settings)?;
    if saved.engine_endpoint != endpoint_before {
        tracing::info!(endpoint = ?saved.engine_endpoint, "engine endpoint changed; reconnecting");
        hub.reconnect();
    }
    Ok(saved)
}

/// Saves the launch form as preset `name` (replacing one of that name). A form the
/// launcher would refuse, or a missing name, is `invalid_input`.
#[tauri::command]
pub fn save_launch_preset<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<SettingsState>>,
    name: String,
    request: LaunchRequest,
) -> Result<Settings, IpcError> {
    state.modify(&app, |s| s.save_preset(&name, request))
}

/// Deletes preset `name`; one that is not there is `not_found`.
#[tauri::command]
pub fn delete_launch_preset<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<SettingsState>>,
    name: String,
) -> Result<Settings, IpcError> {
    let mut found = false;
    let saved = state.modify(&app, |s| {
        found = s.delete_preset(&name);
        Ok(())
    })?;
    if found {
        Ok(saved)
    } else {
        Err(IpcError {
            kind: IpcErrorKind::NotFound,
            message: format!("there is no launch preset named “{}”", echo(&name)),
        })
    }
}

/// The user read the banners (bad settings file, closed to the tray).
#[tauri::command]
pub fn dismiss_settings_notices(state: State<'_, Arc<SettingsState>>) {
    state.dismiss_notices();
}
