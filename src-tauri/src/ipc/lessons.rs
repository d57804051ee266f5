//! Lessons checked on the user's engine: each step's status, a step's click, the wait for the
//! next engine event that may change a check, and the clean-up of what a lesson made.

use std::sync::Arc;
use std::time::Duration;

use berth_core::domain::lessons::{LessonId, LessonStatus};
use berth_core::services::lessons;
use berth_core::services::EngineHub;
use tauri::State;

use super::error::IpcError;

/// How long one `lesson_wait` lasts at most: the view calls it again after, so an event
/// stream is never held open by a view that went away for longer than this.
const WAIT: Duration = Duration::from_secs(30);

/// Every built lesson with its steps checked on the engine now.
#[tauri::command]
pub async fn lessons_status(hub: State<'_, Arc<EngineHub>>) -> Result<Vec<LessonStatus>, IpcError> {
    let engine = hub.engine()?;
    let mut out = Vec::new();
    for id in LessonId::ALL {
        out.push(lessons::status(&engine, id).await?);
    }
    Ok(out)
}

/// Does step `step` of `lesson` the way its button says (labelled with the lesson).
#[tauri::command]
pub async fn lesson_act(
    hub: State<'_, Arc<EngineHub>>,
    lesson: LessonId,
    step: usize,
) -> Result<(), IpcError> {
    Ok(lessons::act(&hub.engine()?, lesson, step).await?)
}

/// Returns when the engine reports something that may change a check of `lesson` (true), or
/// after at most 30 s (false).
#[tauri::command]
pub async fn lesson_wait(
    hub: State<'_, Arc<EngineHub>>,
    lesson: LessonId,
) -> Result<bool, IpcError> {
    Ok(lessons::wait_for_change(&hub.engine()?, lesson, WAIT).await)
}

/// Removes the containers of `lesson` whose names the user confirmed; returns those removed.
#[tauri::command]
pub async fn lesson_cleanup(
    hub: State<'_, Arc<EngineHub>>,
    lesson: LessonId,
    names: Vec<String>,
) -> Result<Vec<String>, IpcError> {
    Ok(lessons::cleanup(&hub.engine()?, lesson, &names).await?)
}
