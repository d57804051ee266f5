//! What a tray click does. The app's tray handler and the tests both come through
//! [`tray_action`], so the tested path is the clicked one.

use std::collections::HashSet;
use std::sync::Arc;

use serde::Serialize;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::actions::run_action;
use super::launch::{self as launcher, LaunchOptions, ScaleTo};
use super::sink::Discard;
use super::tray_model::{ContainerCommand, TrayId};
use crate::domain::actions::ContainerAction;
use crate::domain::ids::ContainerId;
use crate::domain::launch::names::{numbered_pattern, plan_names, PLACEHOLDER};
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
    /// "Stop all containers launched by Berth": nothing is stopped yet. A menu cannot ask,
    /// so the app shows its window with these containers named and stops them only when
    /// the user says yes there (issue #13). Never empty.
    ConfirmStop(Vec<StopCandidate>),
    /// Open this URL in the desktop's browser (a container's published port, made by
    /// `services::port_links` from the engine's listing).
    OpenUrl(String),
    /// It failed; why, for a notification or the log.
    Failed(String),
    /// An id no menu of this version makes.
    Unknown(String),
}

/// A running container this Berth launched, as the stop-all question names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StopCandidate {
    pub id: ContainerId,
    pub name: String,
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
            return match engine.list_labelled(LABEL_GROUP).await {
                // What this Berth launched: a forged label does not make a container ours.
                Ok(all) => {
                    let mut up: Vec<StopCandidate> = all
                        .into_iter()
                        .filter(|c| {
                            c.state.is_up() && signer.key().member_trust(&c.labels).is_verified()
                        })
                        .map(|c| StopCandidate {
                            id: ContainerId::from(c.id),
                            name: c.name,
                        })
                        .collect();
                    up.sort_by(|a, b| a.name.cmp(&b.name));
                    if up.is_empty() {
                        TrayOutcome::Done("no container launched by Berth is running".into())
                    } else {
                        TrayOutcome::ConfirmStop(up)
                    }
                }
                Err(e) => TrayOutcome::Failed(e.to_string()),
            };
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
        TrayId::ComposeProject { command, project } => {
            return super::compose::tray_command(&engine, &project, command).await;
        }
        TrayId::OpenPort { id, port } => {
            return match super::port_links::url_of_port(&engine, &id, port).await {
                Ok(url) => TrayOutcome::OpenUrl(url),
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

/// One new container of a recent image: its stored form with one replica (see
/// [`another_request`]), as a new launch group. Planning is the dialog's own
/// (`launcher::launch`): the name pattern's next free number, host ports moved up past any
/// that are taken, the image pulled if it is gone.
async fn launch_recent(engine: &Engine, stored: &LaunchRequest) -> TrayOutcome {
    let existing: HashSet<String> = match engine.list_containers().await {
        Ok(all) => all.into_iter().map(|c| c.name).collect(),
        Err(e) => return TrayOutcome::Failed(format!("cannot launch {}: {e}", stored.image)),
    };
    let request = match another_request(stored, &existing) {
        Ok(request) => request,
        Err(e) => return TrayOutcome::Failed(format!("cannot launch {}: {e}", stored.image)),
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

/// The form "Launch another" runs: the stored one, for one replica. A stored name without
/// `{n}` is an exact name (the form keeps it for one container), so replaying it as is would
/// only say "already a container named web" while that container is there. "Another" means
/// a new one beside it: then it is numbered `<name>-{n}` after that first one (`web-2`, or
/// past the highest `web-N` there already is). A free exact name is kept, as the form would.
/// A stored form of several replicas without `{n}` numbered them (`web-1`, `web-2`), so
/// another continues that numbering. `existing` is every container name on the engine.
pub fn another_request(
    stored: &LaunchRequest,
    existing: &HashSet<String>,
) -> Result<LaunchRequest, String> {
    let typed = stored.name_pattern.trim();
    let name_pattern = if typed.is_empty() || typed.contains(PLACEHOLDER) {
        stored.name_pattern.clone()
    } else if stored.replicas.trim() != "1" {
        numbered_pattern(typed)
    } else if !existing.contains(typed) {
        typed.to_string()
    } else {
        // `after` 1: the exact-named container counts as the first.
        let planned = plan_names(&numbered_pattern(typed), 1, existing, 1)?;
        planned
            .into_iter()
            .next()
            .map(|(_, name)| name)
            .ok_or_else(|| format!("no free name for another {typed}"))?
    };
    Ok(LaunchRequest {
        replicas: "1".into(),
        name_pattern,
        ..stored.clone()
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(replicas: &str, name_pattern: &str) -> LaunchRequest {
        LaunchRequest {
            image: "berth-test/app:latest".into(),
            replicas: replicas.into(),
            name_pattern: name_pattern.into(),
            ports: "8080:80".into(),
            ..Default::default()
        }
    }

    fn names(list: &[&str]) -> HashSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn another_of_an_exact_name_is_numbered_beside_it() {
        let form = stored("1", "web");
        let again = another_request(&form, &names(&["web", "other"])).unwrap();
        assert_eq!(again.name_pattern, "web-2");
        assert_eq!(again.replicas, "1");
        // The rest of the form is replayed as it was.
        assert_eq!(again.ports, form.ports);
        assert_eq!(again.image, form.image);
        // Past the highest one launched so far, and past a name taken by something else.
        let again = another_request(&form, &names(&["web", "web-2", "web-3"])).unwrap();
        assert_eq!(again.name_pattern, "web-4");
        // The replayed form validates to exactly that one name: no collision, no rewrite.
        let (n, spec) = crate::domain::launch::validate(&again).unwrap();
        assert_eq!((n, spec.name_pattern.as_str()), (1, "web-4"));
    }

    #[test]
    fn another_keeps_a_free_exact_name_and_any_pattern() {
        // The first one is gone: the form's exact name is free again, as typed.
        assert_eq!(
            another_request(&stored("1", "web"), &names(&["other"]))
                .unwrap()
                .name_pattern,
            "web"
        );
        // Patterns with {n} and the default number themselves when launched.
        for pattern in ["web-{n}", ""] {
            let again = another_request(&stored("3", pattern), &names(&["web-1"])).unwrap();
            assert_eq!(again.name_pattern, pattern);
            assert_eq!(again.replicas, "1");
        }
        // A stored several-replica form without {n} numbered its containers (web-1, web-2):
        // another continues that numbering rather than taking the bare name.
        let again = another_request(&stored("2", "web"), &names(&["web-1", "web-2"])).unwrap();
        assert_eq!(again.name_pattern, "web-{n}");
        let plan = crate::domain::launch::validate(&again).unwrap();
        let planned = plan_names(&plan.1.name_pattern, 1, &names(&["web-1", "web-2"]), 0);
        assert_eq!(planned.unwrap(), [(3, "web-3".to_string())]);
    }
}
