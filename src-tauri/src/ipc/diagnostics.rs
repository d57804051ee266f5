//! Help (issue #18): About's facts and Copy diagnostics' text (see `crate::diagnostics`).

use std::sync::Arc;

use berth_core::services::EngineHub;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::diagnostics::{os_description, report, Inputs, LOG_LINES};
use crate::engines::EnginesState;
use crate::logging;
use crate::settings::SettingsState;

/// What the About section shows.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AboutBerth {
    pub version: String,
    pub description: String,
    pub licence: String,
}

#[tauri::command]
pub fn about() -> AboutBerth {
    AboutBerth {
        version: env!("CARGO_PKG_VERSION").into(),
        description: env!("CARGO_PKG_DESCRIPTION").into(),
        licence: env!("CARGO_PKG_LICENSE").into(),
    }
}

/// The diagnostics text for a bug report, secrets left out; the UI copies and shows it.
#[tauri::command]
pub fn diagnostics(
    hub: State<'_, Arc<EngineHub>>,
    settings: State<'_, Arc<SettingsState>>,
    engines: State<'_, Arc<EnginesState>>,
) -> String {
    let log_path = logging::log_path();
    let log_lines = log_path
        .as_deref()
        .map(|p| logging::last_lines(p, LOG_LINES))
        .unwrap_or_default();
    let engine = hub.status();
    let settings = settings.settings();
    report(&Inputs {
        os: os_description(),
        webkit: tauri::webview_version().unwrap_or_else(|e| format!("unknown ({e})")),
        engine: &engine,
        engines_configured: engines.setup().engines.len(),
        settings: &settings,
        log_path: log_path.as_deref(),
        log_lines,
    })
}
