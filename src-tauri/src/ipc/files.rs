//! A container's Files tab: list a folder (marked from the container's diff), read a small
//! text file, download a file or folder to the Downloads folder, upload a file into a folder.

use std::sync::Arc;

use berth_core::domain::container_files::{ContainerFolder, FileText, FileTransfer};
use berth_core::services::archive::ArchiveError;
use berth_core::services::container_files::{self, FilesError};
use berth_core::services::exports::{downloads_dir, ExportError};
use berth_core::services::EngineHub;
use tauri::ipc::{InvokeBody, Request};
use tauri::State;

use super::error::{IpcError, IpcErrorKind};

impl From<ArchiveError> for IpcError {
    fn from(e: ArchiveError) -> Self {
        let kind = match e {
            ArchiveError::Engine(inner) => return inner.into(),
            ArchiveError::NotAFolder(_) | ArchiveError::NotAFile(_) => IpcErrorKind::InvalidInput,
            ArchiveError::Archive(_) | ArchiveError::Io { .. } => IpcErrorKind::Internal,
        };
        Self {
            kind,
            message: e.to_string(),
        }
    }
}

impl From<FilesError> for IpcError {
    fn from(e: FilesError) -> Self {
        match e {
            FilesError::Engine(inner) => inner.into(),
            FilesError::Files(inner) => inner.into(),
            FilesError::Path(_) => Self {
                kind: IpcErrorKind::InvalidInput,
                message: e.to_string(),
            },
            FilesError::Gone(_) => Self {
                kind: IpcErrorKind::NotFound,
                message: e.to_string(),
            },
        }
    }
}

/// One folder of a container (running or stopped), each entry marked image / changed /
/// added, and the image files it deleted.
#[tauri::command]
pub async fn browse_container_files(
    hub: State<'_, Arc<EngineHub>>,
    container: String,
    path: String,
) -> Result<ContainerFolder, IpcError> {
    Ok(container_files::browse(&hub.engine()?, &container, &path).await?)
}

/// A file's text for the inline viewer (up to 1 MiB, UTF-8 only), or why it is download only.
#[tauri::command]
pub async fn read_container_file(
    hub: State<'_, Arc<EngineHub>>,
    container: String,
    path: String,
) -> Result<FileText, IpcError> {
    Ok(container_files::read_text(&hub.engine()?, &container, &path).await?)
}

/// Saves a file (as itself) or a folder (as a .tar) to the Downloads folder.
#[tauri::command]
pub async fn download_container_file(
    hub: State<'_, Arc<EngineHub>>,
    container: String,
    path: String,
    folder: bool,
) -> Result<FileTransfer, IpcError> {
    let dir = downloads_dir().ok_or(ExportError::NoFolder)?;
    Ok(container_files::download(&hub.engine()?, &container, &path, folder, &dir).await?)
}

/// One dropped or picked file, sent as the raw request body (no JSON number array); the
/// container, folder and name come percent-encoded in headers. The window refuses a file
/// over the limit before reading it; the limit is checked here again.
#[tauri::command]
pub async fn upload_container_file(
    hub: State<'_, Arc<EngineHub>>,
    request: Request<'_>,
) -> Result<FileTransfer, IpcError> {
    let header = |name: &str| -> Result<String, IpcError> {
        let raw = request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| IpcError {
                kind: IpcErrorKind::InvalidInput,
                message: format!("the upload's {name} is not text"),
            })
    };
    let (container, dir, name) = (
        header("berth-container")?,
        header("berth-dir")?,
        header("berth-name")?,
    );
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(IpcError {
            kind: IpcErrorKind::InvalidInput,
            message: "the upload carries no file".into(),
        });
    };
    let bytes = bytes.clone();
    let size = bytes.len() as u64;
    let engine = hub.engine()?;
    Ok(container_files::upload(
        &engine,
        &container,
        &dir,
        &name,
        size,
        std::io::Cursor::new(bytes),
    )
    .await?)
}
