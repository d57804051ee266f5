//! Container commands: actions (one or many), rename, inspect, and logs over a channel.

use std::sync::Arc;

use berth_core::domain::actions::{ActionResult, ContainerAction};
use berth_core::domain::inspect::ContainerDetails;
use berth_core::domain::logs::{LogLine, LogRequest};
use berth_core::services::logs::{self, LogSink, LOG_TICK};
use berth_core::services::{actions, EngineHub};
use tauri::ipc::Channel;
use tauri::State;
use tokio_util::sync::CancellationToken;

use super::error::IpcError;
use super::streams::Streams;

/// Does `action` to every target; one result per target, in order.
#[tauri::command]
pub async fn container_action(
    hub: State<'_, Arc<EngineHub>>,
    targets: Vec<String>,
    action: ContainerAction,
) -> Result<Vec<ActionResult>, IpcError> {
    Ok(actions::run_action(&hub.engine()?, &targets, action).await)
}

/// Renames a container; returns the equivalent `docker rename` command.
#[tauri::command]
pub async fn rename_container(
    hub: State<'_, Arc<EngineHub>>,
    target: String,
    new_name: String,
) -> Result<String, IpcError> {
    Ok(actions::rename(&hub.engine()?, &target, &new_name).await?)
}

#[tauri::command]
pub async fn inspect_container(
    hub: State<'_, Arc<EngineHub>>,
    id: String,
) -> Result<ContainerDetails, IpcError> {
    Ok(hub.engine()?.inspect_container(&id).await?)
}

struct ChannelSink(Channel<Vec<LogLine>>);

impl LogSink for ChannelSink {
    fn send(&self, batch: Vec<LogLine>) -> bool {
        // A failed send means the window went away: the stream ends.
        self.0.send(batch).is_ok()
    }
}

/// Streams the container's logs to `on_lines` in batches until the log ends, the UI calls
/// `stop_logs(ticket)`, or the channel fails. Resolves when the stream has ended.
#[tauri::command]
pub async fn container_logs(
    hub: State<'_, Arc<EngineHub>>,
    streams: State<'_, Streams>,
    app_cancel: State<'_, CancellationToken>,
    id: String,
    request: LogRequest,
    ticket: String,
    on_lines: Channel<Vec<LogLine>>,
) -> Result<(), IpcError> {
    let engine = hub.engine()?;
    let lease = streams.begin(&ticket, &app_cancel);
    let sink = Arc::new(ChannelSink(on_lines));
    let result =
        logs::stream_logs(&engine, &id, &request, sink, lease.token.clone(), LOG_TICK).await;
    streams.end(&ticket, &lease);
    result.map(drop).map_err(Into::into)
}

/// Stops the log stream or pull with this ticket; false if it already ended.
#[tauri::command]
pub fn stop_stream(streams: State<'_, Streams>, ticket: String) -> bool {
    streams.cancel(&ticket)
}

/// Saves the container's logs (every line `request` selects) to the Downloads folder;
/// returns the file's path.
#[tauri::command]
pub async fn save_logs(
    hub: State<'_, Arc<EngineHub>>,
    id: String,
    name: String,
    request: LogRequest,
) -> Result<String, IpcError> {
    let engine = hub.engine()?;
    let dir = logs::downloads_dir().ok_or_else(|| IpcError {
        kind: super::error::IpcErrorKind::Internal,
        message: "there is no Downloads or home folder to save to".into(),
    })?;
    match logs::save_logs(&engine, &id, &name, &request, &dir).await {
        Ok(path) => Ok(path.display().to_string()),
        Err(logs::SaveLogsError::Engine(e)) => Err(e.into()),
        Err(e) => Err(IpcError {
            kind: super::error::IpcErrorKind::Internal,
            message: e.to_string(),
        }),
    }
}
