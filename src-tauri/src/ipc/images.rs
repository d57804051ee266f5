//! Image commands: pull with progress and cancel, tag, remove, history, and cleanup.

use std::sync::Arc;

use berth_core::domain::ids::{ImageId, Ticket};
use berth_core::domain::image_ops::{tag_cli, HistoryEntry, RemoveImageResult};
use berth_core::domain::prune::{PrunePreview, PruneReport, PruneRequest};
use berth_core::domain::pull::{PullOutcome, PullProgress};
use berth_core::domain::reference::parse_tag_target;
use berth_core::services::pull::{self, PULL_TICK};
use berth_core::services::EngineHub;
use tauri::ipc::Channel;
use tauri::State;

use super::error::{IpcError, IpcErrorKind};
use super::streams::{ChannelSink, Streams};

/// Pulls `reference`, sending progress to `on_progress` once per tick; `stop_stream(ticket)`
/// cancels it.
#[tauri::command]
pub async fn pull_image(
    hub: State<'_, Arc<EngineHub>>,
    streams: State<'_, Streams>,
    reference: String,
    ticket: Ticket,
    on_progress: Channel<PullProgress>,
) -> Result<PullOutcome, IpcError> {
    let engine = hub.engine()?;
    let sink = Arc::new(ChannelSink(on_progress));
    let running = streams.0.start(ticket, |cancel| async move {
        pull::run_pull(&engine, &reference, sink, cancel, PULL_TICK).await
    });
    Ok(running.join().await??)
}

/// Adds the tag `target` to `source`; returns the equivalent `docker tag` command.
#[tauri::command]
pub async fn tag_image(
    hub: State<'_, Arc<EngineHub>>,
    source: ImageId,
    target: String,
) -> Result<String, IpcError> {
    let parsed = parse_tag_target(&target).map_err(|message| IpcError {
        kind: IpcErrorKind::InvalidInput,
        message,
    })?;
    hub.engine()?.tag_image(source.as_str(), &parsed).await?;
    Ok(tag_cli(source.as_str(), &parsed.canonical()))
}

/// Removes an image; without `force`, one that containers use fails with `conflict` and a
/// message naming them.
#[tauri::command]
pub async fn remove_image(
    hub: State<'_, Arc<EngineHub>>,
    image: ImageId,
    force: bool,
) -> Result<RemoveImageResult, IpcError> {
    Ok(hub.engine()?.remove_image(image.as_str(), force).await?)
}

#[tauri::command]
pub async fn image_history(
    hub: State<'_, Arc<EngineHub>>,
    image: ImageId,
) -> Result<Vec<HistoryEntry>, IpcError> {
    Ok(hub.engine()?.image_history(image.as_str()).await?)
}

/// Limits cleanup to objects carrying one label (`BERTH_PRUNE_LABEL=key=value`), for an
/// engine shared with other work (the end-to-end tests use it). Unset: everything.
pub struct PruneScope(pub Option<String>);

impl PruneScope {
    pub fn from_env() -> Self {
        Self(
            std::env::var("BERTH_PRUNE_LABEL")
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty()),
        )
    }
}

#[tauri::command]
pub async fn prune_preview(
    hub: State<'_, Arc<EngineHub>>,
    scope: State<'_, Arc<PruneScope>>,
    request: PruneRequest,
) -> Result<PrunePreview, IpcError> {
    Ok(hub
        .engine()?
        .prune_preview(request, scope.0.as_deref())
        .await?)
}

#[tauri::command]
pub async fn prune(
    hub: State<'_, Arc<EngineHub>>,
    scope: State<'_, Arc<PruneScope>>,
    request: PruneRequest,
) -> Result<PruneReport, IpcError> {
    Ok(hub.engine()?.prune(request, scope.0.as_deref()).await?)
}
