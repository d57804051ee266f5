//! Container actions on one or many containers: every container gets its own result, so one
//! failure never hides the others.

use futures_util::stream::{self, StreamExt};

use crate::domain::actions::{rename_cli, validate_container_name, ActionResult, ContainerAction};
use crate::domain::echo::echo;
use crate::engine::{Engine, EngineError};

/// Requests in flight at once for a bulk action (the engine serialises much of it anyway).
const CONCURRENCY: usize = 4;

/// Does `action` to each of `targets` (IDs or names); results come back in the same order.
pub async fn run_action(
    engine: &Engine,
    targets: &[String],
    action: ContainerAction,
) -> Vec<ActionResult> {
    let listed = engine.list_containers().await.ok();
    let names = listed
        .iter()
        .flatten()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect::<std::collections::HashMap<_, _>>();
    // A target that is no listed container (by ID, ID prefix or name) is answered here:
    // nothing is sent to the engine for a typo or a pasted blob.
    let known = |target: &str| {
        let Some(all) = &listed else {
            return true;
        };
        let bare = target.trim_start_matches('/');
        !bare.is_empty()
            && all
                .iter()
                .any(|c| c.id.starts_with(bare) || c.name.trim_start_matches('/') == bare)
    };
    stream::iter(targets.iter().cloned())
        .map(|target| {
            // A full container ID (64 hex digits) is quoted whole, anything else short.
            let name = names.get(&target).cloned().unwrap_or_else(|| {
                if target.len() <= 64 && target.chars().all(|c| c.is_ascii_hexdigit()) {
                    target.clone()
                } else {
                    echo(&target)
                }
            });
            let known = known(&target);
            async move {
                let result = if known {
                    engine.container_action(&target, action).await
                } else {
                    Err(EngineError::NotFound {
                        message: format!("no container “{name}”"),
                    })
                };
                let command = action.cli(&name);
                to_result(target, name, command, action, result)
            }
        })
        .buffered(CONCURRENCY)
        .collect()
        .await
}

fn to_result(
    target: String,
    name: String,
    command: String,
    action: ContainerAction,
    result: Result<(), EngineError>,
) -> ActionResult {
    let (error, conflict) = match result {
        Ok(()) => (None, false),
        Err(e) => (
            Some(describe_failure(&name, action, &e)),
            matches!(e, EngineError::Conflict { .. }),
        ),
    };
    ActionResult {
        target,
        name,
        command,
        error,
        conflict,
    }
}

/// "web-1 could not be stopped: it no longer exists" and the like.
fn describe_failure(name: &str, action: ContainerAction, e: &EngineError) -> String {
    let verb = action.done_word();
    match e {
        EngineError::NotFound { .. } => {
            format!("{name} could not be {verb}: it no longer exists")
        }
        EngineError::Conflict { .. }
            if matches!(action, ContainerAction::Remove { force: false, .. }) =>
        {
            format!(
                "{name} could not be removed: it is running; stop it first, or force the removal"
            )
        }
        other => format!("{name} could not be {verb}: {other}"),
    }
}

/// Renames one container after checking the new name; returns `docker rename` on success.
pub async fn rename(engine: &Engine, target: &str, new_name: &str) -> Result<String, EngineError> {
    let new_name =
        validate_container_name(new_name).map_err(|message| EngineError::BadRequest { message })?;
    engine
        .rename_container(target, &new_name)
        .await
        .map_err(|e| match e {
            EngineError::NotFound { .. } => EngineError::NotFound {
                message: format!("the container {target} no longer exists"),
            },
            EngineError::Conflict { .. } => EngineError::Conflict {
                message: format!("the name {new_name} is already taken by another container"),
            },
            other => other,
        })?;
    Ok(rename_cli(target, &new_name))
}
