//! Limits changed live: one container, or every member of a launch group this Berth launched
//! (verified by its seal), each checked against its own current limits first, so the engine
//! is only asked what it accepts and a refusal reads in plain words.

use futures_util::stream::StreamExt;

use crate::domain::ids::GroupId;
use crate::domain::limits::{
    update_command, validate, GroupLimitsReport, LimitsInputError, LimitsUpdate, MemberLimitsResult,
};
use crate::engine::{Engine, EngineError};
use crate::services::launch::groups::group_members;
use crate::services::launch::key::{self, LaunchKeyError};

#[derive(Debug, thiserror::Error)]
pub enum LimitsError {
    #[error("{0}")]
    Input(#[from] LimitsInputError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    LaunchKey(#[from] LaunchKeyError),
    #[error("no container of group {0} was launched by this Berth: adopt the group first")]
    NoVerifiedMember(String),
}

/// `docker update` of one container (`container` is its name or id, and names it in the
/// line); returns the line that ran.
pub async fn update_container(
    engine: &Engine,
    container: &str,
    update: &LimitsUpdate,
) -> Result<String, LimitsError> {
    let current = engine.current_limits(container).await?;
    validate(update, &current)?;
    engine.update_limits(container, update).await?;
    Ok(update_command(container, update).line)
}

/// The same update on every verified member of a launch group, `concurrency` at a time; each
/// member's line and outcome are reported, and members not sealed by this Berth are named
/// and left as they are.
pub async fn update_group(
    engine: &Engine,
    group: &GroupId,
    update: &LimitsUpdate,
    concurrency: usize,
) -> Result<GroupLimitsReport, LimitsError> {
    // A malformed update is refused once, before any member is touched.
    if update == &LimitsUpdate::default() {
        return Err(LimitsInputError::Nothing.into());
    }
    let signer = key::current()?;
    let members = group_members(engine, group).await?;
    let (verified, foreign): (Vec<_>, Vec<_>) = members
        .into_iter()
        .partition(|c| signer.key().member_trust(&c.labels).is_verified());
    if verified.is_empty() {
        return Err(LimitsError::NoVerifiedMember(group.to_string()));
    }
    let mut results: Vec<MemberLimitsResult> = futures_util::stream::iter(verified)
        .map(|c| async move {
            let error = update_container(engine, &c.name, update)
                .await
                .err()
                .map(|e| e.to_string());
            MemberLimitsResult {
                line: update_command(&c.name, update).line,
                name: c.name,
                error,
            }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    results.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(GroupLimitsReport {
        members: results,
        skipped: foreign.into_iter().map(|c| c.name).collect(),
    })
}
