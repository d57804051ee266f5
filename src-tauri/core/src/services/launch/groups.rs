//! Acting on groups: members of any group (a label selector), start/stop/remove all of them,
//! scaling a launch group up (more of the same spec) and down (highest numbers go), and
//! removing what a launch made.

use std::collections::HashSet;
use std::sync::Arc;

use futures_util::stream::StreamExt;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::key;
use super::plan::is_group_id;
use super::plan::{engine_state, plan_with_state, PlanError};
use super::run::{run_launch, LaunchOptions, LaunchOutcome, ReplicaProgress};
use crate::domain::echo::echo;
use crate::domain::groups::GroupRef;
use crate::domain::ids::{ContainerId, GroupId};
use crate::domain::launch::plan::{replica_number, spec_from_labels};
use crate::domain::launch::seal::{ForeignReason, GroupTrust, LaunchKey, MemberTrust};
use crate::domain::launch::{
    revalidate, FieldError, LaunchField, LaunchSpec, Replicas, VolumeSource, LABEL_GROUP,
    LABEL_LAUNCH,
};
use crate::domain::ContainerSummary;
use crate::engine::{Engine, EngineError};
use crate::services::sink::Sink;

/// A launch group's members, lowest replica number first. An id Berth would never make is
/// refused before anything is listed.
pub async fn group_members(
    engine: &Engine,
    group: &GroupId,
) -> Result<Vec<ContainerSummary>, EngineError> {
    if !is_group_id(group.as_str()) {
        return Err(EngineError::InvalidArgument {
            what: "launch group id",
            value: echo(group.as_str()),
        });
    }
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
    /// `name: reason` for replicas that could not be removed (and members that were kept
    /// because this Berth did not launch them).
    pub errors: Vec<String>,
}

/// How to scale: the target count, and whether removed replicas take their anonymous
/// volumes with them (`docker rm -v`; off unless the user ticks it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleTo {
    pub replicas: Replicas,
    pub remove_volumes: bool,
}

impl ScaleTo {
    /// `replicas`, keeping volumes.
    pub fn keeping_volumes(replicas: Replicas) -> Self {
        Self {
            replicas,
            remove_volumes: false,
        }
    }
}

/// The spec a verified group replays: the group must be trusted (every member sealed by this
/// Berth or adopted, one spec among them) and the spec must pass the launch form's own
/// validator, whoever wrote the label.
pub fn replayable_spec(
    key: &LaunchKey,
    group: &GroupId,
    members: &[ContainerSummary],
) -> Result<LaunchSpec, PlanError> {
    if let GroupTrust::Foreign { reason } = key.group_trust(members.iter().map(|c| &c.labels)) {
        return Err(PlanError::Foreign {
            group: group.clone(),
            reason,
        });
    }
    let spec = members
        .iter()
        .find_map(|c| spec_from_labels(&c.labels))
        .ok_or_else(|| {
            PlanError::Invalid(vec![FieldError::new(
                LaunchField::Replicas,
                "this group's launch settings label is missing or unreadable",
            )])
        })?;
    revalidate(&spec).map_err(PlanError::Invalid)
}

/// Scales a group: up launches more with the group's own spec (numbered after its highest
/// replica), down removes the highest-numbered replicas. Only a group this Berth launched
/// (or the user adopted) is scaled up, and scaling down removes only members this Berth
/// launched; others are kept and named in `errors`.
pub async fn scale_group(
    engine: &Engine,
    group: &GroupId,
    to: ScaleTo,
    sink: Arc<dyn Sink<Vec<ReplicaProgress>>>,
    cancel: CancellationToken,
    options: &LaunchOptions,
) -> Result<ScaleOutcome, PlanError> {
    let target = to.replicas.get();
    let members = group_members(engine, group).await?;
    if members.is_empty() {
        return Err(PlanError::Engine(EngineError::NotFound {
            message: format!("no launch group {group}"),
        }));
    }
    let signer = key::current()?;
    let key = signer.key();
    let current = members.len() as u32;
    if target > current {
        let spec = replayable_spec(key, group, &members)?;
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
    let (verified, foreign): (Vec<&ContainerSummary>, Vec<&ContainerSummary>) = members
        .iter()
        .partition(|c| key.member_trust(&c.labels).is_verified());
    if verified.is_empty() {
        if let GroupTrust::Foreign { reason } = key.group_trust(members.iter().map(|c| &c.labels)) {
            return Err(PlanError::Foreign {
                group: group.clone(),
                reason,
            });
        }
    }
    let excess = (current - target) as usize;
    let doomed: Vec<&ContainerSummary> = verified.iter().rev().take(excess).copied().collect();
    let (removed, mut errors) =
        remove_all(engine, &doomed, options.concurrency, to.remove_volumes).await;
    if doomed.len() < excess {
        errors.extend(foreign.iter().map(|c| {
            format!(
                "{}: kept, not launched by this Berth ({})",
                c.name,
                match key.member_trust(&c.labels) {
                    MemberTrust::Foreign(reason) => ForeignReason::from(reason).to_string(),
                    _ => String::new(),
                }
            )
        }));
    }
    Ok(ScaleOutcome {
        launch: None,
        removed,
        errors,
    })
}

/// A foreign launch group the user adopted: from now on it is trusted like one this Berth
/// launched (scaled, replayed, scaled down).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AdoptOutcome {
    pub group: GroupId,
    /// The spec adopted, as the launch form's validator accepted it.
    pub spec: LaunchSpec,
    /// Host paths its replicas mount (`SOURCE:TARGET[:ro]`), which the user confirmed.
    pub binds: Vec<String>,
}

/// Adopts a launch group this Berth did not launch. Its one `berth.launch` spec must pass
/// the launch form's validator; host paths it would mount (even `/`, which the form
/// allows) must have been shown to the user, who says so with `binds_reviewed`. Labels of
/// existing containers cannot change, so the adoption (group id and the spec's digest) is
/// kept in this Berth's launch key file.
pub async fn adopt_group(
    engine: &Engine,
    group: &GroupRef,
    binds_reviewed: bool,
) -> Result<AdoptOutcome, PlanError> {
    adopt_group_with(engine, &*key::current()?, group, binds_reviewed).await
}

/// [`adopt_group`], recorded in `signer`'s file (a test's own key, not the install's).
pub async fn adopt_group_with(
    engine: &Engine,
    signer: &key::GroupSigner,
    group: &GroupRef,
    binds_reviewed: bool,
) -> Result<AdoptOutcome, PlanError> {
    let invalid = |field, m: String| PlanError::Invalid(vec![FieldError::new(field, m)]);
    let GroupRef::Launch { group } = group else {
        return Err(invalid(
            LaunchField::Image,
            "only launch groups can be adopted".into(),
        ));
    };
    if !is_group_id(group.as_str()) {
        return Err(invalid(
            LaunchField::Image,
            format!(
                "“{}” is not a launch group id Berth makes",
                echo(group.as_str())
            ),
        ));
    }
    let members = group_members(engine, group).await?;
    if members.is_empty() {
        return Err(PlanError::Engine(EngineError::NotFound {
            message: format!("no launch group {group}"),
        }));
    }
    let texts: std::collections::BTreeSet<Option<&String>> =
        members.iter().map(|c| c.labels.get(LABEL_LAUNCH)).collect();
    let text = match texts.into_iter().collect::<Vec<_>>().as_slice() {
        [Some(text)] => (*text).clone(),
        [None] => {
            return Err(invalid(
                LaunchField::Image,
                "the group has no launch settings to adopt".into(),
            ))
        }
        _ => {
            return Err(invalid(
                LaunchField::Image,
                "the group's members carry different launch settings".into(),
            ))
        }
    };
    let spec: LaunchSpec = serde_json::from_str(&text).map_err(|e| {
        invalid(
            LaunchField::Image,
            format!("the launch settings are unreadable: {e}"),
        )
    })?;
    let spec = revalidate(&spec).map_err(PlanError::Invalid)?;
    let binds: Vec<String> = spec
        .volumes
        .iter()
        .filter(|v| matches!(v.source, VolumeSource::Bind(_)))
        .map(|v| v.to_cli_from(v.source.as_str()))
        .collect();
    if !binds.is_empty() && !binds_reviewed {
        return Err(PlanError::ReviewBinds { binds });
    }
    signer.adopt(group.as_str(), &text)?;
    Ok(AdoptOutcome {
        group: group.clone(),
        spec,
        binds,
    })
}

/// Removes `containers` with bounded concurrency; returns (removed names, `name: reason`).
/// `volumes`: their anonymous volumes go too. The futures own what they use: borrowed
/// captures would make the command futures that call this fail Tauri's `Send` check.
async fn remove_all(
    engine: &Engine,
    containers: &[&ContainerSummary],
    concurrency: usize,
    volumes: bool,
) -> (Vec<String>, Vec<String>) {
    let jobs: Vec<(Engine, String, String)> = containers
        .iter()
        .map(|c| (engine.clone(), c.id.clone(), c.name.clone()))
        .collect();
    let results: Vec<(String, Result<(), EngineError>)> = futures_util::stream::iter(jobs)
        .map(|(engine, id, name)| async move {
            (name, engine.remove_container_with(&id, volumes).await)
        })
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
/// member that failed. A remove takes the members' anonymous volumes too (`docker rm -v`);
/// [`group_action_with`] lets the user keep them.
pub async fn group_action(
    engine: &Engine,
    group: &GroupRef,
    action: GroupAction,
    concurrency: usize,
) -> Result<Vec<String>, EngineError> {
    group_action_with(engine, group, action, true, concurrency).await
}

/// [`group_action`], where a remove takes the anonymous volumes only with `remove_volumes`
/// (the Groups view's confirm: volumes stay unless the user ticks it, issue #13).
pub async fn group_action_with(
    engine: &Engine,
    group: &GroupRef,
    action: GroupAction,
    remove_volumes: bool,
    concurrency: usize,
) -> Result<Vec<String>, EngineError> {
    let members = members_of(engine, group).await?;
    let refs: Vec<&ContainerSummary> = members.iter().collect();
    if action == GroupAction::Remove {
        return Ok(remove_all(engine, &refs, concurrency, remove_volumes)
            .await
            .1);
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

/// Removes the given containers, but only those this Berth launched (sealed members of a
/// launch group): the "remove what was made" after a partial failure.
pub async fn remove_launched(
    engine: &Engine,
    ids: &[ContainerId],
    concurrency: usize,
) -> Result<Vec<String>, PlanError> {
    let signer = key::current()?;
    let launched = engine.list_labelled(LABEL_GROUP).await?;
    let wanted: HashSet<&str> = ids.iter().map(ContainerId::as_str).collect();
    let doomed: Vec<&ContainerSummary> = launched
        .iter()
        .filter(|c| wanted.contains(c.id.as_str()))
        .filter(|c| signer.key().member_trust(&c.labels).is_verified())
        .collect();
    Ok(remove_all(engine, &doomed, concurrency, true).await.1)
}
