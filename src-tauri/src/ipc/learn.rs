//! Learning commands: the docker CLI equivalent of any action, a container's writable layer
//! and what keeps it alive, and the guided "change a file" demonstration.

use std::sync::Arc;

use berth_core::domain::cli_equiv::{CliCommand, DockerCommand};
use berth_core::domain::ids::ContainerId;
use berth_core::domain::layers::{ContainerLife, WritableLayer};
use berth_core::services::learn::{self, DemoOutcome};
use berth_core::services::EngineHub;
use tauri::State;

use super::error::IpcError;

/// Renders each action as the `docker` command it is equivalent to (pure: no engine call),
/// so buttons can show their command before they are clicked.
#[tauri::command]
pub fn docker_commands(commands: Vec<DockerCommand>) -> Vec<CliCommand> {
    commands.iter().map(DockerCommand::render).collect()
}

/// `docker diff` and `docker inspect --size` of one container.
#[tauri::command]
pub async fn writable_layer(
    hub: State<'_, Arc<EngineHub>>,
    id: ContainerId,
) -> Result<WritableLayer, IpcError> {
    Ok(hub.engine()?.writable_layer(id.as_str()).await?)
}

/// `docker top` and the memory in use of one container.
#[tauri::command]
pub async fn container_life(
    hub: State<'_, Arc<EngineHub>>,
    id: ContainerId,
) -> Result<ContainerLife, IpcError> {
    Ok(hub.engine()?.container_life(id.as_str()).await?)
}

/// Writes `text` to `path` in the running container `id` (exec with argv, no shell line
/// from user text) and returns the container's writable layer afterwards.
#[tauri::command]
pub async fn demo_write_file(
    hub: State<'_, Arc<EngineHub>>,
    id: ContainerId,
    path: String,
    text: String,
) -> Result<DemoOutcome, IpcError> {
    Ok(learn::demo_write_file(&hub.engine()?, id.as_str(), &path, &text).await?)
}
