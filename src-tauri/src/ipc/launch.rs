//! Launch commands: the dialog's live preview, launching with progress over a channel,
//! cancelling, and acting on launch groups. Bodies are thin: the launcher service does it.

use std::sync::Arc;

use berth_core::domain::launch::LaunchRequest;
use berth_core::domain::pull::PullProgress;
use berth_core::services::launcher::{
    self, GroupAction, LaunchOptions, LaunchOutcome, LaunchPreview, LaunchSink, PlanError,
    ReplicaProgress, ScaleOutcome,
};
use berth_core::services::EngineHub;
use tauri::ipc::Channel;
use tauri::{Manager, State};
use tokio_util::sync::CancellationToken;

use super::error::{IpcError, IpcErrorKind};
use super::images::ChannelSink as PullChannelSink;
use super::streams::Streams;

/// The launches in flight, by the ticket the UI chose: the same ticket registry as the
/// streams', kept apart so `stop_stream` and `cancel_launch` each reach only their own kind.
#[derive(Default)]
pub struct Launches(Streams);

/// Progress batches go straight to the window's channel.
struct ChannelSink(Channel<Vec<ReplicaProgress>>);

impl LaunchSink for ChannelSink {
    fn progress(&self, batch: Vec<ReplicaProgress>) {
        // A closed channel means the window went away; the launch itself goes on.
        if let Err(e) = self.0.send(batch) {
            tracing::debug!(error = %e, "launch progress not delivered");
        }
    }
}

impl From<PlanError> for IpcError {
    fn from(e: PlanError) -> Self {
        match e {
            PlanError::Engine(e) => e.into(),
            PlanError::Invalid(errors) => IpcError {
                kind: IpcErrorKind::InvalidInput,
                message: errors
                    .into_iter()
                    .map(|e| e.message)
                    .collect::<Vec<_>>()
                    .join("; "),
            },
        }
    }
}

/// Validates and plans the form (names, ports, `docker run` lines) without creating
/// anything. `group` keeps the id stable across previews; none makes a new one.
#[tauri::command]
pub async fn launch_preview(
    hub: State<'_, Arc<EngineHub>>,
    request: LaunchRequest,
    group: Option<String>,
) -> Result<LaunchPreview, IpcError> {
    let group = group.unwrap_or_else(launcher::new_group_id);
    Ok(launcher::preview_launch(&hub.engine()?, &request, &group).await?)
}

/// Launches the form's replicas as group `group`, streaming progress to `on_progress`. An
/// image the engine does not have is pulled first, its progress going to `on_pull`;
/// `cancel_launch(ticket)` cancels the pull too.
// A command's arguments are its IPC payload (plus injected state): one struct would only
// rename them.
#[allow(clippy::too_many_arguments)]
#[tauri::command]
pub async fn launch<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    hub: State<'_, Arc<EngineHub>>,
    launches: State<'_, Launches>,
    app_cancel: State<'_, CancellationToken>,
    request: LaunchRequest,
    group: String,
    ticket: String,
    on_progress: Channel<Vec<ReplicaProgress>>,
    on_pull: Channel<PullProgress>,
) -> Result<LaunchOutcome, IpcError> {
    let engine = hub.engine()?;
    let lease = launches.0.begin(&ticket, &app_cancel);
    let result = launcher::launch(
        &engine,
        &request,
        &group,
        Arc::new(ChannelSink(on_progress)),
        Arc::new(PullChannelSink(on_pull)),
        lease.token.clone(),
        &LaunchOptions::default(),
    )
    .await;
    launches.0.end(&ticket, &lease);
    let outcome = result?;
    // Issue #6: an image something was launched from becomes a recent image, with this form.
    if !outcome.running_ids().is_empty() {
        if let Some(settings) = app.try_state::<crate::settings::SettingsState>() {
            settings.remember_launch(&app, &request);
        }
    }
    Ok(outcome)
}

/// Cancels the launch or scale-up with this ticket; false if it already ended.
#[tauri::command]
pub fn cancel_launch(launches: State<'_, Launches>, ticket: String) -> bool {
    launches.0.cancel(&ticket)
}

/// Scales a launch group to `replicas` (up: more of the same; down: highest numbers go).
#[tauri::command]
pub async fn scale_group(
    hub: State<'_, Arc<EngineHub>>,
    launches: State<'_, Launches>,
    app_cancel: State<'_, CancellationToken>,
    group: String,
    replicas: u32,
    ticket: String,
    on_progress: Channel<Vec<ReplicaProgress>>,
) -> Result<ScaleOutcome, IpcError> {
    let engine = hub.engine()?;
    let lease = launches.0.begin(&ticket, &app_cancel);
    let sink = Arc::new(ChannelSink(on_progress));
    let result = launcher::scale_group(
        &engine,
        &group,
        replicas,
        sink,
        lease.token.clone(),
        &LaunchOptions::default(),
    )
    .await;
    launches.0.end(&ticket, &lease);
    Ok(result?)
}

/// Starts, stops or removes every member; returns `name: reason` for each failure.
#[tauri::command]
pub async fn group_action(
    hub: State<'_, Arc<EngineHub>>,
    group: String,
    action: GroupAction,
) -> Result<Vec<String>, IpcError> {
    let concurrency = LaunchOptions::default().concurrency;
    Ok(launcher::group_action(&hub.engine()?, &group, action, concurrency).await?)
}

/// Removes containers a launch made (only those carrying a launch-group label).
#[tauri::command]
pub async fn remove_launched(
    hub: State<'_, Arc<EngineHub>>,
    ids: Vec<String>,
) -> Result<Vec<String>, IpcError> {
    let concurrency = LaunchOptions::default().concurrency;
    Ok(launcher::remove_launched(&hub.engine()?, &ids, concurrency).await?)
}
