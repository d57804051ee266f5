//! Lessons on the user's engine: read the snapshot the checks need, perform a step's click,
//! clean up what a lesson made, and wait for the next engine event that may change a check.
//! The checks themselves are pure ([`crate::domain::lessons`]).

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::StreamExt;

use crate::domain::first_run::DEMO_TAG;
use crate::domain::launch::{ReplicaConfig, RestartPolicy};
use crate::domain::lessons::{
    evaluate, note_argv, step_action, LessonId, LessonStatus, Snapshot, StepAction, LESSON_LABEL,
};
use crate::domain::ContainerState;
use crate::engine::{Engine, EngineError};

/// The engine's state as the checks of `lesson` see it. Only the lesson's own containers'
/// diffs are read (at most a few), and a container that vanished meanwhile has no diff.
pub async fn snapshot(engine: &Engine, lesson: LessonId) -> Result<Snapshot, EngineError> {
    let mut snap = Snapshot {
        containers: engine.list_containers().await?,
        demo_image_id: engine.local_image_id(DEMO_TAG).await?,
        diffs: BTreeMap::new(),
    };
    let wanted: Vec<(String, String)> = snap
        .made_by(lesson)
        .into_iter()
        .filter(|c| lesson.needs_diff().contains(&c.name.as_str()))
        .map(|c| (c.name.clone(), c.id.clone()))
        .collect();
    for (name, id) in wanted {
        match engine.file_changes(&id).await {
            Ok(changes) => {
                snap.diffs.insert(name, changes);
            }
            Err(EngineError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(snap)
}

/// Every step of `lesson` checked on the engine now.
pub async fn status(engine: &Engine, lesson: LessonId) -> Result<LessonStatus, EngineError> {
    Ok(evaluate(lesson, &snapshot(engine, lesson).await?))
}

fn bad(message: impl Into<String>) -> EngineError {
    EngineError::BadRequest {
        message: message.into(),
    }
}

/// Performs step `step` of `lesson` as its button says: what the step's `docker` lines do,
/// with the lesson's label on what it creates. A container the step needs that already
/// exists (made earlier, or typed) is started, not made twice.
pub async fn act(engine: &Engine, lesson: LessonId, step: usize) -> Result<(), EngineError> {
    let action = step_action(lesson, step).ok_or_else(|| bad("this lesson has no such step"))?;
    if engine.local_image_id(DEMO_TAG).await?.is_none() {
        return Err(bad(format!(
            "the blueprint {DEMO_TAG} is not on this engine yet: build it first (Learn → first run)"
        )));
    }
    let snap = snapshot(engine, lesson).await?;
    match action {
        StepAction::Run { names } => {
            for name in names {
                if let Some(c) = snap.made_by(lesson).into_iter().find(|c| c.name == *name) {
                    if c.state != ContainerState::Running {
                        engine.start_container(&c.id).await?;
                    }
                    continue;
                }
                let id = engine.create_replica(&house(lesson, name)).await?;
                engine.start_container(&id).await?;
            }
        }
        StepAction::WriteNote { container } => {
            let c = snap
                .made_by(lesson)
                .into_iter()
                .find(|c| c.name == container)
                .ok_or_else(|| bad(format!("there is no {container} yet: do the step before")))?;
            let out = engine.exec(&c.id, note_argv()).await?;
            if out.exit_code != Some(0) {
                return Err(bad(format!(
                    "changing the file in {container} failed: {}",
                    out.output.trim()
                )));
            }
        }
    }
    Ok(())
}

/// A lesson's house: the demo image, the asked name, the lesson's label, nothing else.
fn house(lesson: LessonId, name: &str) -> ReplicaConfig {
    ReplicaConfig {
        replica: 1,
        name: name.into(),
        image: DEMO_TAG.into(),
        command: None,
        env: vec![],
        labels: BTreeMap::from([(LESSON_LABEL.to_string(), lesson.as_str().to_string())]),
        ports: vec![],
        binds: vec![],
        restart: RestartPolicy::No,
        memory: None,
        nano_cpus: None,
        network: None,
        auto_remove: false,
    }
}

/// Removes the containers of `lesson` the user confirmed by name (`confirmed` = the names the
/// confirmation showed). Only containers the lesson still recognises now are removed, so a
/// name confirmed earlier that now belongs to something else is left alone. The demo image
/// stays: it is the first run's too. Returns the names removed.
pub async fn cleanup(
    engine: &Engine,
    lesson: LessonId,
    confirmed: &[String],
) -> Result<Vec<String>, EngineError> {
    let snap = snapshot(engine, lesson).await?;
    let mut removed = Vec::new();
    for c in snap.made_by(lesson) {
        if confirmed.contains(&c.name) {
            engine.remove_container(&c.id).await?;
            removed.push(c.name.clone());
        }
    }
    Ok(removed)
}

/// Waits (at most `timeout`) for the next engine event that may change a check of `lesson`:
/// a change in the lists, or the end of a command run inside one of its containers (a
/// `docker exec` changes the writable layer but not the lists, so the inventory refresh
/// alone would miss it). Returns whether such an event came. Event-driven: no polling.
pub async fn wait_for_change(engine: &Engine, lesson: LessonId, timeout: Duration) -> bool {
    let events = engine.events(Duration::ZERO);
    let mut events = std::pin::pin!(events);
    let relevant = async {
        while let Some(item) = events.next().await {
            let Ok(e) = item else { return false };
            let name = e.attributes.get("name").map(String::as_str).unwrap_or("");
            if e.changes_inventory() || (e.action == "exec_die" && lesson.names().contains(&name)) {
                return true;
            }
        }
        false
    };
    tokio::time::timeout(timeout, relevant)
        .await
        .unwrap_or(false)
}
