//! The answer to "a launch is running: quit?" (see `crate::quit`).

use berth_core::services::launch::quit::QuitChoice;
use tauri::State;

use super::streams::Launches;

/// Finishes or rolls back the launches in flight, then quits; or keeps Berth open.
#[tauri::command]
pub fn quit_choice<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    launches: State<'_, Launches>,
    choice: QuitChoice,
) {
    crate::quit::choose(&app, &launches.0, choice);
}

/// Help → Quit (issue #18): the same quit as the tray's, asking first while a launch runs.
#[tauri::command]
pub fn quit_app<R: tauri::Runtime>(app: tauri::AppHandle<R>, launches: State<'_, Launches>) {
    crate::quit::request(&app, &launches.0);
}
