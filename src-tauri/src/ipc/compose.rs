//! Compose commands (#15): the projects on the engine, a Compose file checked before it runs,
//! the Compose CLI run with its output streamed (Up from a file, Down, Scale), and a project's
//! start / stop / restart / remove through the engine.

use std::sync::Arc;

use berth_core::domain::cli_equiv::CliCommand;
use berth_core::domain::compose::{
    ComposeOutputLine, ComposeProject, ComposeRunOutcome, ProjectRemoval, ProjectRemoved,
};
use berth_core::domain::ids::Ticket;
use berth_core::services::compose::{
    self, ComposeError, ComposeFileCheck, ComposeRequest, ProjectAction,
};
use berth_core::services::EngineHub;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

use super::error::{IpcError, IpcErrorKind};
use super::streams::{ChannelSink, Launches};

impl From<ComposeError> for IpcError {
    fn from(e: ComposeError) -> Self {
        if let ComposeError::Engine(inner) = e {
            return IpcError::from(inner);
        }
        let kind = match &e {
            ComposeError::Engine(_) => IpcErrorKind::Internal,
            ComposeError::File(_) | ComposeError::InvalidInput(_) => IpcErrorKind::InvalidInput,
            ComposeError::NoCli | ComposeError::Unsupported(_) => IpcErrorKind::Conflict,
            ComposeError::Spawn(_) => IpcErrorKind::Internal,
        };
        Self {
            kind,
            message: e.to_string(),
        }
    }
}

/// Every Compose project on the engine, with its services.
#[tauri::command]
pub async fn list_compose_projects(
    hub: State<'_, Arc<EngineHub>>,
) -> Result<Vec<ComposeProject>, IpcError> {
    Ok(compose::projects(&hub.engine()?).await?)
}

/// Reads and checks a Compose file (full path): services, images, ports and volumes, or the
/// error with its line and column. Runs nothing.
#[tauri::command]
pub async fn check_compose_file(
    hub: State<'_, Arc<EngineHub>>,
    path: String,
) -> Result<ComposeFileCheck, IpcError> {
    Ok(compose::check_file(&hub.engine()?, &path).await?)
}

/// Runs the Compose CLI for `request`, each output line to `on_output`; resolves when it
/// ends. Kept with the launches (a window reload must not kill a half-done Up);
/// `cancel_compose(ticket)` stops it.
#[tauri::command]
pub async fn run_compose(
    hub: State<'_, Arc<EngineHub>>,
    launches: State<'_, Launches>,
    request: ComposeRequest,
    ticket: Ticket,
    on_output: Channel<ComposeOutputLine>,
) -> Result<ComposeRunOutcome, IpcError> {
    let engine = hub.engine()?;
    let sink = Arc::new(ChannelSink(on_output));
    let running = launches.0.start(ticket, |cancel| async move {
        compose::run(&engine, &request, sink, cancel).await
    });
    Ok(running.join().await??)
}

/// Stops the Compose CLI run with this ticket; false if it already ended.
#[tauri::command]
pub fn cancel_compose(launches: State<'_, Launches>, ticket: Ticket) -> bool {
    launches.0.stop(&ticket)
}

/// What a project action did, and its Compose line.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ProjectActionOutcome {
    pub failures: Vec<String>,
    pub command: CliCommand,
}

/// Starts, stops or restarts every container of a project, through the engine.
#[tauri::command]
pub async fn compose_project_action(
    hub: State<'_, Arc<EngineHub>>,
    project: String,
    action: ProjectAction,
) -> Result<ProjectActionOutcome, IpcError> {
    let engine = hub.engine()?;
    let failures = compose::project_action(&engine, &project, action).await?;
    let files = compose::projects(&engine)
        .await?
        .into_iter()
        .find(|p| p.name == project)
        .map(|p| p.config_files)
        .unwrap_or_default();
    let command = compose::action_command(&project, &files, &action.verb()).await;
    Ok(ProjectActionOutcome { failures, command })
}

/// What removing a project takes, by name: shown in the confirmation.
#[tauri::command]
pub async fn compose_removal(
    hub: State<'_, Arc<EngineHub>>,
    project: String,
) -> Result<ProjectRemoval, IpcError> {
    Ok(compose::removal_preview(&hub.engine()?, &project).await?)
}

/// Removes a project's containers, then its networks: only those the confirmation named.
#[tauri::command]
pub async fn remove_compose_project(
    hub: State<'_, Arc<EngineHub>>,
    project: String,
    containers: Vec<String>,
    networks: Vec<String>,
) -> Result<ProjectRemoved, IpcError> {
    Ok(compose::remove_project(&hub.engine()?, &project, &containers, &networks).await?)
}
