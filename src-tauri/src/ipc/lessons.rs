//! Lessons checked on the user's engine: each step's status (with the progress remembered in
//! the config folder), a step's click, the wait for the next engine event that may change a
//! check, clean-up of what a lesson made, and "start over".

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use berth_core::domain::lesson_progress::{Progress, FILE};
use berth_core::domain::lessons::{LessonId, LessonsOverview};
use berth_core::services::lessons;
use berth_core::services::safe_file::{self, MAX_CONFIG_FILE};
use berth_core::services::EngineHub;
use tauri::{AppHandle, Runtime, State};

use super::error::{IpcError, IpcErrorKind};

/// How long one `lesson_wait` lasts at most: the view calls it again after, so an event
/// stream is never held open by a view that went away for longer than this.
const WAIT: Duration = Duration::from_secs(30);

/// One read-change-write of the progress file at a time (two views or a status and a
/// "start over" at once would otherwise lose one's change).
static PROGRESS: Mutex<()> = Mutex::new(());

/// The remembered progress. A file that cannot be used (not a regular file, too large, not
/// a progress file of this version, naming steps that do not exist) is kept aside under a
/// unique name and progress starts afresh; the returned notice says so.
fn load(path: &Path) -> (Progress, Option<String>) {
    let why = match safe_file::read_untrusted(path, MAX_CONFIG_FILE) {
        Ok(None) => return (Progress::new(), None),
        Ok(Some(text)) => match Progress::parse(&text) {
            Ok(p) => return (p, None),
            Err(why) => why,
        },
        Err(problem) => problem.to_string(),
    };
    let notice = match safe_file::keep_aside(path) {
        Ok(aside) => format!(
            "The lessons progress file could not be used ({why}); it is kept as {} and progress starts afresh.",
            aside.display()
        ),
        Err(e) => format!(
            "The lessons progress file could not be used ({why}) nor kept aside ({e}): progress is not remembered until it is moved away."
        ),
    };
    tracing::warn!(%notice, "lessons progress not used");
    (Progress::new(), Some(notice))
}

fn save(path: &Path, progress: &Progress) -> Option<String> {
    safe_file::write_atomic(path, progress.to_json().as_bytes())
        .err()
        .map(|e| {
            format!(
                "Lessons progress could not be saved to {}: {e}",
                path.display()
            )
        })
}

/// Every built lesson with its steps checked on the engine now; steps reached now are
/// remembered, and steps reached before are marked.
#[tauri::command]
pub async fn lessons_status<R: Runtime>(
    app: AppHandle<R>,
    hub: State<'_, Arc<EngineHub>>,
) -> Result<LessonsOverview, IpcError> {
    let mut lessons = lessons::status_all(&hub.engine()?).await?;
    let path = crate::settings::config_path(&app, FILE);
    let _one = PROGRESS.lock().unwrap_or_else(|e| e.into_inner());
    let (mut progress, mut notice) = load(&path);
    if progress.record(&lessons) {
        notice = save(&path, &progress).or(notice);
    }
    progress.apply(&mut lessons);
    Ok(LessonsOverview { lessons, notice })
}

/// "Start over": forgets what `lesson` reached (the engine is not touched: clean-up is
/// its own, confirmed, step).
#[tauri::command]
pub async fn lesson_start_over<R: Runtime>(
    app: AppHandle<R>,
    lesson: LessonId,
) -> Result<(), IpcError> {
    let path = crate::settings::config_path(&app, FILE);
    let _one = PROGRESS.lock().unwrap_or_else(|e| e.into_inner());
    let (mut progress, _) = load(&path);
    if progress.forget(lesson) {
        if let Some(problem) = save(&path, &progress) {
            return Err(IpcError {
                kind: IpcErrorKind::Internal,
                message: problem,
            });
        }
    }
    Ok(())
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

/// Removes the objects of `lesson` whose names the user confirmed; returns those removed.
#[tauri::command]
pub async fn lesson_cleanup(
    hub: State<'_, Arc<EngineHub>>,
    lesson: LessonId,
    names: Vec<String>,
) -> Result<Vec<String>, IpcError> {
    Ok(lessons::cleanup(&hub.engine()?, lesson, &names).await?)
}
