//! Launch commands: the dialog's live preview, launching with progress over a channel,
//! cancelling, and acting on launch groups. Bodies are thin: the launcher service does it.

use std::sync::Arc;

use berth_core::domain::groups::GroupRef;
use berth_core::domain::ids::{ContainerId, GroupId, Ticket};
use berth_core::domain::launch::{FieldError, LaunchField, LaunchRequest, Replicas};
use berth_core::domain::pull::PullProgress;
use berth_core::services::launch::{
    self as launcher, AdoptOutcome, GroupAction, LaunchOptions, LaunchOutcome, LaunchPreview,
    PlanError, ReplicaProgress, ScaleOutcome, ScaleTo,
};
use berth_core::services::sink::Sink;
use berth_core::services::EngineHub;
use tauri::ipc::Channel;
use tauri::State;

use super::error::{IpcError, IpcErrorKind};
use super::streams::ChannelSink as PullChannelSink;
pub use super::streams::Launches;

/// Progress batches go straight to the window's channel.
struct ChannelSink(Channel<Vec<ReplicaProgress>>);

impl Sink<Vec<ReplicaProgress>> for ChannelSink {
    fn send(&self, batch: Vec<ReplicaProgress>) -> bool {
        // A closed channel means the window went away; the launch itself goes on.
        match self.0.send(batch) {
            Ok(()) => true,
            Err(e) => {
                tracing::debug!(error = %e, "launch progress not delivered");
                false
            }
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
            // The user can act on these: review and adopt the group, tick the binds.
            e @ (PlanError::Foreign { .. } | PlanError::ReviewBinds { .. }) => IpcError {
                kind: IpcErrorKind::InvalidInput,
                message: e.to_string(),
            },
            e @ PlanError::LaunchKey(_) => IpcError {
                kind: IpcErrorKind::Internal,
                message: e.to_string(),
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
    group: Option<GroupId>,
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
    settings: State<'_, Arc<crate::settings::SettingsState>>,
    request: LaunchRequest,
    group: GroupId,
    ticket: Ticket,
    on_progress: Channel<Vec<ReplicaProgress>>,
    on_pull: Channel<PullProgress>,
    // The dialog's "Remember environment values with this image" (off unless ticked, #13).
    remember_env: Option<bool>,
) -> Result<LaunchOutcome, IpcError> {
    let engine = hub.engine()?;
    let form = request.clone();
    let running = launches.0.start(ticket, |cancel| async move {
        launcher::launch(
            &engine,
            &form,
            &group,
            Arc::new(ChannelSink(on_progress)),
            Arc::new(PullChannelSink(on_pull)),
            cancel,
            &LaunchOptions::default(),
        )
        .await
    });
    let outcome = running.join().await??;
    // Issue #6: an image something was launched from becomes a recent image, with this form.
    if !outcome.running_ids().is_empty() {
        settings.remember_launch_choosing(&app, &request, remember_env.unwrap_or(false));
    }
    Ok(outcome)
}

/// Cancels the launch or scale-up with this ticket; false if it already ended.
#[tauri::command]
pub fn cancel_launch(launches: State<'_, Launches>, ticket: Ticket) -> bool {
    launches.0.stop(&ticket)
}

/// Scales a launch group to `replicas` (up: more of the same; down: highest numbers go,
/// only replicas this Berth launched, and their anonymous volumes only with
/// `remove_volumes`). A group this Berth did not launch is refused until adopted.
// A command's arguments are its IPC payload (plus injected state).
#[allow(clippy::too_many_arguments)]
#[tauri::command]
pub async fn scale_group(
    hub: State<'_, Arc<EngineHub>>,
    launches: State<'_, Launches>,
    group: GroupId,
    replicas: u32,
    remove_volumes: Option<bool>,
    ticket: Ticket,
    on_progress: Channel<Vec<ReplicaProgress>>,
) -> Result<ScaleOutcome, IpcError> {
    // The UI checks the count first; a bad one here is still a field error.
    let replicas = Replicas::new(replicas).map_err(|e| {
        PlanError::Invalid(vec![FieldError::new(LaunchField::Replicas, e.to_string())])
    })?;
    let engine = hub.engine()?;
    let sink = Arc::new(ChannelSink(on_progress));
    let running = launches.0.start(ticket, |cancel| async move {
        launcher::scale_group(
            &engine,
            &group,
            ScaleTo {
                replicas,
                remove_volumes: remove_volumes.unwrap_or(false),
            },
            sink,
            cancel,
            &LaunchOptions::default(),
        )
        .await
    });
    Ok(running.join().await??)
}

/// Which group an action is for: a launch group's id as a plain string (what the groups view
/// has always sent), or a reference to a group of any kind (`{kind: "compose_project", ...}`).
#[derive(serde::Deserialize)]
#[serde(untagged)]
pub enum GroupTarget {
    Launch(GroupId),
    Any(GroupRef),
}

impl From<GroupTarget> for GroupRef {
    fn from(t: GroupTarget) -> Self {
        match t {
            GroupTarget::Launch(group) => GroupRef::Launch { group },
            GroupTarget::Any(r) => r,
        }
    }
}

/// Starts, stops or removes every member; returns `name: reason` for each failure. A remove
/// takes the members' anonymous volumes only with `remove_volumes` (issue #13).
#[tauri::command]
pub async fn group_action(
    hub: State<'_, Arc<EngineHub>>,
    group: GroupTarget,
    action: GroupAction,
    remove_volumes: Option<bool>,
) -> Result<Vec<String>, IpcError> {
    let concurrency = LaunchOptions::default().concurrency;
    let group = GroupRef::from(group);
    let volumes = remove_volumes.unwrap_or(false);
    Ok(launcher::group_action_with(&hub.engine()?, &group, action, volumes, concurrency).await?)
}

/// Adopts a launch group this Berth did not launch, after the user reviewed its spec: the
/// spec must pass the launch form's validator, and host paths it mounts must have been
/// confirmed (`binds_reviewed`). Then it is scaled and replayed like the groups Berth made.
#[tauri::command]
pub async fn adopt_group(
    hub: State<'_, Arc<EngineHub>>,
    group: GroupTarget,
    binds_reviewed: bool,
) -> Result<AdoptOutcome, IpcError> {
    let group = GroupRef::from(group);
    Ok(launcher::adopt_group(&hub.engine()?, &group, binds_reviewed).await?)
}

/// Removes containers a launch made (only those carrying a launch-group label).
#[tauri::command]
pub async fn remove_launched(
    hub: State<'_, Arc<EngineHub>>,
    ids: Vec<ContainerId>,
) -> Result<Vec<String>, IpcError> {
    let concurrency = LaunchOptions::default().concurrency;
    Ok(launcher::remove_launched(&hub.engine()?, &ids, concurrency).await?)
}
