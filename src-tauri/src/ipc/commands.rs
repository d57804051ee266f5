//! `#[tauri::command]`s: validate, call the core, map the error. Nothing else.

use std::sync::Arc;

use berth_core::domain::{EngineStatus, Inventory};
use berth_core::services::EngineHub;
use serde::Deserialize;
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use super::error::IpcError;
use crate::StartupClock;

#[tauri::command]
pub fn engine_status(hub: State<'_, Arc<EngineHub>>) -> EngineStatus {
    hub.status()
}

#[tauri::command]
pub async fn inventory(hub: State<'_, Arc<EngineHub>>) -> Result<Inventory, IpcError> {
    // Re-reads only what the engine's events named since the last call (issue #17).
    Ok(hub.inventory().await?)
}

/// What the UI painted first.
#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UiPainted {
    Inventory,
    Problem,
}

/// The UI calls this once, after its first real frame: the window is shown then (it starts
/// hidden), and the time since process start is logged for the startup benchmark.
#[tauri::command]
pub fn ui_ready<R: Runtime>(
    app: AppHandle<R>,
    clock: State<'_, Arc<StartupClock>>,
    painted: UiPainted,
    containers: u32,
) {
    if clock.show_once(&app) {
        let ms = clock.elapsed().as_millis();
        tracing::info!(
            ?painted,
            containers,
            "first paint {ms} ms after process start"
        );
        // A stable line for the startup benchmark to read, whatever the log filter says.
        eprintln!("berth-startup: first-paint-ms={ms} painted={painted:?} containers={containers}");
    }
}
