//! Volume commands: the list (with the containers that mount each volume).

use std::sync::Arc;

use berth_core::domain::volume::VolumeSummary;
use berth_core::services::EngineHub;
use tauri::State;

use super::error::IpcError;

/// Every volume, like `docker volume ls`, with its users.
#[tauri::command]
pub async fn list_volumes(hub: State<'_, Arc<EngineHub>>) -> Result<Vec<VolumeSummary>, IpcError> {
    Ok(hub.engine()?.list_volumes().await?)
}
