//! Container commands: actions (one or many), rename, inspect, and logs over a channel.

use std::sync::Arc;

use berth_core::domain::actions::{ActionResult, ContainerAction};
use berth_core::domain::ids::{ContainerId, Ticket};
use berth_core::domain::inspect::ContainerDetails;
use berth_core::domain::logs::{LogLine, LogRequest};
use berth_core::services::exports::{downloads_dir, ExportError};
use berth_core::services::logs::{self, LOG_TICK};
use berth_core::services::{actions, EngineHub};
use tauri::ipc::Channel;
use tauri::State;

use super::error::IpcError;
use super::streams::{ChannelSink, Streams};

/// Does `action` to every target; one result per target, in order.
#[tauri::command]
pub async fn container_action(
    hub: State<'_, Arc<EngineHub>>,
    targets: Vec<ContainerId>,
    action: ContainerAction,
) -> Result<Vec<ActionResult>, IpcError> {
    let targets: Vec<String> = targets.into_iter().map(ContainerId::into_string).collect();
    Ok(actions::run_action(&hub.engine()?, &targets, action).await)
}

/// Renames a container; returns the equivalent `docker rename` command.
#[tauri::command]
pub async fn rename_container(
    hub: State<'_, Arc<EngineHub>>,
    target: ContainerId,
    new_name: String,
) -> Result<String, IpcError> {
    Ok(actions::rename(&hub.engine()?, target.as_str(), &new_name).await?)
}

#[tauri::command]
pub async fn inspect_container(
    hub: State<'_, Arc<EngineHub>>,
    id: ContainerId,
) -> Result<ContainerDetails, IpcError> {
    Ok(hub.engine()?.inspect_container(id.as_str()).await?)
}

/// Streams the container's logs to `on_lines` in batches until the log ends, the UI calls
/// `stop_stream(ticket)`, the window reloads, or the channel fails. Resolves when the stream
/// has ended.
#[tauri::command]
pub async fn container_logs(
    hub: State<'_, Arc<EngineHub>>,
    streams: State<'_, Streams>,
    id: ContainerId,
    request: LogRequest,
    ticket: Ticket,
    on_lines: Channel<Vec<LogLine>>,
) -> Result<(), IpcError> {
    let engine = hub.engine()?;
    let sink = Arc::new(ChannelSink(on_lines));
    let running = streams.0.start(ticket, |cancel| async move {
        logs::stream_logs(&engine, id.as_str(), &request, sink, cancel, LOG_TICK).await
    });
    running.join().await??;
    Ok(())
}

/// Stops the log stream, pull or stats subscription with this ticket; false if it already
/// ended.
#[tauri::command]
pub fn stop_stream(streams: State<'_, Streams>, ticket: Ticket) -> bool {
    streams.0.stop(&ticket)
}

/// Saves the container's logs (every line `request` selects) to the Downloads folder;
/// returns the file's path.
#[tauri::command]
pub async fn save_logs(
    hub: State<'_, Arc<EngineHub>>,
    id: ContainerId,
    name: String,
    request: LogRequest,
) -> Result<String, IpcError> {
    let engine = hub.engine()?;
    let dir = downloads_dir().ok_or(ExportError::NoFolder)?;
    let path = logs::save_logs(&engine, id.as_str(), &name, &request, &dir).await?;
    Ok(path.display().to_string())
}
