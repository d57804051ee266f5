//! What a tray click does. The app's tray handler and the tests both come through
//! [`tray_action`], so the tested path is the clicked one.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::actions::run_action;
use super::launcher::{self, LaunchOptions, NoProgress};
use super::tray_model::{ContainerCommand, TrayId};
use crate::domain::actions::ContainerAction;
use crate::domain::launch::LABEL_GROUP;
use crate::engine::{Engine, EngineError};

/// What the app still has to do after the engine part is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayOutcome {
    ShowWindow,
    /// Show the window on this container's logs.
    ShowLogs(String),
    Quit,
    /// The engine did it; a one-line summary for the log.
    Done(String),
    /// It failed; why, for a notification or the log.
    Failed(String),
    /// An id no menu of this version makes.
    Unknown(String),
}

/// Parses the tray's string id and does the engine part of it.
/// `engine` is the hub's current connection (`EngineHub::engine`).
pub async fn tray_action(engine: Result<Engine, EngineError>, raw_id: &str) -> TrayOutcome {
    let Some(id) = TrayId::parse(raw_id) else {
        return TrayOutcome::Unknown(raw_id.to_string());
    };
    let engine = match &id {
        TrayId::OpenWindow => return TrayOutcome::ShowWindow,
        TrayId::Quit => return TrayOutcome::Quit,
        TrayId::Container {
            command: ContainerCommand::Logs,
            id,
        } => return TrayOutcome::ShowLogs(id.clone()),
        _ => match engine {
            Ok(engine) => engine,
            Err(e) => return TrayOutcome::Failed(e.to_string()),
        },
    };
    let (targets, action) = match id {
        TrayId::Container { command, id } => {
            let action = match command {
                ContainerCommand::Start => ContainerAction::Start,
                ContainerCommand::Stop => ContainerAction::Stop,
                ContainerCommand::Restart => ContainerAction::Restart,
                ContainerCommand::Logs => return TrayOutcome::ShowLogs(id),
            };
            (vec![id], action)
        }
        TrayId::StopAllLaunched => match engine.list_labelled(LABEL_GROUP).await {
            Ok(all) => (
                all.into_iter()
                    .filter(|c| c.state.is_up())
                    .map(|c| c.id)
                    .collect(),
                ContainerAction::Stop,
            ),
            Err(e) => return TrayOutcome::Failed(e.to_string()),
        },
        TrayId::ScaleUp { group } => {
            let members = match launcher::group_members(&engine, &group).await {
                Ok(m) => m.len() as u32,
                Err(e) => return TrayOutcome::Failed(e.to_string()),
            };
            let result = launcher::scale_group(
                &engine,
                &group,
                members + 1,
                Arc::new(NoProgress),
                CancellationToken::new(),
                &LaunchOptions::default(),
            )
            .await;
            return match result {
                Ok(outcome) => match outcome.launch {
                    Some(launch) if launch.failed().next().is_none() => {
                        TrayOutcome::Done(format!("launched one more replica of group {group}"))
                    }
                    Some(launch) => TrayOutcome::Failed(
                        launch
                            .failed()
                            .filter_map(|r| r.error.clone())
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                    None => TrayOutcome::Failed(format!("group {group} did not grow")),
                },
                Err(e) => TrayOutcome::Failed(e.to_string()),
            };
        }
        TrayId::OpenWindow | TrayId::Quit => return TrayOutcome::ShowWindow,
    };
    let results = run_action(&engine, &targets, action).await;
    let errors: Vec<String> = results.iter().filter_map(|r| r.error.clone()).collect();
    if errors.is_empty() {
        TrayOutcome::Done(format!(
            "{} {} container(s)",
            action.done_word(),
            results.len()
        ))
    } else {
        TrayOutcome::Failed(errors.join("; "))
    }
}
