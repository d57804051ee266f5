//! A container's published port opened in the desktop's browser (issue #16). The webview
//! names the container and the port only: the URL is made by the backend from the engine's
//! listing and endpoint (loopback, or the engine's own host), and opened by the backend.

use std::sync::Arc;

use berth_core::domain::ids::ContainerId;
use berth_core::services::port_links::{url_of_port, OpenPortError};
use berth_core::services::EngineHub;
use tauri::State;

use super::error::{IpcError, IpcErrorKind};

impl From<OpenPortError> for IpcError {
    fn from(e: OpenPortError) -> Self {
        match e {
            OpenPortError::Engine(inner) => inner.into(),
            OpenPortError::Link(inner) => Self {
                kind: IpcErrorKind::InvalidInput,
                message: inner.to_string(),
            },
        }
    }
}

/// Opens `http://HOST:PORT` for the container's published host port `port`; returns the URL.
#[tauri::command]
pub async fn open_port(
    hub: State<'_, Arc<EngineHub>>,
    container: ContainerId,
    port: u16,
) -> Result<String, IpcError> {
    let url = url_of_port(&hub.engine()?, container.as_str(), port).await?;
    crate::opener::open_url(&url).map_err(|message| IpcError {
        kind: IpcErrorKind::Internal,
        message,
    })?;
    Ok(url)
}
