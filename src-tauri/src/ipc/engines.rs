//! Engine list commands: the overview side by side, saving the list, switching the active
//! engine, importing docker contexts.

use std::sync::Arc;

use berth_core::domain::engines::EnginesSetup;
use tauri::{AppHandle, Runtime, State};

use super::error::IpcError;
use crate::engines::{EnginesPanel, EnginesState, ImportReport};

#[tauri::command]
pub fn engines_overview(state: State<'_, Arc<EnginesState>>) -> EnginesPanel {
    state.panel()
}

#[tauri::command]
pub fn engines_setup(state: State<'_, Arc<EnginesState>>) -> EnginesSetup {
    state.setup()
}

#[tauri::command]
pub fn save_engines<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<EnginesState>>,
    setup: EnginesSetup,
) -> Result<EnginesSetup, IpcError> {
    state.save(&app, setup)
}

#[tauri::command]
pub fn switch_engine<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<EnginesState>>,
    name: String,
) -> Result<(), IpcError> {
    state.switch(&app, &name)
}

/// Imports the docker contexts not configured yet. Contexts that skip TLS verification are
/// imported (with verification on) only when named in `verify`, after the user chose to.
#[tauri::command]
pub fn import_docker_contexts<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<EnginesState>>,
    verify: Option<Vec<String>>,
) -> Result<ImportReport, IpcError> {
    state.import_contexts(&app, &verify.unwrap_or_default())
}
