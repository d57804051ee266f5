//! What a tray click does. The app's tray handler and the tests both come through
//! [`tray_action`], so the tested path is the clicked one.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::actions::run_action;
use super::launch::{self as launcher, LaunchOptions, ScaleTo};
use super::sink::Discard;
use super::tray_model::{ContainerCommand, TrayId};
use crate::domain::actions::ContainerAction;
use crate::domain::launch::{LaunchRequest, Replicas, LABEL_GROUP};
use crate::domain::settings::RecentImage;
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
    /// A recent image or a launch group was launched again with this form: the app moves
    /// the image first in the recent images.
    Launched {
        summary: String,
        request: Box<LaunchRequest>,
    },
    /// It failed; why, for a notification or the log.
    Failed(String),
    /// An id no menu of this version makes.
    Unknown(String),
}

/// Parses the tray's string id and does the engine part of it.
/// `engine` is the hub's current connection (`EngineHub::engine`); `recent` the settings'
/// recent images (their stored forms are what "Launch another" repeats).
pub async fn tray_action(
    engine: Result<Engine, EngineError>,
    raw_id: &str,
    recent: &[RecentImage],
) -> TrayOutcome {
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
        TrayId::StopAllLaunched => {
            let signer = match launcher::key::current() {
                Ok(s) => s,
                Err(e) => return TrayOutcome::Failed(e.to_string()),
            };
            match engine.list_labelled(LABEL_GROUP).await {
                // What this Berth launched: a forged label does not make a container ours.
                Ok(all) => (
                    all.into_iter()
                        .filter(|c| {
                            c.state.is_up() && signer.key().member_trust(&c.labels).is_verified()
                        })
                        .map(|c| c.id)
                        .collect(),
                    ContainerAction::Stop,
                ),
                Err(e) => return TrayOutcome::Failed(e.to_string()),
            }
        }
        TrayId::LaunchRecent { image } => {
            let Some(entry) = recent.iter().find(|r| r.image == image) else {
                return TrayOutcome::Failed(format!(
                    "{image} is no longer among the recent images"
                ));
            };
            return launch_recent(&engine, &entry.request).await;
        }
        TrayId::ScaleUp { group } => {
            let members = match launcher::group_members(&engine, &group).await {
                Ok(m) => m,
                Err(e) => return TrayOutcome::Failed(e.to_string()),
            };
            let signer = match launcher::key::current() {
                Ok(s) => s,
                Err(e) => return TrayOutcome::Failed(e.to_string()),
            };
            // Only a group this Berth launched is replayed, and only with a spec the launch
            // form accepts; the same spec's form then counts as a recent image (issue #6).
            let form = match launcher::replayable_spec(signer.key(), &group, &members) {
                Ok(spec) => Some(spec.to_request(1)),
                Err(e) => return TrayOutcome::Failed(plan_error(e)),
            };
            let target = match Replicas::new(members.len() as u32 + 1) {
                Ok(n) => ScaleTo::keeping_volumes(n),
                Err(e) => return TrayOutcome::Failed(e.to_string()),
            };
            let result = launcher::scale_group(
                &engine,
                &group,
                target,
                Arc::new(Discard),
                CancellationToken::new(),
                &LaunchOptions::default(),
            )
            .await;
            return match result {
                Ok(outcome) => match outcome.launch {
                    Some(launch) if launch.failed().next().is_none() => {
                        let summary = format!("launched one more replica of group {group}");
                        match form {
                            Some(request) => TrayOutcome::Launched {
                                summary,
                                request: Box::new(request),
                            },
                            None => TrayOutcome::Done(summary),
                        }
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

/// One new container of a recent image: its stored form with one replica, as a new launch
/// group. Planning is the dialog's own (`launcher::launch`): the name pattern's next free
/// number, host ports moved up past any that are taken, the image pulled if it is gone.
async fn launch_recent(engine: &Engine, stored: &LaunchRequest) -> TrayOutcome {
    let request = LaunchRequest {
        replicas: "1".into(),
        ..stored.clone()
    };
    let group = launcher::new_group_id();
    let result = launcher::launch(
        engine,
        &request,
        &group,
        Arc::new(Discard),
        // The tray has no progress view; Discard never reports the subscriber gone, so a
        // pull still runs to the end.
        Arc::new(Discard),
        CancellationToken::new(),
        &LaunchOptions::default(),
    )
    .await;
    match result {
        Ok(outcome) if outcome.failed().next().is_none() && !outcome.cancelled => {
            let names: Vec<&str> = outcome.replicas.iter().map(|r| r.name.as_str()).collect();
            TrayOutcome::Launched {
                summary: format!("launched {} from {}", names.join(", "), request.image),
                request: Box::new(stored.clone()),
            }
        }
        Ok(outcome) => TrayOutcome::Failed(format!(
            "launching {} failed: {}",
            request.image,
            outcome
                .failed()
                .filter_map(|r| r.error.clone())
                .collect::<Vec<_>>()
                .join("; ")
        )),
        Err(e) => TrayOutcome::Failed(format!(
            "cannot launch {}: {}",
            request.image,
            plan_error(e)
        )),
    }
}

fn plan_error(e: launcher::PlanError) -> String {
    match e {
        launcher::PlanError::Engine(e) => e.to_string(),
        launcher::PlanError::Invalid(errors) => errors
            .into_iter()
            .map(|e| e.message)
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
