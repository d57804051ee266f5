//! Swarm commands (issue #8): the engine's membership, launching the launch form as a
//! service, and the Services view (list, tasks per node, scale, remove). Thin: the swarm
//! service in `berth_core` does the work and the checks.

use std::sync::Arc;

use berth_core::domain::ids::GroupId;
use berth_core::domain::launch::LaunchRequest;
use berth_core::domain::swarm::{NodeTasks, ServiceSummary, SwarmInfo};
use berth_core::services::launch as launcher;
use berth_core::services::swarm::{
    self, ServiceLaunched, ServicePreview, ServiceScaled, SwarmError,
};
use berth_core::services::EngineHub;
use tauri::State;

use super::error::{IpcError, IpcErrorKind};

impl From<SwarmError> for IpcError {
    fn from(e: SwarmError) -> Self {
        let kind = match e {
            SwarmError::Engine(inner) => return inner.into(),
            SwarmError::Invalid(errors) => {
                return Self {
                    kind: IpcErrorKind::InvalidInput,
                    message: errors
                        .into_iter()
                        .map(|e| e.message)
                        .collect::<Vec<_>>()
                        .join("; "),
                }
            }
            SwarmError::Missing(_) => IpcErrorKind::NotFound,
            SwarmError::NotManager(_) | SwarmError::BadReplicas(_) => IpcErrorKind::InvalidInput,
        };
        Self {
            kind,
            message: e.to_string(),
        }
    }
}

/// The swarm membership now (`docker info`), not as of the connection: `docker swarm init`
/// and `leave` emit no event Berth follows.
#[tauri::command]
pub async fn swarm_info(hub: State<'_, Arc<EngineHub>>) -> Result<SwarmInfo, IpcError> {
    Ok(hub.engine()?.swarm_info().await?)
}

/// The launch form as a service: per-field problems, or the `docker service create` line.
#[tauri::command]
pub async fn service_preview(
    hub: State<'_, Arc<EngineHub>>,
    request: LaunchRequest,
    group: Option<GroupId>,
) -> Result<ServicePreview, IpcError> {
    let group = group.unwrap_or_else(launcher::new_group_id);
    Ok(swarm::preview_service(&hub.engine()?, &request, &group).await?)
}

#[tauri::command]
pub async fn launch_service(
    hub: State<'_, Arc<EngineHub>>,
    request: LaunchRequest,
    group: GroupId,
) -> Result<ServiceLaunched, IpcError> {
    Ok(swarm::launch_service(&hub.engine()?, &request, &group).await?)
}

#[tauri::command]
pub async fn list_services(
    hub: State<'_, Arc<EngineHub>>,
) -> Result<Vec<ServiceSummary>, IpcError> {
    Ok(swarm::list_services(&hub.engine()?).await?)
}

#[tauri::command]
pub async fn service_tasks(
    hub: State<'_, Arc<EngineHub>>,
    service: String,
) -> Result<Vec<NodeTasks>, IpcError> {
    Ok(swarm::service_tasks(&hub.engine()?, &service).await?)
}

/// `replicas` is the text typed: checked (0 to the launch limit) before the engine is asked.
#[tauri::command]
pub async fn scale_service(
    hub: State<'_, Arc<EngineHub>>,
    service: String,
    replicas: String,
) -> Result<ServiceScaled, IpcError> {
    Ok(swarm::scale_service(&hub.engine()?, &service, &replicas).await?)
}

/// Removes the service; returns the equivalent `docker service rm` line.
#[tauri::command]
pub async fn remove_service(
    hub: State<'_, Arc<EngineHub>>,
    service: String,
) -> Result<String, IpcError> {
    Ok(swarm::remove_service(&hub.engine()?, &service).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swarm_errors_keep_their_meaning() {
        let e = IpcError::from(SwarmError::Missing("web".into()));
        assert_eq!(e.kind, IpcErrorKind::NotFound);
        assert!(e.message.contains("no service web"));
        let e = IpcError::from(SwarmError::NotManager("not part of a swarm".into()));
        assert_eq!(e.kind, IpcErrorKind::InvalidInput);
        assert_eq!(e.message, "not part of a swarm");
    }
}
