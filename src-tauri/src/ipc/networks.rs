//! Network commands (issue #15): the list (with the containers attached to each), the create
//! form's live check, create, remove, connect and disconnect. Thin: `services::networks`
//! makes the checks; each action answers with its `docker network ...` line.

use std::sync::Arc;

use berth_core::domain::ids::ContainerId;
use berth_core::domain::network::{NetworkSummary, NewNetwork};
use berth_core::engine::EngineError;
use berth_core::services::networks::{self, NetworkDone, NetworkError, NetworkPreview};
use berth_core::services::EngineHub;
use tauri::State;

use super::error::{IpcError, IpcErrorKind};

impl From<NetworkError> for IpcError {
    fn from(e: NetworkError) -> Self {
        let kind = match &e {
            NetworkError::Invalid(_) => IpcErrorKind::InvalidInput,
            NetworkError::Missing(_) => IpcErrorKind::NotFound,
            NetworkError::Refused { source, .. } => match source {
                EngineError::NotFound { .. } => IpcErrorKind::NotFound,
                EngineError::BadRequest { .. } | EngineError::InvalidArgument { .. } => {
                    IpcErrorKind::InvalidInput
                }
                _ => IpcErrorKind::Conflict,
            },
            NetworkError::Protected { .. }
            | NetworkError::InUse { .. }
            | NetworkError::Attachment { .. } => IpcErrorKind::Conflict,
            NetworkError::Engine(_) => match e {
                NetworkError::Engine(inner) => return inner.into(),
                _ => IpcErrorKind::Internal,
            },
        };
        Self {
            kind,
            message: e.to_string(),
        }
    }
}

/// Every network, like `docker network ls`, with the containers attached.
#[tauri::command]
pub async fn list_networks(
    hub: State<'_, Arc<EngineHub>>,
) -> Result<Vec<NetworkSummary>, IpcError> {
    Ok(hub.engine()?.list_networks().await?)
}

/// The create form's problems, or its `docker network create` line.
#[tauri::command]
pub async fn network_preview(
    hub: State<'_, Arc<EngineHub>>,
    form: NewNetwork,
) -> Result<NetworkPreview, IpcError> {
    Ok(networks::preview_create(&hub.engine()?, &form).await?)
}

#[tauri::command]
pub async fn create_network(
    hub: State<'_, Arc<EngineHub>>,
    form: NewNetwork,
) -> Result<NetworkDone, IpcError> {
    Ok(networks::create(&hub.engine()?, &form).await?)
}

/// Removes a network (by ID) that is not the engine's own and has nothing attached.
#[tauri::command]
pub async fn remove_network(
    hub: State<'_, Arc<EngineHub>>,
    network: String,
) -> Result<NetworkDone, IpcError> {
    Ok(networks::remove(&hub.engine()?, &network).await?)
}

#[tauri::command]
pub async fn connect_network(
    hub: State<'_, Arc<EngineHub>>,
    network: String,
    container: ContainerId,
) -> Result<NetworkDone, IpcError> {
    Ok(networks::connect(&hub.engine()?, &network, container.as_str()).await?)
}

#[tauri::command]
pub async fn disconnect_network(
    hub: State<'_, Arc<EngineHub>>,
    network: String,
    container: ContainerId,
) -> Result<NetworkDone, IpcError> {
    Ok(networks::disconnect(&hub.engine()?, &network, container.as_str()).await?)
}
