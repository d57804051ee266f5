//! Volume commands: the list (with the containers that mount each volume), sizes (asked
//! apart: slow on big engines), create, remove (refused while in use), prune with its
//! preview, and the browser (list a folder, download a file or a folder as .tar).

use std::collections::BTreeMap;
use std::sync::Arc;

use berth_core::domain::volume::{
    VolumeCreate, VolumeDownload, VolumeListing, VolumePrunePreview, VolumePruneReport,
    VolumeSummary,
};
use berth_core::services::exports::downloads_dir;
use berth_core::services::volumes::{self, VolumeError};
use berth_core::services::EngineHub;
use tauri::State;

use super::error::{IpcError, IpcErrorKind};
use super::images::PruneScope;

impl From<VolumeError> for IpcError {
    fn from(e: VolumeError) -> Self {
        let kind = match e {
            VolumeError::Engine(inner) => return inner.into(),
            VolumeError::Files(inner) => return inner.into(),
            VolumeError::Input(_) => IpcErrorKind::InvalidInput,
            VolumeError::InUse(_) => IpcErrorKind::Conflict,
            VolumeError::NoSuchVolume(_) => IpcErrorKind::NotFound,
            VolumeError::NoHelperImage => IpcErrorKind::Internal,
        };
        Self {
            kind,
            message: e.to_string(),
        }
    }
}

/// Every volume, like `docker volume ls`, with its users.
#[tauri::command]
pub async fn list_volumes(hub: State<'_, Arc<EngineHub>>) -> Result<Vec<VolumeSummary>, IpcError> {
    Ok(hub.engine()?.list_volumes().await?)
}

/// Each volume's size in bytes (the engine's disk-usage endpoint: slow, so asked apart).
#[tauri::command]
pub async fn volume_sizes(
    hub: State<'_, Arc<EngineHub>>,
) -> Result<BTreeMap<String, u64>, IpcError> {
    Ok(hub.engine()?.volume_sizes().await?)
}

/// `docker volume create`; the returned line is what ran.
#[tauri::command]
pub async fn create_volume(
    hub: State<'_, Arc<EngineHub>>,
    request: VolumeCreate,
) -> Result<String, IpcError> {
    volumes::create(&hub.engine()?, &request).await?;
    Ok(volumes::create_command(&request))
}

/// `docker volume rm`, refused while a container uses the volume (naming them).
#[tauri::command]
pub async fn remove_volume(
    hub: State<'_, Arc<EngineHub>>,
    name: String,
) -> Result<String, IpcError> {
    Ok(volumes::remove(&hub.engine()?, &name).await?)
}

#[tauri::command]
pub async fn volume_prune_preview(
    hub: State<'_, Arc<EngineHub>>,
    scope: State<'_, Arc<PruneScope>>,
    all: bool,
) -> Result<VolumePrunePreview, IpcError> {
    Ok(volumes::prune_preview(&hub.engine()?, all, scope.0.as_deref()).await?)
}

#[tauri::command]
pub async fn volume_prune(
    hub: State<'_, Arc<EngineHub>>,
    scope: State<'_, Arc<PruneScope>>,
    all: bool,
) -> Result<VolumePruneReport, IpcError> {
    Ok(volumes::prune(&hub.engine()?, all, scope.0.as_deref()).await?)
}

/// One folder of a volume (`path` inside it, `""` for the top), read through a helper
/// container that is created, never started, and removed afterwards.
#[tauri::command]
pub async fn browse_volume(
    hub: State<'_, Arc<EngineHub>>,
    volume: String,
    path: String,
) -> Result<VolumeListing, IpcError> {
    Ok(volumes::browse(&hub.engine()?, &volume, &path).await?)
}

/// Saves a file (as itself) or a folder (as a .tar) of a volume to the Downloads folder.
#[tauri::command]
pub async fn download_from_volume(
    hub: State<'_, Arc<EngineHub>>,
    volume: String,
    path: String,
    folder: bool,
) -> Result<VolumeDownload, IpcError> {
    let dir = downloads_dir().ok_or(berth_core::services::exports::ExportError::NoFolder)?;
    Ok(volumes::download(&hub.engine()?, &volume, &path, folder, &dir).await?)
}
