//! Acting on groups: members of any group (a label selector), start/stop/remove all of them,
//! scaling a launch group up (more of the same spec) and down (highest numbers go), and
//! removing what a launch made.

use std::collections::HashSet;
use std::sync::Arc;

use futures_util::stream::StreamExt;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::plan::{engine_state, plan_with_state, PlanError};
use super::run::{run_launch, LaunchOptions, LaunchOutcome, ReplicaProgress};
use crate::domain::groups::GroupRef;
use crate::domain::ids::{ContainerId, GroupId};
use crate::domain::launch::plan::{replica_number, spec_from_labels};
use crate::domain::launch::{FieldError, LaunchField, Replicas, LABEL_GROUP};
use crate::domain::ContainerSummary;
use crate::engine::{Engine, EngineError};
use crate::services::sink::Sink;

/// A launch group's members, lowest replica number first.
pub async fn group_members(
    engine: &Engine,
    group: &GroupId,
) -> Result<Vec<ContainerSummary>, EngineError> {
    let mut members = engine
        .list_labelled(&format!("{LABEL_GROUP}={group}"))
        .await?;
    members.sort_by_key(|c| replica_number(&c.labels).unwrap_or(u32::MAX));
    Ok(members)
}

/// The members of a group of any kind: the engine filters by one of the selector's pairs,
/// the selector itself decides.
pub async fn members_of(
    engine: &Engine,
    group: &GroupRef,
) -> Result<Vec<ContainerSummary>, EngineError> {
    if let GroupRef::Launch { group } = group {
        return group_members(engine, group).await;
    }
    let selector = group.selector();
    let listed = match selector.equal.iter().next() {
        Some((k, v)) => engine.list_labelled(&format!("{k}={v}")).await?,
        None => engine.list_containers().await?,
    };
    Ok(listed
        .into_iter()
        .filter(|c| selector.matches(&c.labels))
        .collect())
}

/// What scaling a group did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScaleOutcome {
    /// Set when the group grew.
    pub launch: Option<LaunchOutcome>,
    /// Names of the replicas removed when it shrank.
    pub removed: Vec<String>,
    /// `name: reason` for replicas that could not be removed.
    pub errors: Vec<String>,
}

/// Scales a group to `target` replicas: up launches more with the group's own spec
/// (numbered after its highest replica), down removes the highest-numbered ones.
pub async fn scale_group(
    engine: &Engine,
    group: &GroupId,
    target: Replicas,
    sink: Arc<dyn Sink<Vec<ReplicaProgress>>>,
    cancel: CancellationToken,
    options: &LaunchOptions,
) -> Result<ScaleOutcome, PlanError> {
    let invalid = |m: String| PlanError::Invalid(vec![FieldError::new(LaunchField::Replicas, m)]);
    let target = target.get();
    let members = group_members(engine, group).await?;
    if members.is_empty() {
        return Err(PlanError::Engine(EngineError::NotFound {
            message: format!("no launch group {group}"),
        }));
    }
    let current = members.len() as u32;
    if target > current {
        let spec = members
            .iter()
            .find_map(|c| spec_from_labels(&c.labels))
            .ok_or_else(|| {
                invalid("this group's launch settings label is missing or unreadable".into())
            })?;
        let after = members
            .iter()
            .filter_map(|c| replica_number(&c.labels))
            .max()
            .unwrap_or(0);
        let (state, _) = engine_state(engine).await?;
        let plan = plan_with_state(&spec, target - current, group, &state, after)?;
        let launch = run_launch(engine, &plan, sink, cancel, options).await;
        return Ok(ScaleOutcome {
            launch: Some(launch),
            removed: Vec::new(),
            errors: Vec::new(),
        });
    }
    let doomed: Vec<&ContainerSummary> = members
        .iter()
        .rev()
        .take((current - target) as usize)
        .collect();
    let (removed, errors) = remove_all(engine, &doomed, options.concurrency).await;
    Ok(ScaleOutcome {
        launch: None,
        removed,
        errors,
    })
}

/// Removes `containers` with bounded concurrency; returns (removed names, `name: reason`).
/// The futures own what they use: borrowed captures would make the command futures that
/// call this fail Tauri's `Send` check.
async fn remove_all(
    engine: &Engine,
    containers: &[&ContainerSummary],
    concurrency: usize,
) -> (Vec<String>, Vec<String>) {
    let jobs: Vec<(Engine, String, String)> = containers
        .iter()
        .map(|c| (engine.clone(), c.id.clone(), c.name.clone()))
        .collect();
    let results: Vec<(String, Result<(), EngineError>)> = futures_util::stream::iter(jobs)
        .map(|(engine, id, name)| async move { (name, engine.remove_container(&id).await) })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut removed = Vec::new();
    let mut errors = Vec::new();
    for (name, r) in results {
        match r {
            Ok(()) => removed.push(name),
            Err(e) => errors.push(format!("{name}: {e}")),
        }
    }
    (removed, errors)
}

/// An action on every member of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum GroupAction {
    Start,
    Stop,
    Remove,
}

/// Applies `action` to every member of a group of any kind; returns `name: reason` per
/// member that failed.
pub async fn group_action(
    engine: &Engine,
    group: &GroupRef,
    action: GroupAction,
    concurrency: usize,
) -> Result<Vec<String>, EngineError> {
    let members = members_of(engine, group).await?;
    let refs: Vec<&ContainerSummary> = members.iter().collect();
    if action == GroupAction::Remove {
        return Ok(remove_all(engine, &refs, concurrency).await.1);
    }
    let jobs: Vec<(Engine, ContainerSummary)> = members
        .iter()
        .map(|c| (engine.clone(), c.clone()))
        .collect();
    let results: Vec<(String, Result<(), EngineError>)> = futures_util::stream::iter(jobs)
        .map(|(engine, c)| async move {
            let r = match action {
                GroupAction::Start if !c.state.is_up() => engine.start_container(&c.id).await,
                GroupAction::Stop if c.state.is_up() => engine.stop_container(&c.id, None).await,
                _ => Ok(()),
            };
            (c.name, r)
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    Ok(results
        .into_iter()
        .filter_map(|(n, r)| r.err().map(|e| format!("{n}: {e}")))
        .collect())
}

/// Removes the given containers, but only those that belong to a launch group (what a
/// launch made): the "remove what was made" after a partial failure.
pub async fn remove_launched(
    engine: &Engine,
    ids: &[ContainerId],
    concurrency: usize,
) -> Result<Vec<String>, EngineError> {
    let launched = engine.list_labelled(LABEL_GROUP).await?;
    let wanted: HashSet<&str> = ids.iter().map(ContainerId::as_str).collect();
    let doomed: Vec<&ContainerSummary> = launched
        .iter()
        .filter(|c| wanted.contains(c.id.as_str()))
        .collect();
    Ok(remove_all(engine, &doomed, concurrency).await.1)
}
