//! Window manners (issue #18): the main window opens where it was, at the size it had
//! (maximised or not), across restarts. `tauri-plugin-window-state` keeps that in
//! `window-state.json` beside the settings and saves it when Berth exits. Visibility is not
//! restored: the window starts hidden and is shown once the UI painted (`startup`), or stays in
//! the tray. A saved position off every screen is ignored by the plugin, and a file it cannot
//! read is as if there were none.

use std::path::PathBuf;

use tauri::plugin::TauriPlugin;
use tauri::Runtime;
use tauri_plugin_window_state::{Builder, StateFlags};

/// The file's name in the config folder.
pub const FILE: &str = "window-state.json";

/// The plugin, its file in `BERTH_CONFIG_DIR` when that is set (as the settings are: tests
/// and portable setups keep their own), else in the app's config folder.
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    let builder = Builder::default()
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED);
    // The plugin joins the name to the app's config folder; joining an absolute path gives
    // that path.
    match std::env::var_os("BERTH_CONFIG_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => builder.with_filename(PathBuf::from(dir).join(FILE).to_string_lossy()),
        None => builder.with_filename(FILE),
    }
    .build()
}
